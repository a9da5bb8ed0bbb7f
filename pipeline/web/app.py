"""The web workspace: search the clause database, read an agreement, run and read checks.

Pages that read the database are plain functions, which Starlette runs in its thread pool,
so one slow search never holds up the event loop serving the other users.

Server-rendered pages (Starlette + Jinja2, every value autoescaped); no script runs in the
page, so the Content-Security-Policy forbids all scripts. The URL of a search holds its whole
state. Uploads are written only under the workspace's data folder, by names it makes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import html
import json
import logging
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline.report import csv as csv_report
from pipeline.report import html as html_report
from pipeline.store import DatabaseError, QueryError, SearchQuery, api
from pipeline.store.query import FACETS, MAX_OFFSET, SearchResults
from pipeline.web import i18n, library, tasks
from schemas.models import Report
from schemas.taxonomy import taxonomy

_log = logging.getLogger(__name__)

PER_PAGE = 20
MAX_UPLOAD_MB = 50
MAX_UPLOADS = 10
PASSWORD_ENV = "KELISIM_WEB_PASSWORD"
_HERE = Path(__file__).parent
_ACCEPTED_FORMATS = ("pdf", "docx")
DEFAULT_WITHIN = "90d"  # the renewal calendar's term, as kelisim expiring's
_FINDING_KINDS = ("lowered", "weakened", "missing", "removed", "unverifiable", "inconsistent", "unresolved", "ok")
_SEVERITIES = ("high", "medium", "low", "info")
_CSP = (
    "default-src 'none'; style-src 'self'{inline}; img-src 'self'; form-action 'self';"
    " frame-ancestors 'none'; base-uri 'none'"
)


@dataclass(frozen=True)
class Settings:
    """How one workspace runs. ``password``: required from every request when set (basic auth or a
    bearer token); ``data_dir``: where uploads and task progress are written."""

    db: Path
    data_dir: Path
    backend: str = "embedded"
    es_url: str | None = None
    read_only: bool = False
    password: str | None = None
    max_upload_bytes: int = MAX_UPLOAD_MB * 1024 * 1024


def default_data_dir(db: str | Path) -> Path:
    return Path(f"{db}.web")


# --------------------------------------------------------------------------- rendering


def snippet_markup(snippet: str) -> Markup:
    """A search snippet with only its ``<mark>`` kept as markup: each part is unescaped and escaped
    again here, whichever backend made it, so nothing else in it can ever be read as HTML."""
    parts = re.split(r"</?mark>", snippet)
    out = []
    for i, part in enumerate(parts):
        text = html.escape(html.unescape(part), quote=False)
        out.append(f"<mark>{text}</mark>" if i % 2 else text)
    return Markup("".join(out))


def _environment() -> jinja2.Environment:
    """The report's own environment (its filters, autoescaping) with our templates in front, so
    the findings page extends ``report.html.j2`` as the report renders it."""
    report = html_report.environment()
    env = report.overlay(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(_HERE / "templates"), report.loader]))
    env.filters = {
        **report.filters,
        "snippet": snippet_markup,
        "anchor": lambda number: "c-" + re.sub(r"\s+", "_", str(number)),
        "urlpart": lambda value: quote(str(value), safe=""),
    }
    return env


_ENV = _environment()


def _page(request: Request, template: str, status_code: int = 200, **values) -> Response:
    t = request.state.t
    body = _ENV.get_template(template).render(
        t=t,
        lang=t.language,
        kazakh=i18n.wants_kazakh(request.headers.get("accept-language")),
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        settings=request.app.state.settings,
        **values,
    )
    return Response(body, status_code=status_code, media_type="text/html; charset=utf-8")


def _error(request: Request, status_code: int, message: str) -> Response:
    return _page(request, "error.html.j2", status_code=status_code, message=message)


# --------------------------------------------------------------------------- search


def _search_request(params) -> tuple[SearchQuery, int]:
    """The SearchQuery and page number a URL asks for; a malformed value is a QueryError. Every facet
    of ``FACETS`` is a filter of the same name, so a facet the store adds is a filter here too."""
    filters = {name: params.get(name) or None for name in FACETS}
    try:
        if filters.get("year"):
            filters["year"] = int(filters["year"])
        page = max(1, int(params.get("page") or 1))
    except ValueError:
        raise QueryError("the year and the page must be numbers") from None
    offset = min((page - 1) * PER_PAGE, MAX_OFFSET)
    query = SearchQuery(text=params.get("q", ""), **filters, agreement=params.get("agreement") or None,
                        limit=PER_PAGE, offset=offset)  # fmt: skip
    return query, offset // PER_PAGE + 1


def _search(settings: Settings, params) -> tuple[SearchResults, int, int]:
    """(results, page, pages) of the search a URL asks for; QueryError, DatabaseError or BackendError."""
    query, page = _search_request(params)
    results = api.search(settings.db, query, backend=settings.backend, es_url=settings.es_url, read_only=True)
    return results, page, max(1, -(-min(results.total, MAX_OFFSET + PER_PAGE) // PER_PAGE))


_STATE_KEYS = ("q", *FACETS, "agreement")


def _url(params: dict, **changes) -> str:
    """The search URL with ``changes`` applied (None removes a key); the page goes back to 1."""
    state = {k: params.get(k) for k in _STATE_KEYS if params.get(k)}
    state.update(changes)
    return "/?" + urlencode({k: v for k, v in state.items() if v not in (None, "")})


def search_page(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    params = dict(request.query_params)
    active = {k: params[k] for k in (*FACETS, "agreement") if params.get(k)}
    if not params.get("q", "").strip() and not active:
        return _page(request, "search.html.j2", results=None, params=params, active=active, error=None,
                     topics=taxonomy().topics)  # fmt: skip
    try:
        results, page, pages = _search(settings, params)
    except QueryError as e:
        return _page(request, "search.html.j2", status_code=400, results=None, params=params, active=active,
                     error=str(e), topics=taxonomy().topics)  # fmt: skip
    except (DatabaseError, api.BackendError) as e:
        return _error(request, 503, str(e))
    page_url = {
        "previous": _url(params, page=page - 1) if page > 1 else None,
        "next": _url(params, page=page + 1) if page < pages else None,
    }
    facet_links = {
        name: [(value, count, _url(params, **{name: value}), params.get(name) == value)
               for value, count in list(results.facets.get(name, {}).items())[:30]]
        for name in FACETS
    }  # fmt: skip
    remove = {name: _url(params, **{name: None}) for name in active}
    return _page(
        request, "search.html.j2", results=results, params=params, active=active, error=None, page=page,
        pages=pages, page_url=page_url, facet_links=facet_links, remove=remove,
        clear=_url({"q": params.get("q")}),
    )  # fmt: skip


def search_json(request: Request) -> Response:
    """``/search.json``: the search of the same URL parameters as the search page, as the JSON of
    ``kelisim search --format json`` (hits and every facet's counts) with the page and the number of pages."""
    try:
        results, page, pages = _search(request.app.state.settings, dict(request.query_params))
    except QueryError as e:
        return JSONResponse({"error": str(e)}, status_code=400)
    except (DatabaseError, api.BackendError) as e:
        return JSONResponse({"error": str(e)}, status_code=503)
    return JSONResponse({**results.to_json(), "page": page, "pages": pages, "per_page": PER_PAGE})


# --------------------------------------------------------------------------- agreements


def _read(request: Request, read):
    """``read(conn)`` on a connection of its own to the workspace's database, closed after
    (DatabaseError when the database cannot be used)."""
    conn = library.connect(request.app.state.settings.db)
    try:
        return read(conn)
    finally:
        conn.close()


def agreements_page(request: Request) -> Response:
    try:
        agreements = _read(request, library.list_agreements)
    except DatabaseError as e:
        return _error(request, 503, str(e))
    return _page(request, "agreements.html.j2", agreements=agreements)


def _sections(agreement) -> list[tuple[str, str]]:
    """(heading, anchor of its first clause), in the order of the text."""
    seen, out = set(), []
    for clause in agreement.clauses:
        if clause.heading and clause.heading not in seen:
            seen.add(clause.heading)
            out.append((clause.heading, _ENV.filters["anchor"](clause.number)))
    return out


def agreement_page(request: Request) -> Response:
    agreement_id = request.path_params["agreement_id"]

    def read(conn):
        from pipeline.store.database import read_agreement_row

        agreement = read_agreement_row(conn, agreement_id)
        if agreement is None:
            return None
        return agreement, library.standing(conn, agreement_id), library.stored_files(conn, agreement_id)

    try:
        found = _read(request, read)
    except DatabaseError as e:
        return _error(request, 503, str(e))
    if found is None:
        return _error(request, 404, f"{agreement_id}: {request.state.t('not_found')}")
    agreement, standing, files = found
    return _page(request, "agreement.html.j2", agreement=agreement, sections=_sections(agreement),
                 standing=standing, files=files)  # fmt: skip


def original_file(request: Request) -> Response:
    """One file an agreement was read from: ``/file`` the first, ``/file/N`` the N-th (from 1) of its files."""
    agreement_id = request.path_params["agreement_id"]
    number = request.path_params.get("number", 1)
    try:
        files = _read(request, lambda conn: library.stored_files(conn, agreement_id))
    except DatabaseError as e:
        return _error(request, 503, str(e))
    chosen = files[number - 1] if 1 <= number <= len(files) else None
    if chosen is None or chosen.path is None:
        return _error(request, 404, f"{agreement_id}: {request.state.t('not_available')}")
    return FileResponse(chosen.path, filename=chosen.name, content_disposition_type="attachment")


# --------------------------------------------------------------------------- renewal calendar


def _expiring_request(params) -> tuple[str, date, tuple[int, str]]:
    """The term (as typed), the day counted from and the parsed term a URL asks for; a ValueError
    with one line for the user otherwise."""
    from pipeline.archive.calendar import parse_within

    within = (params.get("within") or DEFAULT_WITHIN).strip()
    try:
        on = date.fromisoformat(params["on"]) if params.get("on") else date.today()
    except ValueError:
        raise ValueError(f"{params['on']!r}: give the day as YYYY-MM-DD") from None
    return within, on, parse_within(within)


def _expiring(request: Request):
    """(items, term, day, last day) of the renewal calendar the URL asks for, or an error page."""
    from pipeline.archive.calendar import expiring, horizon

    try:
        within, on, term = _expiring_request(request.query_params)
        items = expiring(request.app.state.settings.db, within=term, on=on)
    except (ValueError, OverflowError) as e:  # a term that runs past the calendar's last year too
        return _page(request, "expiring.html.j2", status_code=400, items=None, within=request.query_params.get("within"),
                     on=request.query_params.get("on"), last=None, error=str(e))  # fmt: skip
    except DatabaseError as e:
        return _error(request, 503, str(e))
    return items, within, on, horizon(on, term)


def expiring_page(request: Request) -> Response:
    found = _expiring(request)
    if isinstance(found, Response):
        return found
    items, within, on, last = found
    on_given = {"on": request.query_params["on"]} if request.query_params.get("on") else {}
    query = urlencode({"within": within, **on_given})
    return _page(request, "expiring.html.j2", items=items, within=within, on=on.isoformat(), last=last.isoformat(),
                 error=None, ics_query=query)  # fmt: skip


def expiring_ics(request: Request) -> Response:
    """The renewal calendar as an iCalendar file: a reminder as far ahead of each end as the term asked for
    (as ``kelisim expiring --ics`` writes it)."""
    from pipeline.archive.calendar import ical

    found = _expiring(request)
    if isinstance(found, Response):
        return found
    items, _, on, last = found
    headers = {"Content-Disposition": 'attachment; filename="kelisim-expiring.ics"'}
    return Response(ical(items, remind=timedelta(days=(last - on).days)), media_type="text/calendar; charset=utf-8",
                    headers=headers)  # fmt: skip


# --------------------------------------------------------------------------- check and compare


def _safe_name(filename: str | None) -> str:
    """A file name of our own making from the uploaded one: its last part, letters, digits, - _ . only."""
    name = re.sub(r"[^\w.-]+", "_", Path((filename or "").replace("\\", "/")).name).strip("._")
    return (name or "upload")[:100]


async def _save_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    """Write one upload into ``folder`` (a fresh folder under the data folder); refuse what is too
    large or, by its content, not a PDF or a DOCX. Raises ValueError with one line for the user."""
    from pipeline.errors import InputError
    from pipeline.ingest import detect_format

    name = _safe_name(upload.filename)
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()):  # the name is ours, but check the result anyway
        raise ValueError(f"{name}: refused")
    size = 0
    with open(target, "wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise ValueError(f"{name}: larger than {limit // (1024 * 1024)} MB")
            out.write(chunk)
    try:
        fmt = detect_format(target)
    except InputError as e:
        target.unlink(missing_ok=True)
        raise ValueError(f"{name}: {e.reason}") from None
    if fmt not in _ACCEPTED_FORMATS:
        target.unlink(missing_ok=True)
        raise ValueError(f"{name}: a {fmt.upper()} file; upload a PDF or a DOCX")
    return target


def _stored_choices(request: Request) -> list:
    try:
        return _read(request, library.list_agreements)
    except DatabaseError:
        return []  # the form still takes uploads


def check_page(request: Request) -> Response:
    return _page(request, "check.html.j2", agreements=_stored_choices(request), error=None,
                 max_mb=request.app.state.settings.max_upload_bytes // (1024 * 1024))  # fmt: skip


def _upload_folder(settings: Settings) -> tuple[Path, str | None]:
    """A fresh folder for one request's uploads: under the data folder, or a temporary one on a
    read-only workspace (removed when its task ends)."""
    if settings.read_only:
        folder = Path(tempfile.mkdtemp(prefix="kelisim-upload-"))
        return folder, str(folder)
    folder = settings.data_dir / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    return folder, None


def _task_request(form, saved: dict[str, list[str]], known: set[str], settings: Settings, t, cleanup) -> tasks.Request:
    """What the check form asks for, with every stored id checked against the database; a
    ValueError with one line for the user otherwise."""
    if form.get("mode") == "diff":
        uploaded = saved["old_file"] + saved["new_file"]
        old = (saved["old_file"] or [str(form.get("old") or "")])[0]
        new = (saved["new_file"] or [str(form.get("new") or "")])[0]
        if not all(side and (side in known or side in uploaded) for side in (old, new)):
            raise ValueError(t("choose_both"))
        return tasks.Request(mode="diff", db=str(settings.db), old=old, new=new, cleanup=cleanup)
    stored = tuple(s for s in form.getlist("stored") if isinstance(s, str) and s)
    against = str(form.get("against") or "general-agreement")
    if against == "stored":
        against = str(form.get("against_id") or "")
    unknown = [s for s in (*stored, against) if s not in known and s not in ("general-agreement", "labour-code", "chain")]
    if unknown:
        raise ValueError(f"{', '.join(unknown) or '(none)'}: {t('not_found')}")
    if against == "chain" and saved["files"]:
        raise ValueError(t("chain_stored_only"))
    if not stored and not saved["files"]:
        raise ValueError(t("choose_targets"))
    return tasks.Request(
        mode="check", db=str(settings.db), uploads=tuple(saved["files"]), stored=stored, against=against,
        store_uploads=not settings.read_only, cleanup=cleanup,
    )  # fmt: skip


async def start_task(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit * MAX_UPLOADS + (1 << 20):
        return _error(request, 413, f"the upload is larger than {MAX_UPLOADS} x {limit // (1024 * 1024)} MB")
    form = await request.form(max_files=MAX_UPLOADS, max_fields=200)
    folder, cleanup = _upload_folder(settings)
    try:
        saved = {}
        for field in ("files", "old_file", "new_file"):
            uploads = [u for u in form.getlist(field) if isinstance(u, UploadFile) and u.filename]
            saved[field] = [str(await _save_upload(u, folder, limit)) for u in uploads]
        known = {a.id for a in _stored_choices(request)}
        task_request = _task_request(form, saved, known, settings, request.state.t, cleanup)
    except ValueError as e:
        shutil.rmtree(folder, ignore_errors=True)
        return _page(request, "check.html.j2", status_code=400, agreements=_stored_choices(request),
                     error=str(e), max_mb=limit // (1024 * 1024))  # fmt: skip
    if not any(saved.values()) and cleanup is None:
        folder.rmdir()  # nothing uploaded: no empty folder left behind
    task = request.app.state.runner.submit(task_request)
    return RedirectResponse(f"/tasks/{task.id}", status_code=303)


def _task(request: Request) -> tasks.Task | None:
    return request.app.state.runner.tasks.get(request.path_params["task_id"])


def _filtered(report: Report, kind: str | None, severity: str | None) -> Report:
    findings = tuple(
        f for f in report.findings
        if (not kind or f.kind == kind) and (not severity or f.severity == severity)
    )  # fmt: skip
    return report.model_copy(update={"findings": findings})


def task_page(request: Request) -> Response:
    task = _task(request)
    if task is None:
        return _error(request, 404, request.state.t("not_found"))
    if task.state in ("waiting", "running"):
        return _page(request, "progress.html.j2", task=task, ahead=request.app.state.runner.ahead_of(task))
    if task.state == "failed":
        return _error(request, 422, f"{request.state.t('job_failed')}: {task.error}")
    kind = request.query_params.get("kind") or None
    severity = request.query_params.get("severity") or None
    shown = _filtered(task.report, kind, severity)
    query = urlencode({k: v for k, v in (("kind", kind), ("severity", severity)) if v})
    return _page(
        request, "task.html.j2", task=task, kind=kind, severity=severity, kinds=_FINDING_KINDS,
        severities=_SEVERITIES, export_query=query, all_findings=len(task.report.findings),
        title=request.state.t("findings_title"), generated=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(task.created)),
        **html_report.context(shown),
    )  # fmt: skip


def task_export(request: Request) -> Response:
    task = _task(request)
    if task is None or task.report is None:
        return _error(request, 404, request.state.t("not_found"))
    shown = _filtered(task.report, request.query_params.get("kind"), request.query_params.get("severity"))
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "json"):
        return _error(request, 404, request.state.t("not_found"))
    name = f"kelisim-findings-{task.id[:8]}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(csv_report.render(shown), media_type="text/csv; charset=utf-8", headers=headers)
    data = {"findings": [f.model_dump(mode="json") for f in shown.findings], "summary": shown.summary}
    return Response(json.dumps(data, ensure_ascii=False, indent=2), media_type="application/json",
                    headers=headers)  # fmt: skip


# --------------------------------------------------------------------------- language, style


async def set_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    back = request.query_params.get("next") or "/"
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"  # only a path of this site: never an open redirect
    response = RedirectResponse(back, status_code=303)
    if lang in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


async def stylesheet(request: Request) -> Response:
    return FileResponse(_HERE / "static" / "web.css", media_type="text/css")


# --------------------------------------------------------------------------- middleware


def _authorised(request: Request, password: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return hmac.compare_digest(value.strip().encode(), password.encode())
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(decoded.partition(":")[2].encode(), password.encode())
    return False


class _Workspace(BaseHTTPMiddleware):
    """Password check, the interface language, and the security headers of every response."""

    async def dispatch(self, request: Request, call_next):
        settings: Settings = request.app.state.settings
        if settings.password and not _authorised(request, settings.password):
            return PlainTextResponse(
                "kelisim: a password is required", status_code=401,
                headers={"WWW-Authenticate": 'Basic realm="kelisim", charset="UTF-8"'},
            )  # fmt: skip
        request.state.t = i18n.Translator(
            i18n.choose(request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"))
        )
        if request.method == "POST":
            origin = request.headers.get("origin")
            if origin and urlparse(origin).netloc != request.headers.get("host"):
                # a form posted from another site, riding on the user's password: refused
                return PlainTextResponse("kelisim: a form from another site is refused", status_code=403)
        response = await call_next(request)
        # The findings page is the HTML report, whose style is inline (it is one self-contained file).
        inline = " 'unsafe-inline'" if request.url.path.startswith("/tasks/") else ""
        response.headers.setdefault("Content-Security-Policy", _CSP.format(inline=inline))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        return response


def create_app(settings: Settings) -> Starlette:
    """The workspace over ``settings.db``; its task runner starts with the app and stops with it."""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Starlette):
        # A read-only workspace may sit beside a database it cannot write: its tasks' progress goes to /tmp.
        folder = Path(tempfile.mkdtemp(prefix="kelisim-tasks-")) if settings.read_only else settings.data_dir / "tasks"
        app.state.runner = tasks.Runner(folder)
        try:
            yield
        finally:
            app.state.runner.close()
            if settings.read_only:
                shutil.rmtree(folder, ignore_errors=True)

    routes = [
        Route("/", search_page),
        Route("/search.json", search_json),
        Route("/agreements", agreements_page),
        Route("/agreements/{agreement_id}", agreement_page),
        Route("/agreements/{agreement_id}/file", original_file),
        Route("/agreements/{agreement_id}/file/{number:int}", original_file),
        Route("/expiring", expiring_page),
        Route("/expiring.ics", expiring_ics),
        Route("/check", check_page, methods=["GET"]),
        Route("/check", start_task, methods=["POST"]),
        Route("/tasks/{task_id}", task_page),
        Route("/tasks/{task_id}/findings.{fmt:str}", task_export),
        Route("/lang/{lang}", set_language),
        Route("/static/web.css", stylesheet),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_Workspace)], lifespan=lifespan)
    app.state.settings = settings
    return app

