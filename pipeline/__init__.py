"""Kelisim pipeline: ingest, segmentation, orchestration, storage, CLI."""
