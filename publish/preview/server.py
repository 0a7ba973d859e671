"""The preview's web server: its routes, the guard in front of them, and the event stream.

It answers the author's own browser only.  :class:`Guard` refuses, before any
route sees it, a request whose ``Host`` is not exactly ``127.0.0.1:PORT`` or
``localhost:PORT`` (403: a page elsewhere that rebinds its own name to this
address still sends its own name), one that another site's page made (403, by
``Sec-Fetch-Site``), one whose raw path hides a slash, a backslash, a NUL or a
dot segment in percent-escapes (404), and any query string (400: no route
takes one, so none can steer it).  The routes then serve names, never paths:
a page image by its key, only while the last good build has that page; an
EPUB file only if the archive lists it; an output only by its file name.
Nothing lists a folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import ui
from .epub import read_member
from .state import PreviewState

#: The name of a page image: the page's key (``pages.page_keys``) and a suffix.
PAGE_FILE = re.compile(r"([0-9a-f]{32})\.(png|txt)")
#: Seconds between comments on an idle event stream, so that a dead connection is noticed.
KEEPALIVE = 15.0
#: The page's own: no inline script, nothing from elsewhere, not framed by another site.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src 'self'; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'self'")
#: A chapter of the EPUB: its styles, fonts and images, and no script at all.
CHAPTER_POLICY = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
                  "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-same-origin")
_SUSPECT = re.compile(rb"%(2f|5c|00|2e)|\\|\x00|(^|/)\.\.?(/|$)", re.IGNORECASE)


class Guard:
    """ASGI middleware: refuses what is not the author's own browser asking for the preview,
    and adds the headers that keep other sites from embedding what it serves."""

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.hosts = {f"127.0.0.1:{port}".encode(), f"localhost:{port}".encode()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no websockets; the server runs without lifespan events
            return
        headers = dict(scope["headers"])  # lower-cased names; a repeated Host gives the last
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        raw_path = scope.get("raw_path") or scope["path"].encode()
        if len(hosts) != 1 or hosts[0] not in self.hosts:
            refusal: Response = PlainTextResponse("403: this preview answers its own address only\n", 403)
        elif headers.get(b"sec-fetch-site", b"none") not in (b"none", b"same-origin"):
            refusal = PlainTextResponse("403: not from another site\n", 403)
        elif _SUSPECT.search(raw_path):
            refusal = PlainTextResponse("404: not found\n", 404)
        elif scope.get("query_string"):
            refusal = PlainTextResponse("400: no query strings here\n", 400)
        else:
            await self.app(scope, receive, _with_headers(send))
            return
        await refusal(scope, receive, _with_headers(send))


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message.setdefault("headers", [])
            message["headers"] = [*message["headers"],
                                  (b"x-content-type-options", b"nosniff"),
                                  (b"referrer-policy", b"no-referrer"),
                                  (b"cross-origin-resource-policy", b"same-origin"),
                                  (b"x-frame-options", b"SAMEORIGIN")]
        await send(message)
    return sending


def create_app(state: PreviewState, port: int) -> ASGIApp:
    """The preview's routes, behind the guard."""

    async def index(request: Request) -> Response:
        return Response(ui.PAGE, media_type="text/html; charset=utf-8", headers=_page_headers())

    async def script(request: Request) -> Response:
        return Response(ui.SCRIPT, media_type="text/javascript; charset=utf-8", headers=_page_headers())

    async def style(request: Request) -> Response:
        return Response(ui.STYLE, media_type="text/css; charset=utf-8", headers=_page_headers())

    async def current(request: Request) -> Response:
        return JSONResponse(state.as_json(), headers={"cache-control": "no-store"})

    async def events(request: Request) -> Response:
        return StreamingResponse(_events(state), media_type="text/event-stream",
                                 headers={"cache-control": "no-store"})

    async def page_file(request: Request) -> Response:
        match = PAGE_FILE.fullmatch(request.path_params["name"])
        if match is None or match[1] not in state.ready:
            return _not_found()
        media_type = "image/png" if match[2] == "png" else "text/plain; charset=utf-8"
        # named by a hash of what it shows: the browser may keep it for good
        return FileResponse(os.path.join(state.images, match[0]), media_type=media_type,  # (see state.built)
                            headers={"cache-control": "private, max-age=31536000, immutable"})

    async def epub_file(request: Request) -> Response:
        name = request.path_params["name"]
        epub = state.snapshot.epub
        media_type = state.snapshot.members.get(name)
        if epub is None or media_type is None:
            return _not_found()
        try:
            data = await run_in_threadpool(read_member, epub, name)
        except (OSError, KeyError):  # replaced by a newer build that dropped it
            return _not_found()
        return Response(data, media_type=media_type,
                        headers={"cache-control": "no-cache", "content-security-policy": CHAPTER_POLICY})

    async def download(request: Request) -> Response:
        path = state.download(request.path_params["name"])
        if path is None or not path.is_file():
            return _not_found()
        return FileResponse(path, filename=path.name, headers={"cache-control": "no-cache"})

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)  # browsers ask; the preview has none

    routes = [
        Route("/", index),
        Route("/favicon.ico", no_icon),
        Route("/_/preview.js", script),
        Route("/_/preview.css", style),
        Route("/state", current),
        Route("/events", events),
        Route("/pages/{name}", page_file),
        Route("/epub/{name:path}", epub_file),
        Route("/download/{name}", download),
    ]
    return Guard(Starlette(routes=routes), port)


def _page_headers() -> dict[str, str]:
    return {"cache-control": "no-cache", "content-security-policy": PAGE_POLICY}


def _not_found() -> Response:
    return PlainTextResponse("404: not found\n", 404)


async def _events(state: PreviewState) -> AsyncIterator[str]:
    """One page's event stream: ``hello`` at once, then the state's news, until the server stops."""
    queue = state.subscribe()
    try:
        yield "retry: 1000\n" + _event("hello", {"version": state.snapshot.version})
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), KEEPALIVE)
            except TimeoutError:
                yield ": still here\n\n"
                continue
            if item is None:
                return
            yield _event(*item)
    finally:
        state.unsubscribe(queue)


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"
