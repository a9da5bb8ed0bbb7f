"""The clause database and its search indexes.

``load_agreement(db_path, agreement_id)`` is the entry point for other stages;
``load.ingest_paths`` fills the database, ``search`` answers queries on the
embedded (tantivy) or Elasticsearch backend.
"""

from pipeline.store.database import DatabaseError, load_agreement
from pipeline.store.query import QueryError, SearchQuery, SearchResults

__all__ = ["DatabaseError", "QueryError", "SearchQuery", "SearchResults", "load_agreement"]
