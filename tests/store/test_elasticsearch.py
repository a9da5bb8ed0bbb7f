"""The Elasticsearch backend without a server: the requests it sends and how it reads answers.

Shapes follow the Elasticsearch reference: bool query with ``filter`` of ``term``
clauses, ``terms`` aggregations, highlight ``pre_tags``/``post_tags``, the
``_aliases`` API with ``remove`` and ``add`` actions in one request, and
``helpers.streaming_bulk`` per-item results ``(ok, {"index": {...}})``.
"""

from __future__ import annotations

import json
from unittest import mock

import pytest

from pipeline.store import database
from pipeline.store import elasticsearch as es_backend
from pipeline.store.query import SearchQuery, parse_user_text
from schemas.elasticsearch import ALIAS, TEMPLATE_PATH, index_template


def test_elasticsearch_committed_template_is_current():
    """Regenerate with: python -m schemas.elasticsearch"""
    assert json.loads(TEMPLATE_PATH.read_text(encoding="utf-8")) == index_template()


def test_elasticsearch_template_maps_facets_as_keywords_and_norms_nested():
    props = index_template()["template"]["mappings"]["properties"]
    for name in ("topics", "level", "sector", "region", "agreement", "clause_id", "modality"):
        assert props[name]["type"] == "keyword", name
    assert props["year"]["type"] == "integer"
    assert props["norms"]["type"] == "nested"
    assert props["norms"]["properties"]["value"]["type"] == "double"
    assert props["text"]["analyzer"] == "kel_stem" and props["text_kk"]["analyzer"] == "kel_plain"
    analysis = index_template()["template"]["settings"]["analysis"]
    assert analysis["analyzer"]["kel_stem"]["filter"][-2:] == ["kel_english", "kel_russian"]


def test_elasticsearch_documents_fit_the_strict_mapping(stored_db):
    props = index_template()["template"]["mappings"]["properties"]
    conn = database.connect(stored_db)
    for row in database.index_rows(conn):
        doc = es_backend.document(row)
        assert set(doc) <= set(props), set(doc) - set(props)
        for norm in doc["norms"]:
            assert set(norm) <= set(props["norms"]["properties"])


def test_elasticsearch_documents_of_a_kkru_agreement_carry_language_twin_and_by_reference(stored_db, corpus):
    """Each clause of a kk+ru agreement in the field of its own language (Kazakh: not stemmed), with its
    language and twin; each norm with the provision it applies by reference."""
    (bilingual,) = [a for a in corpus if a.language == "kk+ru"]
    conn = database.connect(stored_db)
    docs = [es_backend.document(row) for row in database.index_rows(conn, [bilingual.id])]
    conn.close()
    assert [(d["clause_id"], d["clause_language"], d["parallel"], "text_kk" in d, "text" in d) for d in docs] == [
        (c.id, c.language, c.parallel, c.language == "kk", c.language == "ru") for c in bilingual.clauses]
    assert [n.get("by_reference") for d in docs for n in d["norms"]] == [
        n.by_reference for c in bilingual.clauses for n in c.norms]
    assert any(n.get("by_reference") for d in docs for n in d["norms"])


def _body(**kw):
    q = SearchQuery(**kw)
    return es_backend.search_body(q, parse_user_text(q.text))


def test_elasticsearch_filters_go_to_bool_filter_as_terms():
    body = _body(text="wages", topic="wage_payment", region="Karaganda", year=2024)
    assert body["query"]["bool"]["filter"] == [
        {"term": {"topics": "wage_payment"}}, {"term": {"region": "Karaganda"}}, {"term": {"year": 2024}},
    ]  # fmt: skip
    assert body["track_total_hits"] is True


def test_elasticsearch_facets_are_terms_aggregations():
    aggs = _body(text="wages")["aggs"]
    assert aggs["topic"] == {"terms": {"field": "topics", "size": 1000}}
    assert set(aggs) == {"topic", "level", "sector", "region", "year", "language"}


def test_elasticsearch_highlight_uses_mark_and_html_encoding():
    hl = _body(text="wages")["highlight"]
    assert hl["pre_tags"] == ["<mark>"] and hl["post_tags"] == ["</mark>"] and hl["encoder"] == "html"
    assert set(hl["fields"]) == {"text", "text_kk"}


def test_elasticsearch_words_phrases_prefixes_and_fuzziness():
    must = _body(text='overtime "not lower than" инд* pay')["query"]["bool"]["must"]
    overtime, prefix, pay, phrase = must
    kinds = [c["multi_match"].get("type", "best_fields") for c in overtime["bool"]["should"]]
    assert kinds == ["phrase", "best_fields"]
    assert overtime["bool"]["should"][1]["multi_match"]["fuzziness"] == 1
    assert len(pay["bool"]["should"]) == 1  # three letters: no fuzziness
    assert prefix["bool"]["should"][0]["multi_match"]["type"] == "phrase_prefix"
    assert {"prefix": {"text": {"value": "инд"}}} in prefix["bool"]["should"]
    assert phrase == {
        "multi_match": {"query": "not lower than", "type": "phrase", "fields": ["text", "text_kk"]}
    }


@pytest.mark.parametrize("text", ["text:x AND NEAR(", "((((", '"a" OR b*', "\\"])
def test_elasticsearch_user_text_never_reaches_a_query_string(text):
    dumped = json.dumps(_body(text=text, topic="x"))
    assert "query_string" not in dumped and "simple_query_string" not in dumped


def test_elasticsearch_listing_sorts_by_storage_order():
    body = _body(level="collective")
    assert body["query"]["bool"]["must"] == [{"match_all": {}}] and body["sort"] == [{"ordinal": "asc"}]


_RESPONSE = {
    "hits": {
        "total": {"value": 7, "relation": "eq"},
        "hits": [
            {"_id": "3", "_score": 4.5, "_source": {
                "clause_id": "ag_1:5.3", "agreement": "ag_1", "number": "5.3", "title": "CA", "level": "collective",
                "year": 2024, "topics": ["premium_pay"], "text": "Overtime is paid."},
             "highlight": {"text": ["<mark>Overtime</mark> is paid."]}},
        ],
    },
    "aggregations": {"topic": {"buckets": [{"key": "premium_pay", "doc_count": 7}]},
                     "year": {"buckets": [{"key": 2024, "doc_count": 7}]}},
}  # fmt: skip


def test_elasticsearch_search_sends_body_to_alias_and_reads_hits():
    client = mock.Mock()
    client.search.return_value = _RESPONSE
    result = es_backend.ElasticsearchIndex(client).search(
        SearchQuery(text="overtime"), parse_user_text("overtime")
    )
    kwargs = client.search.call_args.kwargs
    assert kwargs["index"] == ALIAS and kwargs["size"] == 20
    assert result.total == 7 and result.hits[0].snippet == "<mark>Overtime</mark> is paid."
    assert result.facets["year"] == {"2024": 7} and result.facets["level"] == {}
    assert result.to_json()["hits"][0]["clause_id"] == "ag_1:5.3"


def test_elasticsearch_rebuild_bulk_loads_then_swaps_alias_atomically(stored_db):
    client = mock.MagicMock()
    client.indices.get_alias.return_value = mock.Mock(body={"kelisim-clauses-v3": {"aliases": {ALIAS: {}}}})
    client.indices.exists.return_value = False
    sent = []

    def fake_bulk(es, actions, **kw):
        assert kw["raise_on_error"] is False and kw["max_retries"] > 0
        for a in actions:
            sent.append(a)
            yield True, {"index": {"_id": a["_id"], "status": 201}}

    conn = database.connect(stored_db)
    with mock.patch("elasticsearch.helpers.streaming_bulk", fake_bulk):
        summary = es_backend.ElasticsearchIndex(client).rebuild(conn)
    gen = database.generation(conn)
    assert summary == {"backend": "elasticsearch", "clauses": len(sent), "generation": gen,
                       "index": f"kelisim-clauses-v{gen}", "errors": []}  # fmt: skip
    assert len(sent) == conn.execute("SELECT count(*) FROM clauses").fetchone()[0]
    assert {a["_index"] for a in sent} == {f"kelisim-clauses-v{gen}"}
    client.indices.update_aliases.assert_called_once_with(
        actions=[{"remove": {"index": "kelisim-clauses-v3", "alias": ALIAS}},
                 {"add": {"index": f"kelisim-clauses-v{gen}", "alias": ALIAS}}]
    )  # fmt: skip
    client.indices.delete.assert_called_once_with(index="kelisim-clauses-v3")
    assert client.indices.put_index_template.call_args.kwargs["index_patterns"] == ["kelisim-clauses-v*"]


def test_elasticsearch_rebuild_with_rejected_documents_keeps_the_old_index(stored_db):
    client = mock.MagicMock()
    client.indices.get_alias.return_value = mock.Mock(body={"kelisim-clauses-v1": {}})
    client.indices.exists.return_value = False

    def fake_bulk(es, actions, **kw):
        for i, a in enumerate(actions):
            if i == 2:
                yield False, {"index": {"_id": a["_id"], "status": 400,
                                        "error": {"type": "mapper_parsing_exception", "reason": "bad year"}}}  # fmt: skip
            else:
                yield True, {"index": {"_id": a["_id"], "status": 201}}

    with mock.patch("elasticsearch.helpers.streaming_bulk", fake_bulk):
        summary = es_backend.ElasticsearchIndex(client).rebuild(database.connect(stored_db))
    assert len(summary["errors"]) == 1 and "mapper_parsing_exception: bad year" in summary["errors"][0]
    client.indices.update_aliases.assert_not_called()
    gen = summary["generation"]
    client.indices.delete.assert_called_once_with(index=f"kelisim-clauses-v{gen}")


def test_elasticsearch_generation_is_read_from_the_alias_target():
    assert es_backend.generation_of("kelisim-clauses-v12") == 12
    assert es_backend.generation_of("kelisim-clauses-v12-2") == 12
    assert es_backend.generation_of("other") is None
