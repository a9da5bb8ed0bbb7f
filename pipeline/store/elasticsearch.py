"""The Elasticsearch backend: same query model, same results shape as the embedded index.

The index is versioned by database generation (``kelisim-clauses-v<generation>``)
behind the alias ``kelisim-clauses``; a rebuild fills a new index, swaps the
alias in one ``_aliases`` call and deletes the old index, so searches never see
a half-built index. User text is only ever placed in ``match``-family queries
(analysed as text) or ``prefix`` values (literal), never in a query-string syntax.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from pipeline.store import database
from pipeline.store.query import (
    FACETS,
    FUZZY_BOOST,
    HIT_FIELDS,
    SNIPPET_CHARS,
    Hit,
    ParsedText,
    QueryError,
    SearchQuery,
    SearchResults,
    Term,
    plain_snippet,
)
from schemas.elasticsearch import AGREEMENTS_INDEX, ALIAS, AUDITS_INDEX, archive_mappings, index_template

_log = logging.getLogger(__name__)

TEXT_FIELDS = ("text", "text_kk")
_FILTER_FIELDS = {"topic": "topics", "level": "level", "sector": "sector", "region": "region", "year": "year",
                  "language": "language", "agreement": "agreement"}  # fmt: skip
_FACET_FIELDS = {"topic": "topics", "level": "level", "sector": "sector", "region": "region", "year": "year",
                 "language": "language"}
_SOURCE = [*HIT_FIELDS, "topics", "text", "text_kk"]
_BULK_RETRIES = 5
# Statistics page through agreements this many at a time, and read at most this many clauses holding
# the parameter of each (Elasticsearch's default index.max_inner_result_window).
_AGREEMENTS_PER_PAGE = 500
_CLAUSES_PER_AGREEMENT = 100
# Documents read per request when paging with search_after (archive records, clauses of one agreement).
_PAGE = 1000


def _body(response) -> dict:
    """The body of a client response (the client wraps it; a test's fake may hand the dict itself)."""
    return response.body if hasattr(response, "body") else response


# How long a search waits for Elasticsearch, connecting and answering together, before it
# says so; $KELISIM_ES_TIMEOUT overrides. Rebuilding an index sends large bulk requests to
# a cluster that may be busy merging, so it waits longer and retries.
SEARCH_TIMEOUT_S = 10.0
INDEX_TIMEOUT_S = 60.0


def check_url(url: str | None) -> str:
    """``url`` if it can name an Elasticsearch server; else a usage error that never shows its password."""
    if not url:
        raise QueryError("the elasticsearch backend needs --es-url or $KELISIM_ES_URL")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError as e:
        raise QueryError(f"--es-url {redact(url)}: not a URL ({e})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QueryError(
            f"--es-url {redact(url)}: not a URL of the form http(s)://[user:password@]host[:port]"
        )
    return url


def _authority(url: str) -> tuple[int, int]:
    """Start and end of the ``user:password@host:port`` part, found by hand so a malformed URL works too."""
    start = url.find("://")
    start = 0 if start < 0 else start + 3
    ends = [i for i in (url.find(c, start) for c in "/?#") if i >= 0]
    return start, min(ends, default=len(url))


def _password(url: str) -> str | None:
    start, end = _authority(url)
    userinfo, at, _ = url[start:end].rpartition("@")
    if not at or ":" not in userinfo:
        return None
    return userinfo.split(":", 1)[1]


def redact(url: str | None) -> str:
    """The URL with its password replaced by ``***``, for every message and log line."""
    if not url:
        return str(url)
    password = _password(url)
    if not password:
        return url
    start, end = _authority(url)
    user = url[start:end].rpartition("@")[0].split(":", 1)[0]
    return f"{url[:start]}{user}:***@{url[start:end].rpartition('@')[2]}{url[end:]}"


def scrub(text: str, url: str | None) -> str:
    """``text`` (an error from the client, say) with the URL's password, as written or decoded, replaced."""
    password = _password(url) if url else None
    if not password:
        return text
    forms = sorted({password, unquote(password)}, key=len, reverse=True)
    for form in forms:
        text = text.replace(f":{form}@", ":***@")
    # Alone, only a password long enough not to be a common piece of text (a one-letter one would eat the message).
    for form in forms:
        if len(form) >= 4:
            text = text.replace(form, "***")
    return text


def _timeout() -> float:
    try:
        value = float(os.environ.get("KELISIM_ES_TIMEOUT", SEARCH_TIMEOUT_S))
    except ValueError:
        raise QueryError("$KELISIM_ES_TIMEOUT must be a number of seconds") from None
    if value <= 0:
        raise QueryError("$KELISIM_ES_TIMEOUT must be a number of seconds above 0")
    return value


def client(url: str | None, *, interactive: bool = True):
    """An Elasticsearch client for ``url``: a short timeout and no retry on it when someone is waiting
    (``interactive``), a long one with retries for rebuilding. A missing or malformed URL is a usage error."""
    check_url(url)
    from elasticsearch import Elasticsearch

    try:
        if interactive:
            return Elasticsearch(url, request_timeout=_timeout(), retry_on_timeout=False, max_retries=1)
        return Elasticsearch(url, request_timeout=INDEX_TIMEOUT_S, retry_on_timeout=True, max_retries=3)
    except ValueError as e:  # what urlsplit accepts and the client does not
        raise QueryError(f"--es-url {redact(url)}: {scrub(str(e), url)}") from None


def index_name(generation: int) -> str:
    return f"{ALIAS}-v{generation}"


def generation_of(index: str) -> int | None:
    m = re.fullmatch(rf"{re.escape(ALIAS)}-v(\d+)(?:-\d+)?", index)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- documents


def document(row: database.IndexRow) -> dict:
    """One clause as the search document the template maps."""
    field = "text_kk" if row.kazakh else "text"
    doc = {
        "clause_id": row.clause_id, "agreement": row.agreement, "number": row.number, "heading": row.heading,
        field: row.text, "page": row.page, "topics": list(row.topics), "modality": row.modality,
        "title": row.title, "level": row.level, "language": row.language, "sector": row.sector,
        "region": row.region, "year": row.year, "ordinal": row.ordinal,
        "valid_from": row.valid_from, "valid_to": row.valid_to,
        "clause_language": row.clause_language, "parallel": row.parallel,
        "norms": [{k: v for k, v in n.items() if v is not None} for n in row.norms],
    }  # fmt: skip
    return {k: v for k, v in doc.items() if v is not None}


def _actions(index: str, rows) -> Iterator[dict]:
    for row in rows:
        yield {"_op_type": "index", "_index": index, "_id": str(row.ordinal), "_source": document(row)}


# --------------------------------------------------------------------------- queries


def _term_clauses(term: Term) -> list[dict]:
    if term.prefix:
        return [
            {"multi_match": {"query": term.text, "type": "phrase_prefix", "fields": list(TEXT_FIELDS)}},
            *({"prefix": {f: {"value": term.text.lower()}}} for f in TEXT_FIELDS),
        ]
    should = [{"multi_match": {"query": term.text, "type": "phrase", "fields": list(TEXT_FIELDS)}}]
    if term.forgives_typo:
        should.append(
            {
                "multi_match": {
                    "query": term.text,
                    "fields": list(TEXT_FIELDS),
                    "operator": "and",
                    "fuzziness": 1,
                    "boost": FUZZY_BOOST,
                }
            }  # fmt: skip
        )
    return should


def text_clauses(parsed: ParsedText) -> list[dict]:
    """One ``bool.must`` entry per word and phrase: every one must match in some form."""
    out = [{"bool": {"should": _term_clauses(t), "minimum_should_match": 1}} for t in parsed.terms]
    out += [
        {"multi_match": {"query": " ".join(p.words), "type": "phrase", "fields": list(TEXT_FIELDS)}}
        for p in parsed.phrases
    ]
    return out


def filter_clauses(query: SearchQuery) -> list[dict]:
    return [{"term": {_FILTER_FIELDS[name]: value}} for name, value in query.filters().items()]


def search_body(query: SearchQuery, parsed: ParsedText, like_id: str | None = None) -> dict:
    """The ``_search`` request body for one query (``like_id``: the document id of the --like clause)."""
    must = text_clauses(parsed) if not like_id else [_like_clause(like_id)]
    body: dict = {
        "size": query.limit,
        "from": query.offset,
        "track_total_hits": True,
        "_source": _SOURCE,
        "query": {"bool": {"must": must, "filter": filter_clauses(query)}},
        "aggs": {name: {"terms": {"field": field, "size": 1000}} for name, field in _FACET_FIELDS.items()},
        "highlight": {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "fields": {f: {"number_of_fragments": 1, "fragment_size": SNIPPET_CHARS} for f in TEXT_FIELDS},
        },  # fmt: skip
    }
    if not must:
        body["query"]["bool"]["must"] = [{"match_all": {}}]
        body["sort"] = [{"ordinal": "asc"}]  # a listing has no relevance; storage order reads naturally
        del body["highlight"]
    return body


def _like_clause(doc_id: str) -> dict:
    return {
        "more_like_this": {
            "fields": list(TEXT_FIELDS),
            "like": [{"_index": ALIAS, "_id": doc_id}],
            "min_term_freq": 1,
            "min_doc_freq": 2,
            "max_query_terms": 25,
            "min_word_length": 3,
        }  # fmt: skip
    }


def _snippet(source: dict, highlight: dict) -> str:
    for field in TEXT_FIELDS:
        if highlight.get(field):
            return highlight[field][0]
    return plain_snippet(source.get("text") or source.get("text_kk") or "")


def results(query: SearchQuery, response: dict, backend: str = "elasticsearch") -> SearchResults:
    """A ``_search`` response in the shared results shape."""
    hits = []
    for h in response["hits"]["hits"]:
        s = h["_source"]
        hits.append(
            Hit.from_stored(s.get, topics=s.get("topics", ()), score=h.get("_score") or 0.0,
                            snippet=_snippet(s, h.get("highlight", {})))  # fmt: skip
        )
    aggs = response.get("aggregations", {})
    facets = {
        name: {str(b["key"]): int(b["doc_count"]) for b in aggs.get(name, {}).get("buckets", [])}
        for name in FACETS
    }
    return SearchResults(
        query=query.text, total=_total(response["hits"]["total"]), backend=backend,
        hits=tuple(hits), facets=facets,
    )  # fmt: skip


# --------------------------------------------------------------------------- the backend


class ElasticsearchIndex:
    backend = "elasticsearch"

    def __init__(self, es):
        self.es = es

    def _current(self) -> list[str]:
        from elasticsearch import NotFoundError

        try:
            return sorted(self.es.indices.get_alias(name=ALIAS).body)
        except NotFoundError:
            return []

    def generation(self) -> int | None:
        current = self._current()
        return generation_of(current[0]) if len(current) == 1 else None

    def search(self, query: SearchQuery, parsed: ParsedText) -> SearchResults:
        like_id = self._document_id(query.like) if query.like else None
        return results(query, _body(self.es.search(index=ALIAS, **search_body(query, parsed, like_id))))

    def _document_id(self, clause_id: str) -> str:
        found = self.es.search(index=ALIAS, query={"term": {"clause_id": clause_id}}, size=1, _source=False)
        hits = found["hits"]["hits"]
        if not hits:
            raise LookupError(clause_id)
        return hits[0]["_id"]

    def norm_rows(self, *, parameter: str | None = None, agreement: str | None = None) -> list:
        """The norms of a parameter (or of one agreement) as :class:`pipeline.archive.stats.NormRow`, in
        storage order, from aggregations: a composite aggregation pages through the agreements, and a
        ``top_hits`` of each gives its clauses holding the parameter in storage order (``ordinal``); an
        agreement with more such clauses than ``top_hits`` returns has them read by a sorted search.

        The quartiles themselves are computed from these values by the caller, exactly: the
        ``percentiles`` aggregation is approximate (t-digest) and would not give the embedded
        backend's figures (docs/decisions.md, "Statistics on Elasticsearch").
        """
        from pipeline.segment.bilingual import COMPARED

        which = ({"nested": {"path": "norms", "query": {"term": {"norms.parameter": parameter}}}} if parameter
                 else {"term": {"agreement": agreement}})  # fmt: skip
        has_norms = {"nested": {"path": "norms", "query": {"exists": {"field": "norms.parameter"}}}}
        # of a bilingual agreement, the compared version only, as the clause database answers
        compared = {"bool": {"should": [{"bool": {"must_not": {"exists": {"field": "clause_language"}}}},
                                        {"term": {"clause_language": COMPARED}}], "minimum_should_match": 1}}  # fmt: skip
        query = {"bool": {"filter": [which, has_norms, compared]}}
        rows, after = [], None
        while True:
            composite = {"size": _AGREEMENTS_PER_PAGE, "sources": [{"agreement": {"terms": {"field": "agreement"}}}]}
            if after is not None:
                composite["after"] = after
            aggs = {"agreements": {"composite": composite, "aggs": {"clauses": {"top_hits": {
                "size": _CLAUSES_PER_AGREEMENT, "sort": [{"ordinal": "asc"}], "_source": _NORM_FIELDS}}}}}  # fmt: skip
            body = _body(self.es.search(index=ALIAS, size=0, query=query, aggs=aggs))
            buckets = body["aggregations"]["agreements"]["buckets"]
            for bucket in buckets:
                clauses = bucket["clauses"]["hits"]
                sources = [h["_source"] for h in clauses["hits"]]
                if _total(clauses["total"]) > len(sources):
                    sources = self._clauses_in_order(query, bucket["key"]["agreement"])
                rows += _norm_rows(sources, parameter)
            after = body["aggregations"]["agreements"].get("after_key")
            if not buckets or after is None:
                return rows

    def _clauses_in_order(self, query: dict, agreement: str) -> list[dict]:
        """The clauses of one agreement matching ``query``, in storage order, a page at a time."""
        narrowed = {"bool": {"filter": [*query["bool"]["filter"], {"term": {"agreement": agreement}}]}}
        out, after = [], None
        while True:
            extra = {"search_after": after} if after is not None else {}
            hits = _body(self.es.search(index=ALIAS, size=_PAGE, query=narrowed, sort=[{"ordinal": "asc"}],
                                        _source=_NORM_FIELDS, **extra))["hits"]["hits"]  # fmt: skip
            out += [h["_source"] for h in hits]
            if len(hits) < _PAGE:
                return out
            after = hits[-1]["sort"]

    def rebuild(self, conn: sqlite3.Connection) -> dict:
        """Fill a new versioned index from the database and swap the alias to it atomically."""
        from elasticsearch import helpers

        tmpl = index_template()
        self.es.indices.put_index_template(
            name=ALIAS, index_patterns=tmpl["index_patterns"], priority=tmpl["priority"],
            template=tmpl["template"], meta=tmpl["_meta"],
        )  # fmt: skip
        with database.snapshot(conn):  # one consistent view of the database
            generation = database.generation(conn)
            rows = list(database.index_rows(conn))
        old = self._current()
        name = index_name(generation)
        if name in old or self.es.indices.exists(index=name):
            name = f"{name}-{len(old) + 1}" if name in old else name
            if self.es.indices.exists(index=name):
                self.es.indices.delete(index=name)
        # No refreshes while bulk loading; one at the end.
        self.es.indices.create(index=name, settings={"refresh_interval": "-1"})
        errors, indexed = [], 0
        for ok, item in helpers.streaming_bulk(
            self.es, _actions(name, rows), chunk_size=1000, raise_on_error=False, raise_on_exception=False,
            max_retries=_BULK_RETRIES, initial_backoff=1, max_backoff=30,
        ):  # fmt: skip
            if ok:
                indexed += 1
            else:
                op = next(iter(item.values()))
                errors.append(f"clause row {op.get('_id')}: {_reason(op.get('error'))}")
        if errors:
            # An incomplete index must not replace a complete one.
            self.es.indices.delete(index=name)
            return {"backend": self.backend, "clauses": indexed, "generation": generation, "errors": errors}
        self.es.indices.put_settings(index=name, settings={"refresh_interval": None})
        self.es.indices.refresh(index=name)
        actions = [{"remove": {"index": i, "alias": ALIAS}} for i in old] + [
            {"add": {"index": name, "alias": ALIAS}}
        ]
        self.es.indices.update_aliases(actions=actions)
        for i in old:
            if i != name:
                self.es.indices.delete(index=i)
        _log.info("elasticsearch index %s: %d clauses", name, indexed)
        return {
            "backend": self.backend,
            "clauses": indexed,
            "generation": generation,
            "index": name,
            "errors": ElasticsearchArchive(self.es).put_agreements(conn, generation),
        }


# --------------------------------------------------------------------------- the archive: agreements and audits


_RECORD_FIELDS = ("id", "title", "level", "language", "parties", "sector", "region", "valid_from", "valid_to",
                  "fingerprint", "files", "ingested_at")  # fmt: skip


class ElasticsearchArchive:
    """What the audit reads and writes (:mod:`pipeline.archive.audit`), in two indexes of the cluster:
    ``kelisim-agreements`` (filled from the clause database by ``kelisim index``) and ``kelisim-audits``
    (written by the audit). Answers the calls of :class:`pipeline.store.database.SqliteArchive`."""

    def __init__(self, es):
        self.es = es

    def _ensure(self, index: str) -> None:
        if not self.es.indices.exists(index=index):
            self.es.indices.create(index=index, mappings=archive_mappings()[index], settings={"number_of_shards": 1})

    def put_agreements(self, conn: sqlite3.Connection, generation: int) -> list[str]:
        """Every stored agreement (its record and its model) as one document keyed by its id; documents of
        agreements no longer in the database (an earlier generation's) are deleted. Returns one line per
        agreement the cluster refused; then the earlier documents are kept, as an incomplete clause
        index does not replace a complete one."""
        from elasticsearch import helpers

        from pipeline.archive.records import records

        self._ensure(AGREEMENTS_INDEX)
        self._ensure(AUDITS_INDEX)

        def actions():
            for record in records(conn):
                agreement = database.read_agreement_row(conn, record.id)
                doc = {name: getattr(record, name) for name in _RECORD_FIELDS}
                doc["parties"], doc["files"] = list(record.parties), list(record.files)
                doc |= {"generation": generation, "model": agreement.model_dump(mode="json")}
                yield {"_op_type": "index", "_index": AGREEMENTS_INDEX, "_id": record.id, "_source": doc}

        with database.snapshot(conn):  # one consistent view of the database, as for the clauses
            _, failed = helpers.bulk(self.es, actions(), chunk_size=200, max_retries=_BULK_RETRIES, initial_backoff=1,
                                     max_backoff=30, raise_on_error=False)  # fmt: skip
        errors = []
        for item in failed:
            op = next(iter(item.values()))
            errors.append(f"agreement {op.get('_id')}: {_reason(op.get('error'))}")
        if errors:
            return errors
        self.es.delete_by_query(index=AGREEMENTS_INDEX, query={"range": {"generation": {"lt": generation}}},
                                refresh=True, conflicts="proceed")  # fmt: skip
        return []

    def _all(self, index: str, key: str, source) -> Iterator[dict]:
        """Every document of ``index`` in the order of the keyword ``key``, a page at a time (search_after)."""
        self.es.indices.refresh(index=index)
        after = None
        while True:
            extra = {"search_after": after} if after is not None else {}
            hits = _body(self.es.search(index=index, size=_PAGE, sort=[{key: "asc"}], _source=source,
                                        query={"match_all": {}}, **extra))["hits"]["hits"]  # fmt: skip
            yield from hits
            if len(hits) < _PAGE:
                return
            after = hits[-1]["sort"]

    def records(self) -> list:
        from pipeline.archive.records import Record

        if not self.es.indices.exists(index=AGREEMENTS_INDEX):
            raise database.DatabaseError(
                f"no {AGREEMENTS_INDEX} index in the cluster; run `kelisim index --backend elasticsearch` first")
        out = []
        for hit in self._all(AGREEMENTS_INDEX, "id", list(_RECORD_FIELDS)):
            s = hit["_source"]
            fields = {name: s.get(name) for name in _RECORD_FIELDS}
            fields["parties"], fields["files"] = tuple(s.get("parties") or ()), tuple(s.get("files") or ())
            out.append(Record(**fields))
        return out

    def agreement(self, agreement_id: str):
        from elasticsearch import NotFoundError

        from schemas.models import Agreement

        try:
            found = _body(self.es.get(index=AGREEMENTS_INDEX, id=agreement_id, _source=["model"]))
        except NotFoundError:
            return None
        return Agreement.model_validate(found["_source"]["model"])

    def audits(self) -> dict:
        self._ensure(AUDITS_INDEX)
        out = {}
        for hit in self._all(AUDITS_INDEX, "agreement_id", ["agreement_id", "inputs", "chain", "audited_at", "status", "counts"]):
            s = hit["_source"]
            out[s["agreement_id"]] = database.AuditRow(s["agreement_id"], s["inputs"], s["chain"], s["audited_at"],
                                                       s["status"], s["counts"])  # fmt: skip
        return out

    def store_audit(self, row, findings: list) -> None:
        """Replace an agreement's audit and its findings: one document, so one write."""
        doc = {"agreement_id": row.agreement_id, "inputs": row.inputs, "chain": row.chain, "audited_at": row.audited_at,
               "status": row.status, "counts": row.counts, "findings": [f.model_dump(mode="json") for f in findings]}  # fmt: skip
        self.es.index(index=AUDITS_INDEX, id=row.agreement_id, document=doc)

    def findings(self, agreement_ids: list[str]) -> list:
        from schemas.models import Finding

        out = []
        for start in range(0, len(agreement_ids), _PAGE):
            docs = _body(self.es.mget(index=AUDITS_INDEX, ids=agreement_ids[start : start + _PAGE], _source=["findings"]))
            for doc in docs["docs"]:
                if doc.get("found"):
                    out += [Finding.model_validate(f) for f in doc["_source"].get("findings", ())]
        return out

    def close(self) -> None:
        self.es.close()


_NORM_FIELDS = ["agreement", "title", "level", "sector", "region", "valid_from", "valid_to", "number", "norms"]


def _total(total) -> int:
    return total["value"] if isinstance(total, dict) else int(total)


def _norm_rows(sources: list[dict], parameter: str | None) -> list:
    """The norms (of ``parameter``, or all) of clause documents, as statistics read them."""
    from pipeline.archive.stats import NormRow

    return [
        NormRow(s["agreement"], norm["parameter"], s.get("title"), s.get("level"), s.get("sector"), s.get("region"),
                s.get("valid_from"), s.get("valid_to"), s["number"], float(norm["value"]), norm["unit"],
                norm.get("condition"))  # fmt: skip
        for s in sources
        for norm in s.get("norms", ())
        if not parameter or norm["parameter"] == parameter
    ]


def _reason(error) -> str:
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    return str(error)
