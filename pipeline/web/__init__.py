"""The web workspace of ``kelisim serve``: search, agreements, checks in a browser.

``create_app(Settings(...))`` is the entry point; ``pipeline.cli.serve`` runs it with uvicorn.
"""

from pipeline.web.app import Settings, create_app, default_data_dir

__all__ = ["Settings", "create_app", "default_data_dir"]
