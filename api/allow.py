"""A truthful `Allow` header on 405 answers.

Starlette answers 405 with the methods of the *first* route whose path matched. Routes with a
`{ref:path}` parameter match more than they mean: `/api/records/{ref:path}` (GET) also matches
`/api/records/X/release`, so `OPTIONS /api/records/X/release` said `Allow: GET` although that URL is
for POST. Here the header lists the methods of the most specific routes matching the path (those
with the most literal characters in their template), across every router.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PARAM = re.compile(r"{[^}]*}")


@dataclass(frozen=True)
class Template:
    regex: re.Pattern[str]
    literal: int  # characters outside parameters: more is more specific
    methods: frozenset[str]


def templates(routes: Sequence[BaseRoute]) -> list[Template]:
    """Every route with methods, flattened across included routers, with its full path."""
    found = []
    for context in iter_route_contexts(routes):
        path, methods = context.path, context.methods
        if path and methods:
            regex, _format, _convertors = compile_path(path)
            found.append(Template(regex, len(_PARAM.sub("", path)), frozenset(methods)))
    return found


def allowed_methods(found: Sequence[Template], path: str) -> list[str]:
    """Methods of the most specific templates matching `path` (empty if none)."""
    best = -1
    methods: set[str] = set()
    for template in found:
        if not template.regex.match(path):
            continue
        if template.literal > best:
            best, methods = template.literal, set(template.methods)
        elif template.literal == best:
            methods |= template.methods
    return sorted(methods)


class AllowHeader:
    """Rewrites the `Allow` header of every 405 answer from `allowed_methods`."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes  # the app's live route list: read at the first 405, when every router is in
        self._templates: list[Template] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                if self._templates is None:
                    self._templates = templates(self.routes)
                methods = allowed_methods(self._templates, scope["path"])
                if methods:
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                    headers.append((b"allow", ", ".join(methods).encode()))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_allow)
