"""The embedded tantivy index: analysis, typo tolerance, listings, staleness, rebuilds."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_corpus import make_agreement

from pipeline.store import api, database, embedded
from pipeline.store.query import QueryError, SearchQuery


def test_embedded_stemmer_chain_leaves_each_alphabet_to_its_stemmer():
    stem = embedded._analyzers()[embedded._STEM]
    assert stem.analyze("indexed indexation indexing") == ["index", "index", "index"]
    assert stem.analyze("индексации индексация индексацию") == ["индексац"] * 3
    # The Russian stemmer leaves Latin alone and the English one Cyrillic: one field serves both.
    assert stem.analyze("wages заработной") == ["wage", "заработн"]
    assert embedded._analyzers()[embedded._PLAIN].analyze("Жұмыс БЕРУШІ") == ["жұмыс", "беруші"]


def test_embedded_typo_in_long_word_is_forgiven_but_ranked_lower(stored_db):
    typo = api.search(stored_db, SearchQuery(text="overtme"))
    exact = api.search(stored_db, SearchQuery(text="overtime"))
    assert {h.clause_id for h in typo.hits} == {h.clause_id for h in exact.hits} and typo.total == 2
    assert max(h.score for h in typo.hits) < min(h.score for h in exact.hits)


def test_embedded_short_words_are_not_fuzzed(stored_db):
    # "wags" (4 letters) would reach "wage" at distance 1; short words are matched exactly.
    assert api.search(stored_db, SearchQuery(text="wags")).total == 0


def test_embedded_listing_without_words_is_in_storage_order(stored_db, corpus):
    result = api.search(stored_db, SearchQuery(level="collective", limit=1000))
    ids = [h.clause_id for h in result.hits]
    conn = sqlite3.connect(stored_db)
    expected = [r[0] for r in conn.execute(
        "SELECT c.id FROM clauses c JOIN agreements a ON a.id = c.agreement_id WHERE a.level = 'collective' ORDER BY c.rowid"
    )]  # fmt: skip
    assert ids == expected and all(h.score == 0.0 for h in result.hits)


@pytest.mark.parametrize("filters", [{"level": "collective"}, {"level": "sectoral"}, {"region": "Karaganda"},
                                     {"year": 2024}, {"topic": "wage_payment"}])  # fmt: skip
def test_embedded_listing_pages_are_slices_of_the_whole_listing(stored_db, filters):
    """Pages of a listing, found among the first ordinals when the matches are dense and among all
    of them otherwise, are the storage-order listing cut into pages, and say the same total."""
    whole = api.search(stored_db, SearchQuery(limit=1000, **filters))
    ids = [h.clause_id for h in whole.hits]
    assert len(ids) == whole.total >= 2
    for limit in (1, 2, 5):
        for offset in range(0, len(ids) + 1):
            page = api.search(stored_db, SearchQuery(limit=limit, offset=offset, **filters))
            assert [h.clause_id for h in page.hits] == ids[offset : offset + limit]
            assert page.total == whole.total and page.facets == whole.facets


def test_embedded_dense_listing_is_found_among_the_first_ordinals(stored_db, monkeypatch):
    searched = []
    original = embedded.EmbeddedIndex._in_storage_order
    monkeypatch.setattr(embedded.EmbeddedIndex, "_in_storage_order",
                        staticmethod(lambda s, q, query: searched.append(q) or original(s, q, query)))  # fmt: skip
    page = api.search(stored_db, SearchQuery(limit=2, level="collective"))
    assert len(page.hits) == 2 and len(searched) == 1  # the first ordinals held the page: one search
    searched.clear()
    monkeypatch.setattr(embedded, "_FIRST_ORDINALS", 0)
    assert api.search(stored_db, SearchQuery(limit=2, level="collective")).hits == page.hits and len(searched) == 1


def test_embedded_listing_head_is_widened_before_the_whole_set_is_ordered():
    # 2.1 million of 3 million clauses pass: a page of 20 is looked for below ordinal 114, then wider.
    assert embedded._head_bounds(20, 2_100_000, 3_000_000) == [114, 456, 1824, embedded._FIRST_ORDINALS]
    assert embedded._head_bounds(20, 3_000, 3_000_000) == []  # sparse: ordering the 3,000 is cheaper
    assert embedded._head_bounds(20, 20, 3_000_000) == []  # the page is every match


def test_embedded_listing_whose_head_lacks_the_page_widens_it(stored_db, monkeypatch):
    """A first guess too narrow for the page (matches come a whole agreement at a time) is widened,
    and the page found is the listing's own."""
    whole = [h.clause_id for h in api.search(stored_db, SearchQuery(limit=1000, level="collective")).hits]
    searched = []
    original = embedded.EmbeddedIndex._in_storage_order
    monkeypatch.setattr(embedded.EmbeddedIndex, "_in_storage_order",
                        staticmethod(lambda s, q, query: searched.append(q) or original(s, q, query)))  # fmt: skip
    monkeypatch.setattr(embedded, "_head_bounds", lambda want, total, n: [0, 1, 10_000])
    page = api.search(stored_db, SearchQuery(limit=3, offset=2, level="collective"))
    assert [h.clause_id for h in page.hits] == whole[2:5] and len(searched) == 3


def test_embedded_hit_carries_the_spec_fields(stored_db, corpus):
    (hit,) = api.search(stored_db, SearchQuery(text="twice", agreement=corpus[0].id)).hits
    assert hit.to_json() | {"score": 0, "snippet": ""} == {
        "clause_id": f"{corpus[0].id}:5.2", "agreement": corpus[0].id, "number": "5.2",
        "title": corpus[0].title, "level": "collective", "sector": "mining_metallurgy", "region": "Karaganda",
        "year": 2024, "page": 1, "topics": ["wage_payment"], "score": 0, "snippet": "",
        "clause_language": None, "parallel": None,  # set in a bilingual agreement only
    }  # fmt: skip
    assert "<mark>twice</mark>" in hit.snippet


def test_embedded_missing_year_and_sector_are_left_out_of_facets(stored_db, corpus):
    result = api.search(stored_db, SearchQuery(agreement=corpus[4].id))  # Kazakh, no valid_from
    assert result.total == 2 and result.facets["year"] == {} and result.facets["sector"] == {"utilities": 2}
    assert all(h.year is None for h in result.hits)


def test_embedded_stale_index_is_reported_and_rebuild_clears_it(stored_db):
    conn = database.connect(stored_db)
    database.store_agreement(conn, make_agreement("newcomer", language="ru"))
    stale = api.search(stored_db, SearchQuery(text="индексация"))
    assert stale.warnings and "kelisim index" in stale.warnings[0]
    summary = api.build_index(stored_db)
    assert summary["generation"] == database.generation(conn)
    fresh = api.search(stored_db, SearchQuery(text="индексация"))
    assert fresh.warnings == () and fresh.total == stale.total + 1


def test_embedded_missing_index_is_built_on_first_search(stored_db):
    import shutil

    shutil.rmtree(embedded.index_dir(stored_db))
    result = api.search(stored_db, SearchQuery(text="wages"))
    assert result.total > 0 and result.warnings == ()


def test_embedded_index_of_an_older_layout_is_rebuilt_not_read(stored_db, monkeypatch):
    import json

    monkeypatch.setattr(embedded, "INDEX_SCHEMA", embedded.INDEX_SCHEMA + 1)
    assert embedded.EmbeddedIndex(embedded.index_dir(stored_db)).generation() is None
    assert api.search(stored_db, SearchQuery(text="wages")).total == 6
    stamp = json.loads((embedded.index_dir(stored_db) / embedded._META).read_text())
    assert stamp["schema"] == embedded.INDEX_SCHEMA


def test_embedded_like_unknown_clause_is_a_clear_error(stored_db):
    with pytest.raises(QueryError, match="no clause"):
        api.search(stored_db, SearchQuery(like="ag_nope:1.1"))


def test_embedded_no_database_is_a_clear_error(tmp_path):
    with pytest.raises(database.DatabaseError, match="kelisim ingest"):
        api.search(tmp_path / "none.db", SearchQuery(text="wages"))


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_embedded_limit_out_of_range_is_refused(stored_db, limit):
    with pytest.raises(QueryError, match="limit"):
        api.search(stored_db, SearchQuery(text="wages", limit=limit))


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=80))
def test_embedded_any_text_is_a_result_or_a_query_error(stored_db_module, text):
    try:
        result = api.search(stored_db_module, SearchQuery(text=text, limit=5))
    except QueryError as e:
        assert "\n" not in str(e)
    else:
        assert 0 <= len(result.hits) <= min(5, result.total)


@pytest.fixture(scope="module")
def stored_db_module(tmp_path_factory):
    from store_corpus import small_corpus

    db = tmp_path_factory.mktemp("hyp") / "kelisim.db"
    conn = database.connect(db)
    for a in small_corpus():
        database.store_agreement(conn, a)
    embedded.rebuild(conn, db)
    return db


def test_embedded_an_index_of_an_older_layout_is_rebuilt_not_called_damaged(stored_db, monkeypatch):
    """Bug: an index written by a kelisim whose index had other fields (layout 2, before clause_language
    and parallel) could not be opened by tantivy ("schema does not match"), and search called it damaged."""
    with monkeypatch.context() as older:
        older.setattr(embedded, "_KEYWORDS", (*embedded._KEYWORDS, "retired"))
        older.setattr(embedded, "INDEX_SCHEMA", embedded.INDEX_SCHEMA - 1)
        conn = database.connect(stored_db)
        embedded.rebuild(conn, stored_db)
        conn.close()
    result = api.search(stored_db, SearchQuery(text="twice"))
    assert result.total == 2 and result.warnings == ()
    assert embedded.EmbeddedIndex(embedded.index_dir(stored_db)).generation() is not None
