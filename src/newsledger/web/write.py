"""Writing from the web app, behind the write token: corrections (corrections.py) through a JSON
API for scripts (``Authorization: Bearer TOKEN``) and through forms for people, who sign in once
with the token at /signin and get a session cookie (HttpOnly, SameSite=Strict, holding an HMAC
of the token, never the token). Every POST must come from this app's own origin: the Origin
header is checked (a form POST from another site is refused even before the cookie would be).
The /corrections page lists every correction; it is there on a read-only server too."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..corrections import CorrectionError, correct, list_corrections, undo
from ..records import CATEGORIES
from ..store import Store, quantities_t, sources_t, stories_t

SESSION_COOKIE = "nl_session"
WHO_COOKIE = "nl_who"
MAX_FORM_BYTES = 16_384
Render = Callable[[Request, str, dict[str, Any], bool], Response]


def session_value(token: str) -> str:
    """What the session cookie holds: an HMAC of the token (the token itself never leaves)."""
    return hmac.new(token.encode("utf-8"), b"newsledger-session", hashlib.sha256).hexdigest()


def signed_in(request: Request, token: str | None) -> bool:
    return bool(token) and secrets.compare_digest(request.cookies.get(SESSION_COOKIE, "").encode(),
                                                  session_value(token or "").encode())


def own_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.headers.get('host', '')}"


def foreign_post(request: Request) -> bool:
    """A POST whose Origin names another site (checked on every POST, before any route)."""
    origin = request.headers.get("origin")
    return request.method == "POST" and origin is not None and origin != own_origin(request)


def who_of(request: Request) -> str:
    """The name the editor signed in with (percent-encoded in its cookie, so any script survives)."""
    return " ".join(unquote(request.cookies.get(WHO_COOKIE, "")).split())[:200] or "web"


def local_path(target: str | None) -> str:
    """Where to go back to after a form: a path of this app only (never another site)."""
    t = (target or "").strip()
    return t if t.startswith("/") and not t.startswith("//") and "\\" not in t else "/corrections"


async def form_of(request: Request) -> dict[str, str]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(status_code=413, detail=f"form over {MAX_FORM_BYTES:,} bytes")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def editor(store: Store, template: str, data: dict[str, Any], request: Request) -> dict[str, Any]:
    """What a signed-in page needs for its correction forms: the categories, the quantities of the
    story (to move a figure to), the sources (to merge into), the page to come back to."""
    out: dict[str, Any] = {"who": who_of(request), "categories": list(CATEGORIES),
                           "next": request.url.path + (f"?{request.url.query}" if request.url.query else "")}
    with store.engine.connect() as conn:
        if template == "quantity.html":
            q = data["q"]
            out["quantities"] = [tuple(r) for r in conn.execute(
                sa.select(quantities_t.c.id, quantities_t.c.label).where(
                    quantities_t.c.story_id == q["story_id"], quantities_t.c.id != q["id"])
                .order_by(quantities_t.c.n_figures.desc(), quantities_t.c.id).limit(300))]
        if template == "story.html":
            out["stories"] = [tuple(r) for r in conn.execute(
                sa.select(stories_t.c.id, stories_t.c.label).where(stories_t.c.id != data["s"]["id"])
                .order_by(stories_t.c.last_date.desc(), stories_t.c.id).limit(1000))]
        if template == "source.html":
            out["sources"] = [tuple(r) for r in conn.execute(
                sa.select(sources_t.c.id, sources_t.c.name).where(sources_t.c.id != data["s"]["id"])
                .order_by(sources_t.c.name, sources_t.c.id).limit(1000))]
    return out


def install(app: FastAPI, store: Store, token: str | None, render: Render, write_lock: threading.Lock) -> None:
    """The /corrections page (always) and, with a token, sign-in, the forms' POST routes and the
    JSON API."""

    def listing() -> dict[str, Any]:
        return {"items": [c.as_dict() for c in list_corrections(store)]}

    @app.get("/corrections.json", tags=["json"], summary="Every correction, newest first")
    def corrections_json() -> dict[str, Any]:
        return listing()

    @app.get("/corrections", include_in_schema=False)
    def corrections_page(request: Request) -> Response:
        return render(request, "corrections.html", listing(), False)

    if not token:
        return

    def run(fn: Callable[[], Any]) -> Any:
        with write_lock:  # one writer per server (Store.writer_lock is per process, not per thread)
            return fn()

    async def apply(kind: str, target: str, value: str | None, who: str, why: str) -> Any:
        return await run_in_threadpool(run, lambda: correct(store, kind, target, value or None, who=who, why=why))

    async def revert(cid: int, who: str) -> Any:
        return await run_in_threadpool(run, lambda: undo(store, cid, who=who))

    def bearer(request: Request) -> None:
        auth = request.headers.get("authorization", "")
        if not secrets.compare_digest(auth.encode(), f"Bearer {token}".encode()):
            raise HTTPException(status_code=401, detail="missing or wrong token")

    def problem(request: Request, status: int, message: str, back: str) -> Response:
        resp = render(request, "problem.html", {"status": status, "message": message, "back": back}, False)
        resp.status_code = status
        return resp

    def browser_post(request: Request) -> str | None:
        """Why a form POST is refused (None when signed in and from this app's own pages)."""
        if request.headers.get("origin") != own_origin(request):
            return "this form must be sent from this app's own pages (Origin header missing or foreign)"
        if not signed_in(request, token):
            return "sign in first (the session has ended or was never opened)"
        return None

    @app.get("/signin", include_in_schema=False)
    def signin_page(request: Request, next: str = "/") -> Response:
        return render(request, "signin.html", {"next": local_path(next), "error": None}, False)

    @app.post("/signin", include_in_schema=False)
    async def signin(request: Request) -> Response:
        form = await form_of(request)
        nxt = local_path(form.get("next"))
        if request.headers.get("origin") != own_origin(request):
            return problem(request, 403, "sign in from this app's own page", "/signin")
        if not secrets.compare_digest(form.get("token", "").encode(), (token or "").encode()):
            resp = render(request, "signin.html", {"next": nxt, "error": "wrong token"}, False)
            resp.status_code = 401
            return resp
        resp = RedirectResponse(nxt, status_code=303)
        resp.set_cookie(SESSION_COOKIE, session_value(token or ""), httponly=True, samesite="strict", path="/")
        name = " ".join(form.get("name", "").split())[:200]
        if name:
            resp.set_cookie(WHO_COOKIE, quote(name, safe=""), httponly=True, samesite="strict", path="/")
        return resp

    @app.post("/signout", include_in_schema=False)
    async def signout(request: Request) -> Response:
        resp = RedirectResponse("/", status_code=303)
        resp.delete_cookie(SESSION_COOKIE, path="/")
        resp.delete_cookie(WHO_COOKIE, path="/")
        return resp

    async def form_post(request: Request, act: Callable[[dict[str, str]], Any]) -> Response:
        """A browser's form POST: refused without a session from this origin, else ``act`` on the
        form, then back to the page it came from (or a page saying why it could not be done)."""
        form = await form_of(request)
        back = local_path(form.get("next"))
        refused = browser_post(request)
        if refused:
            return problem(request, 403, refused, "/signin?next=" + back)
        try:
            await act(form)
        except CorrectionError as exc:
            return problem(request, 422, str(exc), back)
        return RedirectResponse(back, status_code=303)

    @app.post("/corrections", include_in_schema=False)
    async def correct_form(request: Request) -> Response:
        return await form_post(request, lambda form: apply(
            form.get("kind", ""), form.get("target", ""), form.get("value"), who_of(request), form.get("why", "")))

    @app.post("/corrections/{cid}/undo", include_in_schema=False)
    async def undo_form(request: Request, cid: int) -> Response:
        return await form_post(request, lambda form: revert(cid, who_of(request)))

    @app.post("/api/corrections", tags=["write"], status_code=201,
              summary="Make a correction (JSON: kind, target, value, why, who); needs the bearer token")
    async def correct_api(request: Request) -> Any:
        bearer(request)
        try:
            body = await request.json()
        except ValueError:
            raise HTTPException(status_code=400, detail="the body must be a JSON object") from None
        if not isinstance(body, dict) or not all(isinstance(body.get(k, ""), str | type(None))
                                                 for k in ("kind", "target", "value", "why", "who")):
            raise HTTPException(status_code=400, detail="kind, target, value, why and who are strings")
        try:
            c = await apply(body.get("kind") or "", str(body.get("target") or ""), body.get("value"),
                            body.get("who") or "api", body.get("why") or "")
        except CorrectionError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return JSONResponse(c.as_dict(), status_code=201)

    @app.post("/api/corrections/{cid}/undo", tags=["write"], summary="Undo a correction; needs the bearer token")
    async def undo_api(request: Request, cid: int, who: str = "api") -> Any:
        bearer(request)
        try:
            c = await revert(cid, who)
        except CorrectionError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return c.as_dict()


__all__ = ["editor", "foreign_post", "install", "session_value", "signed_in"]
