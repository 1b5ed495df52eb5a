"""Dependencies as Annotated aliases: the context, the service, the caller and role guards.

They are `async def` because none of them blocks: FastAPI would otherwise hop to the threadpool
for each one on every request (measurable on the hottest routes, see bench/http.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth import Principal, Role, anonymous
from api.context import WebContext
from api.errors import NotAuthenticated
from archive.exceptions import AccessDenied
from archive.service import ArchiveService

TOKEN_COOKIE = "protokoll_token"


async def get_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web  # set by create_app; Starlette's app.state is untyped
    return context


ContextDep = Annotated[WebContext, Depends(get_context)]


async def get_service(ctx: ContextDep) -> ArchiveService:
    return ctx.service


ServiceDep = Annotated[ArchiveService, Depends(get_service)]


async def get_principal(request: Request, ctx: ContextDep) -> Principal:
    """Anonymous without an Authorization header; a bad or unknown token is 401, never public."""
    header = request.headers.get("authorization")
    if header is None:
        # Browsers cannot send bearer headers without JavaScript: pages accept the token from the
        # login cookie, for reads only (writes need the header, so a cookie can never be forged into a write).
        cookie = request.cookies.get(TOKEN_COOKIE) if request.method in ("GET", "HEAD") else None
        entry = ctx.tokens.lookup(cookie) if cookie else None
        if entry is not None:
            return Principal(entry.role, entry.name, f"token:{entry.sha256[:24]}")
        return anonymous(request.client.host if request.client else None)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("the Authorization header must be 'Bearer <token>'")
    entry = ctx.tokens.lookup(token.strip())
    if entry is None:
        raise NotAuthenticated("unknown or revoked token")
    return Principal(entry.role, entry.name, f"token:{entry.sha256[:24]}")


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_archivist(principal: PrincipalDep, ctx: ContextDep) -> Principal:
    if principal.role is Role.PUBLIC:
        raise NotAuthenticated()
    if not principal.can_write:
        raise AccessDenied("writing needs the archivist role")
    await ctx.write_limiter.acheck(principal.key)
    return principal


ArchivistDep = Annotated[Principal, Depends(require_archivist)]


async def require_auditor(principal: PrincipalDep) -> Principal:
    if principal.role is Role.PUBLIC:
        raise NotAuthenticated()
    if not principal.is_auditor:
        raise AccessDenied("the event log is for auditors")
    return principal


AuditorDep = Annotated[Principal, Depends(require_auditor)]


async def search_principal(principal: PrincipalDep, ctx: ContextDep) -> Principal:
    """The caller of a search, after taking a token from their search bucket."""
    await ctx.search_limiter.acheck(principal.key)
    return principal


SearcherDep = Annotated[Principal, Depends(search_principal)]
