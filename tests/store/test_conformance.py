"""Both backends answer the same queries alike, and agree with SQL over the clause database.

The Elasticsearch leg needs a server: set KELISIM_ES_URL (e.g. from docker-compose.yml).
"""

from __future__ import annotations

import os
import sqlite3

import pytest

from pipeline.store import api
from pipeline.store.query import QueryError, SearchQuery

ES_URL = os.environ.get("KELISIM_ES_URL")

BACKENDS = [
    "embedded",
    pytest.param(
        "elasticsearch",
        marks=pytest.mark.skipif(
            not ES_URL, reason="KELISIM_ES_URL is not set: no Elasticsearch server to test"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, stored_db):
    if request.param == "elasticsearch":
        from pipeline.store import elasticsearch as es
        from schemas.elasticsearch import AUDITS_INDEX

        # The audits of an earlier run would make this run's first audit redo nothing.
        es.client(ES_URL).indices.delete(index=AUDITS_INDEX, ignore_unavailable=True)
        summary = api.build_index(stored_db, backend="elasticsearch", es_url=ES_URL)
        assert summary["errors"] == []
    return request.param


def _search(db, backend, **kw):
    kw.setdefault("limit", 1000)
    return api.search(db, SearchQuery(**kw), backend=backend, es_url=ES_URL)


def _sql_ids(db, where: str = "1", args=()) -> set[str]:
    conn = sqlite3.connect(db)
    sql = (
        "SELECT DISTINCT c.id FROM clauses c JOIN agreements a ON a.id = c.agreement_id"
        f" LEFT JOIN clause_topics t ON t.clause_rowid = c.rowid WHERE {where}"
    )
    return {r[0] for r in conn.execute(sql, args)}


def _sql_facets(db, clause_ids: set[str]) -> dict[str, dict[str, int]]:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TEMP TABLE want (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO want VALUES (?)", [(i,) for i in clause_ids])
    base = "FROM clauses c JOIN agreements a ON a.id = c.agreement_id WHERE c.id IN (SELECT id FROM want)"
    out = {}
    for name, column in (
        ("level", "a.level"),
        ("sector", "a.sector"),
        ("region", "a.region"),
        ("year", "a.year"),
        ("language", "a.language"),
    ):
        rows = conn.execute(f"SELECT {column}, count(*) {base} AND {column} IS NOT NULL GROUP BY {column}")
        out[name] = {str(k): n for k, n in rows}
    rows = conn.execute(
        "SELECT t.topic, count(*) FROM clause_topics t JOIN clauses c ON c.rowid = t.clause_rowid"
        " JOIN agreements a ON a.id = c.agreement_id WHERE c.id IN (SELECT id FROM want) GROUP BY t.topic"
    )
    out["topic"] = dict(rows)
    return out


FILTERS = [
    ({"topic": "wage_indexation"}, "t.topic = ?", ("wage_indexation",)),
    ({"level": "sectoral"}, "a.level = ?", ("sectoral",)),
    ({"region": "Karaganda"}, "a.region = ?", ("Karaganda",)),
    ({"region": "karaganda"}, "a.region = ?", ("Karaganda",)),  # users do not type capitals
    ({"year": 2024}, "a.year = ?", (2024,)),
    ({"sector": "energy", "topic": "premium_pay"}, "a.sector = ? AND t.topic = ?", ("energy", "premium_pay")),
    ({"level": "collective", "year": 2021}, "a.level = ? AND a.year = ?", ("collective", 2021)),
    ({"language": "kk+ru"}, "a.language = ?", ("kk+ru",)),
    ({"language": "ru", "level": "sectoral"}, "a.language = ? AND a.level = ?", ("ru", "sectoral")),
]


@pytest.mark.parametrize("filters,where,args", FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_conformance_filters_list_exactly_the_sql_clauses(backend, stored_db, filters, where, args):
    result = _search(stored_db, backend, **filters)
    expected = _sql_ids(stored_db, where, args)
    assert expected, "the corpus must make each filter meaningful"
    assert {h.clause_id for h in result.hits} == expected
    assert result.total == len(expected)
    assert result.facets == _sql_facets(stored_db, expected)


def test_conformance_agreement_filter(backend, stored_db, corpus):
    target = corpus[2]
    result = _search(stored_db, backend, agreement=target.id)
    assert [h.clause_id for h in result.hits] == [c.id for c in target.clauses]  # in storage order


@pytest.mark.parametrize(
    "text,like",
    [
        ("индексации", "%индексац%"),  # genitive finds the accusative «индексацию»
        ("выплаты", "%Выплата%"),  # «выплаты» -> «выплат», as «Выплата»
        ("indexed", "% index %"),  # "indexed" and "index" share the stem "index"
        ("wages paid", "%wages%paid%"),
    ],
)
def test_conformance_morphology_finds_inflected_forms(backend, stored_db, text, like):
    result = _search(stored_db, backend, text=text)
    expected = _sql_ids(stored_db, "c.text LIKE ?", (like,))
    assert expected
    assert {h.clause_id for h in result.hits} == expected
    assert result.facets == _sql_facets(stored_db, expected)


def test_conformance_text_and_filter_combine(backend, stored_db):
    result = _search(stored_db, backend, text="заработной платы", region="Almaty")
    expected = _sql_ids(stored_db, "c.text LIKE '%заработной плат%' AND a.region = 'Almaty'")
    assert {h.clause_id for h in result.hits} == expected and len(expected) == 2


def test_conformance_phrase_respects_word_order(backend, stored_db):
    found = _search(stored_db, backend, text='"not lower than"')
    assert {h.clause_id for h in found.hits} == _sql_ids(stored_db, "c.text LIKE '%not lower than%'")
    assert _search(stored_db, backend, text='"than lower not"').total == 0


def test_conformance_prefix(backend, stored_db):
    result = _search(stored_db, backend, text="индекс*")
    assert {h.clause_id for h in result.hits} == _sql_ids(stored_db, "lower(c.text) LIKE '%индекс%'")


def test_conformance_kazakh_words_match_as_written(backend, stored_db):
    result = _search(stored_db, backend, text="жалақыны")
    assert {h.clause_id for h in result.hits} == _sql_ids(stored_db, "c.text LIKE '%жалақыны%'")


def test_conformance_bilingual_clauses_carry_their_language_and_twin(backend, stored_db, corpus):
    (bilingual,) = [a for a in corpus if a.language == "kk+ru"]
    result = _search(stored_db, backend, agreement=bilingual.id)
    assert [(h.clause_id, h.clause_language, h.parallel) for h in result.hits] == [
        (c.id, c.language, c.parallel) for c in bilingual.clauses]
    assert {h.parallel for h in result.hits} == {c.id for c in bilingual.clauses}
    plain = _search(stored_db, backend, agreement=corpus[0].id)
    assert plain.hits and all(h.clause_language is None and h.parallel is None for h in plain.hits)


def test_conformance_kazakh_clauses_of_a_bilingual_agreement_are_not_stemmed(backend, stored_db, corpus):
    """The Kazakh version of a kk+ru agreement is indexed as Kazakh (words as written), not with
    the Russian stemmer that the agreement's other clauses get: the phrase «еңбек демалыс» (a phrase: no
    typo forgiven) does not find «еңбек демалысы», which the stemmer would cut to «демалыс»."""
    (bilingual,) = [a for a in corpus if a.language == "kk+ru"]
    inflected = _search(stored_db, backend, text="демалысы")
    expected = _sql_ids(stored_db, "c.text LIKE '%демалысы%'")
    assert f"{bilingual.id}:kk:3.2" in expected and {h.clause_id for h in inflected.hits} == expected
    assert _search(stored_db, backend, text='"еңбек демалыс"').total == 0


HOSTILE = ['"', 'NEAR(', "*", "AND OR", "text:x", "((((", "-", "\\", "", "x" * 10_000, "😀", "wages 😀",
           '"unbalanced', "title:[* TO *]", "a~2 b^3", "' OR 1=1 --", "\x00\x01", "%_%", "<script>"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_conformance_hostile_queries_never_raise(backend, stored_db, text):
    try:
        result = _search(stored_db, backend, text=text)
    except QueryError as e:
        assert str(e) and "\n" not in str(e)
        return
    # Searched as plain words: whatever it finds is stored clauses, counted in the total.
    assert {h.clause_id for h in result.hits} <= _sql_ids(stored_db)
    assert result.total >= len(result.hits)
    for hit in result.hits:
        assert "<script>" not in hit.snippet


def test_conformance_hostile_query_with_filter_lists_the_filter(backend, stored_db):
    result = _search(stored_db, backend, text="((((", topic="annual_leave")
    assert {h.clause_id for h in result.hits} == _sql_ids(stored_db, "t.topic = 'annual_leave'")


def test_conformance_like_finds_the_same_clause_elsewhere(backend, stored_db, corpus):
    clause = corpus[0].clauses[0]  # the indexation clause of kazmetall-2024
    result = _search(stored_db, backend, like=clause.id, limit=5)
    ids = [h.clause_id for h in result.hits]
    assert clause.id not in ids
    assert ids[0] == f"{corpus[1].id}:{clause.number}"  # kazmetall-2021 has the same wording


def test_conformance_snippets_mark_matches_and_escape_text(backend, stored_db):
    (hit,) = _search(
        stored_db, backend, text="promptly", agreement=database_id(stored_db, "kazmetall-2024")
    ).hits
    assert "<mark>promptly</mark>" in hit.snippet
    assert "&amp;" in hit.snippet and "&lt;" in hit.snippet


def database_id(db, name: str) -> str:
    conn = sqlite3.connect(db)
    return conn.execute("SELECT id FROM agreements WHERE title LIKE ?", (f"%{name} %",)).fetchone()[0]


# --------------------------------------------------------------------------- statistics (issue 17, item 7)


def _norm_rows(db, backend, **which):
    from pipeline.archive.stats import stored_norms

    if backend == "elasticsearch":
        from pipeline.store import elasticsearch as es

        return es.ElasticsearchIndex(es.client(ES_URL)).norm_rows(**which)
    conn = sqlite3.connect(db)
    try:
        return stored_norms(conn, **which)
    finally:
        conn.close()


@pytest.mark.parametrize("parameter", ["wage_indexation.rate", "wage_payment.frequency", "premium_pay.overtime"])
def test_conformance_stats_read_the_norms_of_the_clause_database(backend, stored_db, parameter):
    """Each backend hands over the same norm rows, in storage order, so the quartiles are the same."""
    from datetime import date

    from pipeline.archive.stats import parameter_stats

    rows = _norm_rows(stored_db, backend, parameter=parameter)
    expected = _sql_rows(stored_db, "n.parameter = ?", (parameter,))
    assert expected and [(r.agreement, r.clause, r.value, r.unit, r.condition, r.valid_from, r.valid_to) for r in rows] == expected
    on = date(2024, 6, 1)
    for by in (None, "sector", "region", "year", "level"):
        stats = parameter_stats(stored_db, parameter, by=by, on=on, backend=backend, es_url=ES_URL)
        embedded = parameter_stats(stored_db, parameter, by=by, on=on)
        assert stats == embedded and stats.groups, by


def test_conformance_stats_place_every_norm_of_an_agreement_alike(backend, stored_db, corpus):
    from datetime import date

    from pipeline.archive.stats import agreement_stats

    on = date(2024, 6, 1)
    for agreement in corpus:
        placed = agreement_stats(stored_db, agreement.id, on=on, backend=backend, es_url=ES_URL)
        assert placed == agreement_stats(stored_db, agreement.id, on=on), agreement.id
    assert agreement_stats(stored_db, corpus[0].id, on=on, backend=backend, es_url=ES_URL)


def test_conformance_norms_of_a_bilingual_agreement_count_once_from_its_russian_text(backend, stored_db, corpus):
    (bilingual,) = [a for a in corpus if a.language == "kk+ru"]
    rows = _norm_rows(stored_db, backend, agreement=bilingual.id)
    russian = [c for c in bilingual.clauses if c.language == "ru"]
    assert len(russian) < len(bilingual.clauses) and any(n.by_reference for c in russian for n in c.norms)
    assert [(r.clause, r.parameter, r.value) for r in rows] == [(c.number, n.parameter, n.value) for c in russian for n in c.norms]
    leave = _norm_rows(stored_db, backend, parameter="annual_leave.days")
    assert [r.clause for r in leave if r.agreement == bilingual.id] == ["3.2"]


def test_conformance_norms_of_one_agreement(backend, stored_db, corpus):
    target = corpus[0]
    rows = _norm_rows(stored_db, backend, agreement=target.id)
    assert [(r.clause, r.parameter, r.value) for r in rows] == [
        (c.number, n.parameter, n.value) for c in target.clauses for n in c.norms
    ]


def _sql_rows(db, where: str, args=()) -> list[tuple]:
    """The norms statistics read: of an agreement printed in Kazakh and Russian, the Russian text's only."""
    conn = sqlite3.connect(db)
    sql = (
        "SELECT a.id, c.number, n.value, n.unit, n.condition, a.valid_from, a.valid_to FROM norms n"
        " JOIN clauses c ON c.rowid = n.clause_rowid JOIN agreements a ON a.id = c.agreement_id"
        f" WHERE {where} AND NOT (a.language = 'kk+ru' AND c.language = 'kk') ORDER BY a.id, c.position, n.position"
    )
    return [tuple(r) for r in conn.execute(sql, args)]


# --------------------------------------------------------------------------- the audit (issue 17, item 7)


def _audited(result) -> dict:
    """Everything an audit answers, per agreement: its chain, status, counts and stored findings."""
    return {
        "scope": [r.id for r in result.scope],
        "rows": {i: (r.inputs, r.chain, r.status, r.counts) for i, r in result.rows.items()},
        "findings": sorted(f.model_dump_json() for f in result.report.findings),
        "failures": result.report.failures,
        "summary": {k: v for k, v in result.report.summary.items() if k != "audit"},  # "audit": what was redone
    }


def test_conformance_audit_gives_the_embedded_answer_and_is_incremental(backend, stored_db, tmp_path, corpus):
    """The audit reads agreements and keeps its records on either backend; both give the audit of the
    clause database, and a second audit redoes nothing on either."""
    import shutil

    from pipeline.archive.audit import audit

    reference_db = tmp_path / "reference.db"
    shutil.copy(stored_db, reference_db)
    embedded = audit(reference_db)
    first = audit(stored_db, backend=backend, es_url=ES_URL)
    assert _audited(first) == _audited(embedded)
    assert sorted(first.redone) == sorted(a.id for a in corpus)
    assert first.report.findings and {r.status for r in first.rows.values()} - {"clean"}
    second = audit(stored_db, backend=backend, es_url=ES_URL)
    assert second.redone == [] and second.up_to_date == len(corpus)
    assert _audited(second) == _audited(first)


def test_conformance_audit_after_a_new_agreement_redoes_what_it_concerns(backend, stored_db, tmp_path):
    """A sectoral agreement of the metal industry stored later joins the chain of the collective
    agreements of its sector: both backends redo it and those, and nothing else."""
    import shutil

    from store_corpus import make_agreement

    from pipeline.archive.audit import audit
    from pipeline.store import database

    audit(stored_db, backend=backend, es_url=ES_URL)
    reference_db = tmp_path / "reference.db"
    shutil.copy(stored_db, reference_db)
    audit(reference_db)
    newcomer = make_agreement("metal-sector", language="en", level="sectoral")
    for db in (stored_db, reference_db):
        conn = database.connect(db)
        database.store_agreement(conn, newcomer)
        conn.close()
    if backend == "elasticsearch":
        assert api.build_index(stored_db, backend="elasticsearch", es_url=ES_URL)["errors"] == []
    embedded = audit(reference_db)
    after = audit(stored_db, backend=backend, es_url=ES_URL)
    assert newcomer.id in after.redone and len(after.redone) < len(after.scope)
    assert sorted(after.redone) == sorted(embedded.redone)
    assert _audited(after) == _audited(embedded)
