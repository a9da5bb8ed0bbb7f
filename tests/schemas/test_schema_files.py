"""The committed JSON Schema files must equal what the models generate."""

import json

import jsonschema
import pytest

from schemas import Agreement, Clause, Norm, Source
from schemas.generate import JSON_DIR, schema_files
from schemas.taxonomy import taxonomy


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_schema_file_is_up_to_date(name):
    path = JSON_DIR / name
    assert path.exists(), f"{path} missing: run python -m schemas.generate"
    assert path.read_text(encoding="utf-8") == schema_files()[name], (
        f"{path} is out of date with schemas/models.py: run python -m schemas.generate"
    )


def test_agreement_json_validates_against_committed_schema():
    agreement = Agreement(
        id="ag_0123456789ab",
        source=Source(path="a.pdf", sha256="0" * 64, format="pdf", pages=1),
        title="Collective Agreement",
        level="collective",
        language="en",
        clauses=(Clause(id="ag_0123456789ab:5.3", number="5.3", text="The Employer shall index wages.",
                        topics=("wage_indexation",), modality="obligation",
                        norms=(Norm(parameter="wage_indexation.rate", comparator=">=", value=1, unit="inflation"),)),),
    )
    schema = json.loads((JSON_DIR / "agreement.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(agreement.model_dump_json()), schema)
    broken = json.loads(agreement.model_dump_json())
    broken["level"] = "national"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_taxonomy_copy_agrees_with_spec():
    """schemas/taxonomy.yaml is our copy of shared/spec/taxonomy.md: ids there must be here."""
    from pathlib import Path

    spec = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "taxonomy.md"
    if not spec.exists():
        pytest.skip("shared/spec not beside the repository")
    text = spec.read_text(encoding="utf-8")
    t = taxonomy()
    for topic in t.topics:
        assert f"`{topic}`" in text
    for parameter in t.parameters:
        assert f"`{parameter}`" in text
    for sector in t.sectors:
        assert f"`{sector}`" in text
    # and the other way round: every parameter row of the spec is in our copy
    import re

    spec_params = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", text, flags=re.MULTILINE))
    assert spec_params <= set(t.parameters)
    spec_topics = set(re.findall(r"^\| `([a-z_]+)` \| ", text, flags=re.MULTILINE)) - set(t.modalities)
    assert spec_topics <= set(t.topics)
