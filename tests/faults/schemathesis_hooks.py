"""Schemathesis hooks for tests/faults/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

An Idempotency-Key names one intended write: the same key with another body is refused with 422
(as the IETF Idempotency-Key draft says), which JSON Schema cannot express. Generated positive
cases therefore get a fresh key each; negative cases keep theirs, so malformed keys are still tried.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    meta = getattr(case, "meta", None)
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex


@schemathesis.check
def schema_valid_values_pass_request_validation(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request may break a rule of the archive that JSON Schema cannot state (a meeting
    ending before it starts, a party that is not registered, a correction of a record that is not
    restricted): that 422 comes from the domain and has no `details`. A 422 *with* details comes from
    request validation, i.e. the schema let through a value the server's own types refuse: a lie."""
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    if error.get("details"):
        raise AssertionError(f"schema-valid request failed request validation: {error.get('message')}")
    return None
