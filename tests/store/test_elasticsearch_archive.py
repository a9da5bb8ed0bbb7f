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
    assert kw["raise_on_error"] is False
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


def test_elasticsearch_archive_with_refused_agreements_keeps_the_earlier_documents(cluster, stored_db, corpus):
    def refusing_bulk(es, actions, **kw):
        actions = list(actions)
        return len(actions) - 1, [{"index": {"_id": actions[0]["_id"], "status": 400,
                                             "error": {"type": "mapper_parsing_exception", "reason": "bad date"}}}]  # fmt: skip

    conn = database.connect(stored_db)
    with mock.patch("elasticsearch.helpers.bulk", refusing_bulk):
        errors = es_backend.ElasticsearchArchive(cluster).put_agreements(conn, database.generation(conn) + 1)
    conn.close()
    assert errors == [f"agreement {sorted(a.id for a in corpus)[0]}: mapper_parsing_exception: bad date"]
    assert not [name for name, _ in cluster.requests if name == "delete_by_query"]


def test_elasticsearch_rebuild_puts_the_agreements_after_the_swap_and_reports_their_errors(stored_db):
    client = mock.MagicMock()
    client.indices.get_alias.return_value = mock.Mock(body={})
    client.indices.exists.return_value = False
    order = []
    client.indices.update_aliases.side_effect = lambda **kw: order.append("swap")

    def put(self, conn, generation):
        order.append(("agreements", generation))
        return ["agreement ag_x: mapper_parsing_exception: bad date"]

    def fake_streaming_bulk(es, actions, **kw):
        for a in actions:
            yield True, {"index": {"_id": a["_id"], "status": 201}}

    conn = database.connect(stored_db)
    with mock.patch("elasticsearch.helpers.streaming_bulk", fake_streaming_bulk), \
            mock.patch.object(es_backend.ElasticsearchArchive, "put_agreements", put):
        summary = es_backend.ElasticsearchIndex(client).rebuild(conn)
    assert order == ["swap", ("agreements", database.generation(conn))]
    assert summary["errors"] == ["agreement ag_x: mapper_parsing_exception: bad date"]
    conn.close()


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


# --------------------------------------------------------------------------- statistics


class ClauseCluster:
    """The clause index's answers to the requests statistics send: a ``composite`` aggregation over
    agreements with a ``top_hits`` of each, and sorted searches with ``search_after``. Which documents a
    query matches is the test's ``matches(query, doc)``, so the query itself is asserted apart."""

    def __init__(self, docs: list[dict], matches):
        self.docs, self.matches, self.requests = docs, matches, []

    def search(self, index, size, query, aggs=None, sort=None, _source=None, search_after=None):
        self.requests.append({"index": index, "size": size, "query": query, "aggs": aggs, "sort": sort,
                              "search_after": search_after})  # fmt: skip
        found = sorted((d for d in self.docs if self.matches(query, d)), key=lambda d: d["ordinal"])
        hit = lambda d, fields: {"_index": "kelisim-clauses-v3", "_id": str(d["ordinal"]), "_score": None,  # noqa: E731
                                 "_source": {k: v for k, v in d.items() if k in fields}, "sort": [d["ordinal"]]}  # fmt: skip
        if aggs is None:
            rest = [d for d in found if search_after is None or d["ordinal"] > search_after[0]]
            return {"hits": {"total": {"value": len(found), "relation": "eq"}, "hits": [hit(d, _source) for d in rest[:size]]}}
        composite = aggs["agreements"]["composite"]
        top = aggs["agreements"]["aggs"]["clauses"]["top_hits"]
        assert top["sort"] == [{"ordinal": "asc"}] and size == 0
        keys = sorted({d["agreement"] for d in found})
        if "after" in composite:
            keys = [k for k in keys if k > composite["after"]["agreement"]]
        buckets = []
        for key in keys[: composite["size"]]:
            mine = [d for d in found if d["agreement"] == key]
            buckets.append({"key": {"agreement": key}, "doc_count": len(mine), "clauses": {"hits": {
                "total": {"value": len(mine), "relation": "eq"}, "max_score": None,
                "hits": [hit(d, top["_source"]) for d in mine[: top["size"]]]}}})  # fmt: skip
        agg = {"buckets": buckets, **({"after_key": buckets[-1]["key"]} if buckets else {})}
        return {"took": 2, "timed_out": False, "hits": {"total": {"value": len(found), "relation": "eq"}, "hits": []},
                "aggregations": {"agreements": agg}}  # fmt: skip


def _matches(query, doc) -> bool:
    """What the filters statistics send select, read from the query (so a wrong query fails here)."""
    which, has_norms, compared = query["bool"]["filter"][:3]
    if "nested" in which:
        if not any(n["parameter"] == which["nested"]["query"]["term"]["norms.parameter"] for n in doc.get("norms", ())):
            return False
    elif doc["agreement"] != which["term"]["agreement"]:
        return False
    assert has_norms == {"nested": {"path": "norms", "query": {"exists": {"field": "norms.parameter"}}}}
    if not doc.get("norms"):
        return False
    assert compared["bool"]["should"][1] == {"term": {"clause_language": "ru"}}
    if doc.get("clause_language") not in (None, "ru"):
        return False
    return all(doc["agreement"] == f["term"]["agreement"] for f in query["bool"]["filter"][3:])


@pytest.fixture
def clause_cluster(stored_db):
    conn = database.connect(stored_db)
    docs = [es_backend.document(row) for row in database.index_rows(conn)]
    conn.close()
    return ClauseCluster(docs, _matches)


@pytest.mark.parametrize("parameter", ["wage_indexation.rate", "annual_leave.days", "premium_pay.overtime"])
@pytest.mark.parametrize("by", [None, "sector", "region", "year", "level"])
def test_elasticsearch_stats_equal_the_embedded_stats(clause_cluster, stored_db, parameter, by, monkeypatch):
    """Pages of two agreements, one clause per top_hits: the composite's ``after`` and the sorted
    search of an agreement's remaining clauses are both used, and the figures are the embedded ones."""
    from datetime import date

    from pipeline.archive.stats import parameter_stats

    monkeypatch.setattr(es_backend, "_AGREEMENTS_PER_PAGE", 2)
    monkeypatch.setattr(es_backend, "_CLAUSES_PER_AGREEMENT", 1)
    on = date(2024, 6, 1)
    with mock.patch.object(es_backend, "client", lambda url, **kw: clause_cluster):
        stats = parameter_stats(stored_db, parameter, by=by, on=on, backend="elasticsearch", es_url="http://es:9200")
    assert stats == parameter_stats(stored_db, parameter, by=by, on=on) and stats.groups
    composites = [r for r in clause_cluster.requests if r["aggs"]]
    assert len(composites) >= 2 and composites[1]["aggs"]["agreements"]["composite"]["after"]
    assert composites[0]["query"]["bool"]["filter"][0] == {
        "nested": {"path": "norms", "query": {"term": {"norms.parameter": parameter}}}}


def test_elasticsearch_agreement_with_more_clauses_than_top_hits_is_read_whole(clause_cluster, stored_db, corpus, monkeypatch):
    from pipeline.archive.stats import agreement_stats

    monkeypatch.setattr(es_backend, "_CLAUSES_PER_AGREEMENT", 1)
    monkeypatch.setattr(es_backend, "_PAGE", 1)
    target = corpus[0]
    rows = es_backend.ElasticsearchIndex(clause_cluster).norm_rows(agreement=target.id)
    assert [(r.clause, r.parameter, r.value) for r in rows] == [
        (c.number, n.parameter, n.value) for c in target.clauses for n in c.norms]
    paged = [r for r in clause_cluster.requests if not r["aggs"]]
    assert len(paged) > 1 and paged[0]["sort"] == [{"ordinal": "asc"}] and paged[1]["search_after"]
    with mock.patch.object(es_backend, "client", lambda url, **kw: clause_cluster):
        placed = agreement_stats(stored_db, target.id, backend="elasticsearch", es_url="http://es:9200")
    assert placed == agreement_stats(stored_db, target.id) and placed


def test_audit_on_elasticsearch_without_a_url_is_a_usage_error(stored_db, monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import cli

    monkeypatch.delenv("KELISIM_ES_URL", raising=False)
    result = CliRunner().invoke(cli, ["audit", "--db", str(stored_db), "--backend", "elasticsearch"])
    assert result.exit_code == 2 and "--es-url" in result.output


def test_audit_on_an_unreachable_cluster_is_one_line_without_the_password(stored_db):
    from click.testing import CliRunner

    from pipeline.cli import cli

    url = "http://kelisim:s3cret-pw@127.0.0.1:9"  # the discard port: nothing answers
    result = CliRunner().invoke(cli, ["audit", "--db", str(stored_db), "--backend", "elasticsearch", "--es-url", url])
    assert result.exit_code == 3, result.output
    assert "s3cret-pw" not in result.output and "127.0.0.1:9" in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("kelisim:")]) == 1


def test_elasticsearch_audit_keeps_one_client_per_process_for_its_agreements(cluster, corpus):
    """Each agreement's audit reuses the process's client (and its connections) instead of opening one."""
    from pipeline.archive import audit as audit_module

    made = []

    def client(url, **kw):
        made.append(url)
        return cluster

    audit_module._CLUSTERS.clear()
    with mock.patch.object(es_backend, "client", client):
        result = audit("unused.db", backend="elasticsearch", es_url="http://es:9200")
    assert len(result.redone) == len(corpus) > 2
    assert len(made) <= 3  # the audit's own reads and writes, and one for the agreements' checks
