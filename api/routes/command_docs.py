"""What the OpenAPI document says a write route answers: one declaration shared by every writing router."""

from __future__ import annotations

from typing import Any

from api import schemas

# FastAPI's `responses=` takes status code -> OpenAPI response object; the model documents CommandPublic's shape.
COMMAND_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": schemas.CommandPublic},
    201: {"model": schemas.CommandPublic},
}
# Routes that only ever change an existing record (never create one) answer 200 alone.
UPDATE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"model": schemas.CommandPublic}}
