"""The web app: browse the ledger, read the evidence, see the disagreements.

Every page has a JSON twin (``.json`` suffix, or ``Accept: application/json``) built from
the same view data; ``/openapi.json`` describes the JSON endpoints. Safe by default: binds
127.0.0.1, read-only unless started with an ingest token, article text is always escaped,
SQL is parameterized, and responses carry a strict Content-Security-Policy (no inline
scripts or styles). Every request is checked before it reaches a view (``WebConfig``): the Host
header against an allow-list, query parameters for NUL bytes and length, the page for a bounded
integer; a failure is a 400 or 422 with the reason, and every response, errors and 500s included,
carries the security headers. Errors are pages for browsers and JSON for the twins and API callers
(``error_response``); HEAD answers like GET without a body (``HeadAsGet``).
"""

from __future__ import annotations

import logging
import re
import secrets
import tempfile
import threading
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import WebConfig
from ..pubdate import describe
from ..records import CATEGORIES
from ..search import FilterError
from ..store import Store
from ..words import article_title, human, plural
from . import views, write

HERE = Path(__file__).parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# same-origin, not no-referrer: no referrer ever leaves the app, and a browser still names this
# app's origin in the Origin header of its own form POSTs (under no-referrer it sends "null"),
# which the write forms check (web/write.py)
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
log = logging.getLogger(__name__)
ERROR_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 422: "Request not understood"}
LISTINGS = {"quantities": "all quantities", "articles": "all articles", "sources": "all sources",
            "conflicts": "all conflicts", "stories": "all stories"}
# the accessible names given so far on the page being rendered: name -> href (see link_name)
_LINK_NAMES: ContextVar[dict[str, str] | None] = ContextVar("link_names", default=None)


def link_name(href: str, name: str) -> str:
    """``name`` for a link to ``href``, numbered ("name (2)") if the page already has a link of that
    name to another place, so that no two links on a page read alike but lead apart (screen readers
    list links by name). Templates pass the visible words with their context first."""
    seen = _LINK_NAMES.get()
    if seen is None:
        return name
    unique, n = name, 1
    while seen.setdefault(unique, href) != href:
        n += 1
        unique = f"{name} ({n})"
    return unique


def wants_html_error(request: Request) -> bool:
    """A browser asked (it sends text/html), and not for a JSON twin or the API."""
    path = request.url.path
    if path.endswith(".json") or path.startswith("/api/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/xhtml+xml" in accept


class HeadAsGet:
    """HEAD answers like GET, headers included, without the body (RFC 9110): FastAPI routes
    declare GET only, so without this every page answers HEAD with a 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


Scale = Literal["linear", "log"]  # a quantity chart's y-axis (charts.SCALES)


def host_name(header: str) -> str:
    """The name in a Host header, without the port ("[::1]:8000" -> "::1")."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def request_problem(request: Request, web: WebConfig, allowed: frozenset[str]) -> tuple[int, str] | None:
    """Why a request is refused before any view runs (status, reason), or None."""
    if host_name(request.headers.get("host", "")) not in allowed:
        return 400, "host not allowed (start serve with --allow-host NAME to answer for another name)"
    if "\x00" in request.url.path:
        return 422, "the path contains a NUL character"
    for key, value in request.query_params.multi_items():
        if "\x00" in key or "\x00" in value:
            return 422, f"parameter {key[:40]!r} contains a NUL character"
        limit = web.max_query_chars if key == "q" else web.max_param_chars
        if len(value) > limit:
            return 422, f"parameter {key[:40]!r} has {len(value):,} characters, over the limit of {limit:,}"
        if key == "page" and not (value.isascii() and value.isdigit() and 1 <= int(value) <= web.max_page):
            return 422, f"page must be an integer from 1 to {web.max_page:,}"
    return None


def _num(v: Any) -> str:
    if v is None:
        return ""
    f = float(v)
    return f"{int(f):,}" if f.is_integer() else f"{f:,.2f}"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.filters["urlpart"] = lambda s: quote(str(s), safe="")
    env.filters["num"] = _num
    env.filters["safe_url"] = _safe_url
    env.filters["published"] = describe  # {{ a.pub_date|published(a.pub_date_basis) }}
    env.globals["link_name"] = link_name
    # display wording (words.py): {{ s.kind|words }}, {{ n|plural("source") }}, {{ a|headline }}
    env.filters["words"] = human
    env.filters["plural"] = plural
    env.filters["headline"] = lambda a: article_title(a.get("title"), a.get("url"), a.get("id") or "")
    return env


def render_html(env: Environment, template: str, data: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page, with a fresh registry of link names (``link_name``)."""
    token = _LINK_NAMES.set({})
    try:
        return HTMLResponse(env.get_template(template).render(**data), status_code=status_code)
    finally:
        _LINK_NAMES.reset(token)


def error_response(env: Environment, request: Request, status: int, reason: str) -> Response:
    """An error as a page for a browser (the reason and links back) or as ``{"detail": reason}``."""
    if not wants_html_error(request):
        return JSONResponse({"detail": reason}, status_code=status)
    section = request.url.path.strip("/").split("/")[0]
    back = (f"/{section}", LISTINGS[section]) if section in LISTINGS and request.url.path != f"/{section}" else None
    return render_html(env, "error.html", {"status": status, "title": ERROR_TITLES.get(status, "Error"),
                                           "reason": reason, "back": back}, status)


def _safe_url(url: Any) -> str:
    """Only http(s) links leave the app; "javascript:" and other schemes are dropped."""
    u = str(url or "").strip()
    return u if u.lower().startswith(("http://", "https://")) else ""


def create_app(db: str | Path | None = None, *, write_token: str | None = None, ingest_token: str | None = None,
               store: Store | None = None, web: WebConfig | None = None) -> FastAPI:
    """The app over a store. With ``write_token`` (``ingest_token`` is its old name), POST
    /api/ingest accepts articles (JSONL) and POST /api/corrections corrections from callers that
    present ``Authorization: Bearer <token>``, and people who sign in with it at /signin get
    correction forms (web/write.py); without it there is no write path. ``web`` bounds requests
    and lists the Host names answered (default: loopback names only)."""
    ingest_token = write_token or ingest_token
    store = store or Store(db)
    web = web or WebConfig()
    allowed = frozenset(h.lower() for h in web.allowed_hosts)
    env = _env()
    app = FastAPI(title="newsledger", version="0.1.0", docs_url=None, redoc_url=None,
                  description="The ledger of reported figures, statements, quantities and conflicts. "
                              "Every HTML page has a JSON twin documented here.")
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    write_lock = threading.Lock()

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        """Refuse bad requests early; turn any failure into a plain 500 that names no server
        detail; put the security headers on every response."""
        problem = request_problem(request, web, allowed)
        if problem is None and write.foreign_post(request):
            problem = 403, "cross-origin POST refused (the Origin header names another site)"
        response: Response
        if problem is not None:
            response = error_response(env, request, *problem)
        else:
            try:
                response = await call_next(request)
            except Exception:
                log.exception("error serving %s", request.url.path)
                response = PlainTextResponse("Internal Server Error", status_code=500)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.add_middleware(HeadAsGet)  # outermost: the guard and the routes see a GET

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not wants_html_error(request):
            return await http_exception_handler(request, exc)
        reason = {"Not Found": "there is no page at this address",
                  "Method Not Allowed": "this address cannot be used that way"}.get(str(exc.detail), str(exc.detail))
        response = error_response(env, request, exc.status_code, reason)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if not wants_html_error(request):
            return await request_validation_exception_handler(request, exc)
        reasons = "; ".join(f"parameter {'.'.join(str(p) for p in e['loc'][1:])!r}: {e['msg']}"
                            for e in exc.errors())
        return error_response(env, request, 422, reasons)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """Browsers ask for /favicon.ico whatever the page links; answer with the SVG icon."""
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "max-age=86400"})

    def wants_json(request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return "application/json" in accept and "text/html" not in accept

    def render(request: Request, template: str, data: dict[str, Any], as_json: bool) -> Response:
        if as_json or wants_json(request):
            return JSONResponse(data)
        editing = write.signed_in(request, ingest_token)
        extra = {"write_enabled": bool(ingest_token), "editor": write.editor(store, template, data, request)
                 if editing else None}
        return render_html(env, template, {**data, **extra})

    def base_for(request: Request) -> str:
        params = {k: v for k, v in request.query_params.items() if k != "page"}
        return request.url.path + "?" + (urlencode(params) + "&" if params else "")

    def page_of(request: Request) -> int:
        return int(request.query_params.get("page", "1"))  # validated by guard()

    def found(data: dict[str, Any] | None, what: str) -> dict[str, Any]:
        if data is None:
            raise HTTPException(status_code=404, detail=f"no such {what}")
        return data

    # ---- JSON twins (declared first so ".json" wins over path parameters)
    @app.get("/index.json", tags=["json"], summary="Overview")
    def overview_json() -> dict[str, Any]:
        return views.overview(store)

    @app.get("/stories.json", tags=["json"], summary="Stories (crises), newest first, with headline numbers")
    def stories_json(page: int = 1) -> dict[str, Any]:
        return views.stories(store, max(1, page))

    @app.get("/stories/{sid}.json", tags=["json"], summary="One story: latest figure per source for each "
                                                           "headline quantity, estimates, same-day disputes")
    def story_json(sid: str) -> dict[str, Any]:
        return found(views.story(store, sid), "story")

    @app.get("/quantities.json", tags=["json"], summary="Quantities, most disputed first")
    def quantities_json(page: int = 1, contested: bool = False) -> dict[str, Any]:
        return views.quantities(store, max(1, page), contested)

    @app.get("/conflicts.json", tags=["json"], summary="Conflicting figure pairs")
    def conflicts_json(page: int = 1, kind: str | None = None) -> dict[str, Any]:
        return views.conflicts(store, max(1, page), kind)

    @app.get("/articles.json", tags=["json"], summary="Articles, newest first")
    def articles_json(page: int = 1) -> dict[str, Any]:
        return views.articles(store, max(1, page))

    @app.get("/sources.json", tags=["json"], summary="Sources")
    def sources_json(page: int = 1) -> dict[str, Any]:
        return views.sources(store, max(1, page))

    @app.get("/search.json", tags=["json"], summary="Search quantities, stories, figures, statements, articles",
             response_model=None, responses={400: {"description": "a filter value that cannot be searched with"}})
    def search_json(q: str = "", page: int = 1, date_from: str | None = None, date_to: str | None = None,
                    outlet: str | None = None, source: str | None = None, category: str | None = None,
                    story: str | None = None) -> Any:
        try:
            return run_search(q, max(1, page), date_from, date_to, outlet, source, category, story)
        except FilterError as e:
            return JSONResponse(refused(e), status_code=400)

    @app.get("/quantities/{qid}.json", tags=["json"], summary="One quantity: figures, chart, conflicts")
    def quantity_json(qid: str, page: int = 1, scale: Scale = "linear") -> dict[str, Any]:
        return found(views.quantity(store, qid, max(1, page), scale), "quantity")

    @app.get("/quantities/{qid}/chart.{fmt}", tags=["downloads"], summary="A quantity's chart: svg, png or csv",
             response_class=Response)
    def quantity_chart(qid: str, fmt: Literal["svg", "png", "csv"], scale: Scale = "linear") -> Response:
        """The chart drawn as on the page (svg, png) or its data (csv, every figure, undated too)."""
        got = views.quantity_chart(store, qid, fmt, scale)
        if got is None:
            raise HTTPException(status_code=404, detail="no such quantity, or no dated figure to draw")
        name = re.sub(r"[^A-Za-z0-9_-]", "_", qid)[:60]
        return Response(got[0], media_type=got[1],
                        headers={"Content-Disposition": f'attachment; filename="{name}-chart.{fmt}"'})

    @app.get("/sources/{sid}.json", tags=["json"], summary="One source: its figures and statements")
    def source_json(sid: str) -> dict[str, Any]:
        return found(views.source(store, sid), "source")

    @app.get("/articles/{article_id:path}.json", tags=["json"], summary="One article with its records",
             response_model=None)
    def article_json(request: Request, article_id: str) -> Any:
        data = views.article(store, article_id)
        if data is None:
            # "/articles/X.json" is also the page of an article whose own id is "X.json" (its
            # JSON twin is "/articles/X.json.json")
            page = views.article(store, article_id + ".json")
            if page is not None:
                return render(request, "article.html", page, False)
        return found(data, "article")

    # ---- HTML pages
    @app.get("/", include_in_schema=False)
    def overview_page(request: Request) -> Response:
        return render(request, "overview.html", views.overview(store), False)

    @app.get("/stories", include_in_schema=False)
    def stories_page(request: Request) -> Response:
        data = views.stories(store, page_of(request))
        return render(request, "stories.html", {**data, "base": base_for(request)}, False)

    @app.get("/stories/{sid}", include_in_schema=False)
    def story_page(request: Request, sid: str) -> Response:
        return render(request, "story.html", found(views.story(store, sid), "story"), False)

    @app.get("/quantities", include_in_schema=False)
    def quantities_page(request: Request, contested: bool = False) -> Response:
        data = views.quantities(store, page_of(request), contested)
        return render(request, "quantities.html", {**data, "base": base_for(request)}, False)

    @app.get("/quantities/{qid}", include_in_schema=False)
    def quantity_page(request: Request, qid: str, scale: Scale = "linear") -> Response:
        data = found(views.quantity(store, qid, page_of(request), scale), "quantity")
        return render(request, "quantity.html", {**data, "base": base_for(request)}, False)

    @app.get("/conflicts", include_in_schema=False)
    def conflicts_page(request: Request, kind: str | None = None) -> Response:
        data = views.conflicts(store, page_of(request), kind)
        return render(request, "conflicts.html", {**data, "base": base_for(request)}, False)

    @app.get("/articles", include_in_schema=False)
    def articles_page(request: Request) -> Response:
        data = views.articles(store, page_of(request))
        return render(request, "articles.html", {**data, "base": base_for(request)}, False)

    @app.get("/articles/{article_id:path}", include_in_schema=False)
    def article_page(request: Request, article_id: str) -> Response:
        return render(request, "article.html", found(views.article(store, article_id), "article"), False)

    @app.get("/sources", include_in_schema=False)
    def sources_page(request: Request) -> Response:
        data = views.sources(store, page_of(request))
        return render(request, "sources.html", {**data, "base": base_for(request)}, False)

    @app.get("/sources/{sid}", include_in_schema=False)
    def source_page(request: Request, sid: str) -> Response:
        return render(request, "source.html", found(views.source(store, sid), "source"), False)

    @app.get("/search", include_in_schema=False)
    def search_page(request: Request, q: str = "", date_from: str = "", date_to: str = "", outlet: str = "",
                    source: str = "", category: str = "", story: str = "") -> Response:
        given = {"date_from": date_from, "date_to": date_to, "outlet": outlet, "source": source,
                 "category": category, "story": story}
        try:
            data = run_search(q, page_of(request), *given.values())
        except FilterError as e:
            if wants_json(request):
                return JSONResponse(refused(e), status_code=400)
            # the form comes back filled in as typed, with the reasons above it
            page = env.get_template("search.html").render(
                q=q, search_q=q, f=given, r=None, problems=[r for _, r in e.problems], applies={},
                refused={p for p, _ in e.problems},
                categories=list(CATEGORIES), page=1, has_more=False, base=base_for(request))
            return HTMLResponse(page, status_code=400)
        if wants_json(request):
            return JSONResponse(data)
        return render(request, "search.html", {"q": q, "search_q": q, "f": data["filters"], "r": data["results"],
                                               "applies": data["applies"], "problems": [], "refused": set(),
                                               "categories": data["categories"], "page": data["page"],
                                               "has_more": data["has_more"], "base": base_for(request)}, False)

    def run_search(q: str, page: int, *filters: str | None) -> dict[str, Any]:
        return views.search(store, q, page, *(v or None for v in filters), max_terms=web.max_query_terms,
                            max_match_terms=web.max_match_terms)

    def refused(e: FilterError) -> dict[str, Any]:
        return {"detail": str(e), "errors": [{"param": p, "reason": r} for p, r in e.problems]}

    write.install(app, store, ingest_token, render, write_lock)

    # ---- ingest, only with a token
    if ingest_token:
        @app.post("/api/ingest", tags=["write"], summary="Add articles (JSONL body); needs the bearer token")
        async def ingest(request: Request) -> dict[str, Any]:
            """The body streams to a temporary file, counted as it comes (a body over the limit is
            refused without being held in memory), and the analysis runs in a worker thread, so
            the server keeps answering meanwhile."""
            auth = request.headers.get("authorization", "")
            if not secrets.compare_digest(auth.encode(), f"Bearer {ingest_token}".encode()):
                raise HTTPException(status_code=401, detail="missing or wrong token")
            limit = web.max_ingest_bytes
            too_big = HTTPException(status_code=413, detail=f"body over the limit of {limit:,} bytes")
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_big
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "upload.jsonl"
                size = 0
                with path.open("wb") as fh:
                    async for chunk in request.stream():
                        size += len(chunk)
                        if size > limit:
                            raise too_big
                        fh.write(chunk)
                report = await run_in_threadpool(run_analysis, path)
                # item errors name the upload, never the server's temporary path
                errors = [str(e).replace(str(path), "body").replace(tmp, "") for e in report.errors]
            return {"added": report.added, "replaced": report.replaced, "unchanged": report.unchanged,
                    "duplicates": report.duplicates, "errors": errors}

        def run_analysis(path: Path) -> Any:
            from ..store import analyze

            with write_lock:
                return analyze([path], store.engine.url.render_as_string(hide_password=False))

    return app


def served_hosts(host: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The Host names a server bound to ``host`` answers: the loopback names, the bound address
    (unless a wildcard, which names no host) and ``extra``."""
    bound = () if host in ("0.0.0.0", "::", "") else (host,)
    return tuple(dict.fromkeys((*WebConfig().allowed_hosts, *bound, *extra)))


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, write_token: str | None = None,
          allow_hosts: tuple[str, ...] = (), store: Store | None = None, ingest_token: str | None = None) -> None:
    """Run the app with uvicorn (blocking), answering for ``served_hosts(host, allow_hosts)``, over
    ``store`` when given (the CLI opens it read-only). ``ingest_token`` is ``write_token``'s old name."""
    import uvicorn

    app = create_app(db, write_token=write_token or ingest_token, store=store,
                     web=WebConfig(allowed_hosts=served_hosts(host, allow_hosts)))
    uvicorn.run(app, host=host, port=port, log_level="info")


__all__ = ["create_app", "serve", "served_hosts"]
