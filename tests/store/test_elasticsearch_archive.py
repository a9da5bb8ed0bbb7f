"""The audit on the Elasticsearch backend without a server: the requests its archive sends, and the
audit it gives over a fake cluster that answers those requests as Elasticsearch does.

Response shapes follow the Elasticsearch reference: a ``_search`` hit carries its ``sort`` values
(which ``search_after`` takes back), ``_doc/<id>`` answers ``found`` and ``_source``, ``_mget`` answers
``docs`` in the order of the ids asked, and a missing document is a 404 (``NotFoundError``).
"""

from __future__ import annotations

import copy
import json
import shutil
from unittest import mock

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import NotFoundError

from pipeline.archive.audit import audit
from pipeline.store import database
from pipeline.store import elasticsearch as es_backend
from schemas.elasticsearch import AGREEMENTS_INDEX, AUDITS_INDEX, archive_mappings


def _not_found(index: str, doc_id: str) -> NotFoundError:
    meta = ApiResponseMeta(404, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "localhost", 9200))
    return NotFoundError("not_found", meta, {"_index": index, "_id": doc_id, "found": False})


class FakeCluster:
    """The requests :class:`ElasticsearchArchive` sends, answered from dicts, every one recorded."""

    def __init__(self):
        self.docs: dict[str, dict[str, dict]] = {}
        self.mappings: dict[str, dict] = {}
        self.requests: list[tuple[str, dict]] = []
        self.indices = mock.Mock()
        self.indices.exists.side_effect = lambda index: self._log("exists", index=index) or index in self.docs
        self.indices.create.side_effect = self._create
        self.indices.refresh.side_effect = lambda index: self._log("refresh", index=index)

    def _log(self, name, **kw):
        self.requests.append((name, kw))

    def _create(self, index, mappings, settings):
        self._log("create", index=index, mappings=mappings, settings=settings)
        self.docs[index], self.mappings[index] = {}, mappings

    def put(self, index: str, doc_id: str, source: dict) -> None:
        """A document as the cluster keeps it: JSON, checked against the strict mapping."""
        assert set(source) <= set(self.mappings[index]["properties"]), set(source) - set(self.mappings[index]["properties"])
        self.docs[index][doc_id] = json.loads(json.dumps(source))

    def index(self, index, id, document):
        self._log("index", index=index, id=id)
        self.put(index, id, document)

    def search(self, index, size, sort, _source, query, search_after=None):
        self._log("search", index=index, size=size, sort=sort, search_after=search_after)
        assert query == {"match_all": {}}
        (key,) = sort[0]
        rows = sorted(self.docs[index].values(), key=lambda s: s[key])
        if search_after is not None:
            rows = [s for s in rows if s[key] > search_after[0]]
        hits = [{"_index": index, "_id": s[key], "_score": None, "sort": [s[key]],
                 "_source": {k: v for k, v in s.items() if k in _source}} for s in rows[:size]]  # fmt: skip
        return {"took": 1, "timed_out": False, "hits": {"total": {"value": len(rows), "relation": "eq"}, "hits": hits}}

    def get(self, index, id, _source):
        self._log("get", index=index, id=id)
        if id not in self.docs.get(index, {}):
            raise _not_found(index, id)
        s = self.docs[index][id]
        return {"_index": index, "_id": id, "_version": 1, "found": True, "_source": {k: s[k] for k in _source}}

    def mget(self, index, ids, _source):
        self._log("mget", index=index, ids=list(ids))
        return {"docs": [
            {"_index": index, "_id": i, "_version": 1, "found": True,
             "_source": {k: v for k, v in self.docs[index][i].items() if k in _source}}
            if i in self.docs[index] else {"_index": index, "_id": i, "found": False}
            for i in ids
        ]}  # fmt: skip

    def delete_by_query(self, index, query, refresh, conflicts):
        self._log("delete_by_query", index=index, query=query)
        below = query["range"]["generation"]["lt"]
        gone = [i for i, s in self.docs[index].items() if s["generation"] < below]
        for i in gone:
            del self.docs[index][i]
        return {"deleted": len(gone)}

    def close(self):
        pass


def _fake_bulk(cluster, actions, **kw):
    n = 0
    for a in actions:
        assert a["_op_type"] == "index"
        cluster.put(a["_index"], a["_id"], a["_source"])
        n += 1
    return n, []


@pytest.fixture
def cluster(stored_db):
    """A fake cluster holding the small corpus's agreements, as ``kelisim index --backend elasticsearch`` leaves it."""
    fake = FakeCluster()
    conn = database.connect(stored_db)
    with mock.patch("elasticsearch.helpers.bulk", _fake_bulk):
        es_backend.ElasticsearchArchive(fake).put_agreements(conn, database.generation(conn))
    conn.close()
    fake.requests.clear()
    return fake


def _audited(result) -> dict:
    return {
        "rows": {i: (r.inputs, r.chain, r.status, r.counts) for i, r in result.rows.items()},
        "findings": sorted(f.model_dump_json() for f in result.report.findings),
        "failures": result.report.failures,
        "summary": {k: v for k, v in result.report.summary.items() if k != "audit"},
    }


def test_elasticsearch_archive_mappings_are_strict_and_keep_the_models_unindexed():
    for index, mapping in archive_mappings().items():
        assert mapping["dynamic"] == "strict", index
    assert archive_mappings()[AGREEMENTS_INDEX]["properties"]["model"] == {"type": "object", "enabled": False}
    audits = archive_mappings()[AUDITS_INDEX]["properties"]
    assert audits["inputs"] == {"type": "keyword"} and audits["findings"]["enabled"] is False


def test_elasticsearch_archive_holds_every_stored_agreement_and_reads_it_back(cluster, stored_db, corpus):
    conn = database.connect(stored_db)
    from pipeline.archive.records import records

    archive = es_backend.ElasticsearchArchive(cluster)
    assert archive.records() == records(conn)
    for agreement in corpus:
        assert archive.agreement(agreement.id) == database.read_agreement_row(conn, agreement.id)
    assert archive.agreement("ag_missing") is None
    conn.close()


def test_elasticsearch_archive_pages_through_records_with_search_after(cluster, corpus, monkeypatch):
    monkeypatch.setattr(es_backend, "_PAGE", 4)
    ids = [r.id for r in es_backend.ElasticsearchArchive(cluster).records()]
    assert ids == sorted(a.id for a in corpus)
    searches = [kw for name, kw in cluster.requests if name == "search"]
    assert [s["search_after"] for s in searches] == [None, [ids[3]]]
    assert all(s["index"] == AGREEMENTS_INDEX and s["sort"] == [{"id": "asc"}] and s["size"] == 4 for s in searches)
    assert ("refresh", {"index": AGREEMENTS_INDEX}) in cluster.requests  # what was just written is seen


def test_elasticsearch_archive_deletes_agreements_no_longer_in_the_database(cluster, stored_db, corpus):
    conn = database.connect(stored_db)
    conn.execute("DELETE FROM sources WHERE id = (SELECT source_id FROM agreements WHERE id = ?)", (corpus[1].id,))
    conn.commit()
    later = database.generation(conn) + 1
    with mock.patch("elasticsearch.helpers.bulk", _fake_bulk):
        es_backend.ElasticsearchArchive(cluster).put_agreements(conn, later)
    conn.close()
    assert corpus[1].id not in cluster.docs[AGREEMENTS_INDEX] and len(cluster.docs[AGREEMENTS_INDEX]) == len(corpus) - 1
    (delete,) = [kw for name, kw in cluster.requests if name == "delete_by_query"]
    assert delete["query"] == {"range": {"generation": {"lt": later}}}


def test_elasticsearch_audit_equals_the_embedded_audit_and_is_incremental(cluster, stored_db, tmp_path, corpus):
    """The whole audit over the fake cluster: the same chains, statuses, counts and findings as the
    audit of the clause database; its records kept in kelisim-audits, so the next audit redoes nothing."""
    reference_db = tmp_path / "reference.db"
    shutil.copy(stored_db, reference_db)
    embedded = audit(reference_db)
    with mock.patch.object(es_backend, "client", lambda url, **kw: cluster):
        first = audit("unused.db", backend="elasticsearch", es_url="http://es:9200")
        assert _audited(first) == _audited(embedded) and sorted(first.redone) == sorted(a.id for a in corpus)
        assert first.report.findings
        writes = [kw for name, kw in cluster.requests if name == "index"]
        assert sorted(w["id"] for w in writes) == sorted(a.id for a in corpus)
        assert {w["index"] for w in writes} == {AUDITS_INDEX}
        kept = copy.deepcopy(cluster.docs[AUDITS_INDEX])
        cluster.requests.clear()
        second = audit("unused.db", backend="elasticsearch", es_url="http://es:9200")
    assert second.redone == [] and second.up_to_date == len(corpus)
    assert _audited(second) == _audited(first)
    assert not [name for name, _ in cluster.requests if name == "index"] and cluster.docs[AUDITS_INDEX] == kept
    (mget,) = [kw for name, kw in cluster.requests if name == "mget"]  # the findings, in one request
    assert mget["index"] == AUDITS_INDEX and sorted(mget["ids"]) == sorted(a.id for a in corpus)


def test_elasticsearch_audit_document_holds_the_audit_row_and_its_findings(cluster, corpus):
    with mock.patch.object(es_backend, "client", lambda url, **kw: cluster):
        result = audit("unused.db", backend="elasticsearch", es_url="http://es:9200")
    target = corpus[0].id
    doc = cluster.docs[AUDITS_INDEX][target]
    row = result.rows[target]
    assert (doc["agreement_id"], doc["inputs"], doc["chain"], doc["status"], doc["counts"]) == (
        target, row.inputs, row.chain, row.status, row.counts)
    assert [f["kind"] for f in doc["findings"]] == [f.kind for f in result.report.findings if f.agreement == target]
    assert len(doc["inputs"]) == 64


def test_elasticsearch_audit_without_the_agreements_index_says_to_build_it(monkeypatch):
    empty = FakeCluster()
    with mock.patch.object(es_backend, "client", lambda url, **kw: empty):
        with pytest.raises(database.DatabaseError, match="kelisim index --backend elasticsearch"):
            audit("unused.db", backend="elasticsearch", es_url="http://es:9200")
