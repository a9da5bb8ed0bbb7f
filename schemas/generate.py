"""Write the JSON Schema files of the public models and the Elasticsearch index template:
``python -m schemas.generate`` (``make schemas``).

The files under ``schemas/json/`` are committed so users can validate our JSON
without Python; ``tests/schemas`` (and ``tests/store`` for the template) fail when they
drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from schemas.elasticsearch import write_template
from schemas.models import Agreement, Document, Finding, Report

JSON_DIR = Path(__file__).with_name("json")
MODELS = {"agreement": Agreement, "document": Document, "finding": Finding, "report": Report}


def schema_files() -> dict[str, str]:
    """File name -> text of every JSON Schema file, as it should be committed."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(mode="serialization"), indent=2,
                                          ensure_ascii=False, sort_keys=True) + "\n"
        for name, model in MODELS.items()
    }


def main() -> None:
    JSON_DIR.mkdir(exist_ok=True)
    for name, text in schema_files().items():
        (JSON_DIR / name).write_text(text, encoding="utf-8")
    write_template()


if __name__ == "__main__":
    main()
