"""The Elasticsearch index template for clauses, generated from the pydantic models.

One search document is one clause with the search-relevant fields of its
agreement. Field types follow the models' annotations, so a field added to
``Clause``, ``Norm`` or ``Agreement`` shows up here (or fails the mapping test
until it is placed). ``python -m schemas.elasticsearch`` rewrites the committed
``schemas/json/elasticsearch-template.json`` (so does ``make schemas``).
"""

from __future__ import annotations

import json
import sys
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from schemas.models import Agreement, Clause, Norm

ALIAS = "kelisim-clauses"
INDEX_PATTERN = f"{ALIAS}-v*"
TEMPLATE_PATH = Path(__file__).with_name("json") / "elasticsearch-template.json"

# Text that people search; everything else is matched exactly (keyword) or by number.
_FULL_TEXT = {"text", "heading", "condition", "title"}
# Fields the search document does not carry: provenance and rule evidence stay in the database.
_SKIP = {"tables", "evidence", "clauses", "source", "warnings", "parties", "ocr"}
# Model field -> search-document field, where the document has a flatter name (or where a clause's
# field would meet its agreement's: ``language`` is the agreement's, ``kk+ru`` for a bilingual one).
_RENAME = {("Clause", "id"): "clause_id", ("Agreement", "id"): "agreement", ("Clause", "topics"): "topics",
           ("Clause", "language"): "clause_language"}  # fmt: skip

# Mirrors the embedded index: words are runs of letters and digits (tantivy's
# SimpleTokenizer), English and Russian Snowball stemmers in one chain (each
# leaves the other alphabet alone), Kazakh lowercased only.
_SETTINGS = {
    "number_of_shards": 1,
    "analysis": {
        "tokenizer": {"kel_words": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}},
        "filter": {
            "kel_long": {"type": "length", "max": 59},
            "kel_english": {"type": "snowball", "language": "English"},
            "kel_russian": {"type": "snowball", "language": "Russian"},
        },
        "analyzer": {
            "kel_stem": {
                "type": "custom",
                "tokenizer": "kel_words",
                "filter": ["kel_long", "lowercase", "kel_english", "kel_russian"],
            },
            "kel_plain": {"type": "custom", "tokenizer": "kel_words", "filter": ["kel_long", "lowercase"]},
        },
    },
}


def _scalar(annotation) -> dict:
    """The ES type of a scalar annotation (str, int, float, bool, Literal[...], X | None)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _scalar(inner[0])
    if origin is typing.Literal:
        return {"type": "keyword"}
    return {
        str: {"type": "keyword"},
        int: {"type": "integer"},
        float: {"type": "double"},
        bool: {"type": "boolean"},
    }[annotation]


def _field(model: type[BaseModel], name: str, annotation) -> dict:
    origin = typing.get_origin(annotation)
    if origin is tuple:  # tuple[X, ...]: ES fields are multi-valued by nature
        item = typing.get_args(annotation)[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return {"type": "nested", "properties": _properties(item)}
        return _scalar(item)
    if name in _FULL_TEXT:
        return {
            "type": "text",
            "analyzer": "kel_stem",
            "fields": {"keyword": {"type": "keyword", "ignore_above": 512}},
        }
    return _scalar(annotation)


def _properties(model: type[BaseModel]) -> dict:
    hints = typing.get_type_hints(model)
    out = {}
    for name in model.model_fields:
        if name in _SKIP:
            continue
        out[_RENAME.get((model.__name__, name), name)] = _field(model, name, hints[name])
    return out


def _document_properties() -> dict:
    agreement, clause = _properties(Agreement), _properties(Clause)
    assert not set(agreement) & set(clause), "a clause field would hide its agreement's: rename it"
    props = {**agreement, **clause}
    # The clause text is analysed per language: Kazakh has no stemmer here.
    props["text"] = {"type": "text", "analyzer": "kel_stem"}
    props["text_kk"] = {"type": "text", "analyzer": "kel_plain"}
    props["title"] = {
        "type": "text",
        "analyzer": "kel_stem",
        "fields": {"keyword": {"type": "keyword", "ignore_above": 512}},
    }
    assert isinstance(Agreement.year, property)  # `year` is derived from valid_from, as search filters use it
    props["year"] = {"type": "integer"}
    props["valid_from"] = {"type": "date", "format": "strict_date"}
    props["valid_to"] = {"type": "date", "format": "strict_date"}  # the term, for statistics of agreements in force
    props["ordinal"] = {"type": "long"}  # the database row: storage order for listings
    assert set(_properties(Norm)) <= set(props["norms"]["properties"])
    return dict(sorted(props.items()))


def index_template() -> dict:
    """The body of ``PUT _index_template/kelisim-clauses`` (composable template, ES 8+)."""
    return {
        "index_patterns": [INDEX_PATTERN],
        "priority": 100,
        "template": {
            "settings": _SETTINGS,
            "mappings": {"dynamic": "strict", "properties": _document_properties()},
        },
        "_meta": {
            "description": "Kelisim clauses; generated by schemas/elasticsearch.py from schemas/models.py"
        },
    }


# The archive beside the clauses (``kelisim audit --backend elasticsearch``): one document per stored
# agreement (its record, and the whole model as JSON, which only the audit reads back) and one per
# audited agreement (its last audit and the findings kept). Both keyed by agreement id; the JSON is
# stored, not indexed.
AGREEMENTS_INDEX = "kelisim-agreements"
AUDITS_INDEX = "kelisim-audits"
_STORED_ONLY = {"type": "object", "enabled": False}


def archive_mappings() -> dict[str, dict]:
    """The mappings of the archive's two indexes, by index name."""
    keyword = {"type": "keyword"}
    agreements = {
        "id": keyword, "title": {"type": "text", "analyzer": "standard", "fields": {"keyword": {"type": "keyword", "ignore_above": 512}}},
        "level": keyword, "language": keyword, "parties": keyword, "sector": keyword, "region": keyword,
        "valid_from": {"type": "date", "format": "strict_date"}, "valid_to": {"type": "date", "format": "strict_date"},
        "fingerprint": keyword, "files": keyword, "ingested_at": keyword, "generation": {"type": "long"},
        "model": _STORED_ONLY,
    }  # fmt: skip
    audits = {"agreement_id": keyword, "inputs": keyword, "chain": _STORED_ONLY, "audited_at": keyword,
              "status": keyword, "counts": _STORED_ONLY, "findings": _STORED_ONLY}  # fmt: skip
    return {
        AGREEMENTS_INDEX: {"dynamic": "strict", "properties": agreements},
        AUDITS_INDEX: {"dynamic": "strict", "properties": audits},
    }


def write_template(path: Path = TEMPLATE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index_template(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stdout.write(f"wrote {write_template()}\n")
