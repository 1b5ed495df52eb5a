"""The public shape of every record kind: what the JSON API and the pages' .json twins show.

A record's stored state is the aggregate's own: it also holds the natural/idempotency `key`
(for API writes `idempotency:token:<token hash>:<Idempotency-Key>`), replay internals such as
`revisions[].versions`, and whatever a later version of the domain adds. None of that is public.
These models name, field by field, what is; `public_state` copies exactly those fields (nested
ones too) and nothing else, so a field added to an aggregate stays private until it is added
here on purpose. Auditors read the full state at `GET /api/records/{ref}/state`.

`public_state` copies rather than validates: stored states of older events may lack a field
(it comes back as its default) and must never turn a read into a 500.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field


class Shape(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# Nested parts -----------------------------------------------------------------------------------


class AgreementRevisionShape(Shape):
    """One revision (a new valid-time period) of an agreement, as last corrected."""

    number: int
    title: str | None = None
    text: str | None = None
    parties: list[str] = Field(default_factory=list)
    effective_from: str | None = None
    effective_to: str | None = None


class AgendaItemShape(Shape):
    number: str
    title: str | None = None
    proposal: str | None = None
    decision: str | None = None
    page: int | None = Field(default=None, description="the page of the minutes' PDF the item is treated on")


class NewsBlockShape(Shape):
    """A subheading, caption or cited document and the paragraph index it stands before."""

    kind: str
    at: int
    text: str | None = None
    index: int | None = Field(default=None, description="for kind 'cited': its place in cited_documents")


class ParticipantShape(Shape):
    name: str
    person_id: str | None = None
    role: str | None = None
    party: str | None = None
    present: bool | None = None


class StatementContextShape(Shape):
    """Where the statement was quoted: the news update and its paragraph (0-based)."""

    news_id: str | None = None
    paragraph: int | None = None
    order: int | None = None


class AttributionShape(Shape):
    """How the speaker was attributed (importer method and confidence; flagged for review)."""

    method: str | None = None
    confidence: float | None = None
    flagged: bool | None = None


class LinkShape(Shape):
    title: str | None = None
    url: str | None = None


class CitedDocumentShape(Shape):
    title: str | None = None
    source: str | None = None
    text: str | None = None


class PartyPeriodShape(Shape):
    party: str
    valid_from: str | None = Field(default=None, alias="from")
    valid_to: str | None = Field(default=None, alias="to")


class RoleShape(Shape):
    role: str
    organisation_id: str | None = None
    organisation_name: str | None = None
    valid_from: str | None = Field(default=None, alias="from")
    valid_to: str | None = Field(default=None, alias="to")


# Record kinds -----------------------------------------------------------------------------------


class RecordShape(Shape):
    """What every record shows: identity, citable reference, status and screening."""

    id: str
    reference: str
    version: int
    title: str | None = None
    status: str | None = None
    restricted: bool = False
    restriction_basis: str | None = Field(default=None, description="legal basis of the screening (staff only)")
    public_title: str | None = Field(default=None, description="the title that may be published while screened")


class AgreementState(RecordShape):
    kind: Literal["agreement"]
    text: str | None = None
    parties: list[str] = Field(default_factory=list, description="organisation ids")
    effective_from: str | None = None
    effective_to: str | None = None
    revisions: list[AgreementRevisionShape] = Field(default_factory=list)
    revision: int | None = Field(default=None, description="in a history row: the revision this version shows")


class MeetingState(RecordShape):
    kind: Literal["meeting"]
    organiser_id: str | None = None
    organiser_name: str | None = None
    place: str | None = None
    start: str | None = Field(default=None, description="ISO datetime, or a date when only the day is known")
    end: str | None = None
    agenda: list[AgendaItemShape] = Field(default_factory=list)
    participants: list[ParticipantShape] = Field(default_factory=list)
    minutes: str | None = None
    minutes_approved_on: str | None = None
    news_ids: list[str] = Field(default_factory=list)


class StatementState(RecordShape):
    kind: Literal["statement"]
    text: str | None = None
    said_at: str | None = None
    speaker_id: str | None = None
    speaker_name: str | None = None
    speaker_role: str | None = None
    party: str | None = None
    organisation_id: str | None = None
    organisation_name: str | None = None
    context: StatementContextShape | None = None
    attribution: AttributionShape | None = None


class NewsState(RecordShape):
    kind: Literal["news"]
    kicker: str | None = None
    lede: str | None = None
    paragraphs: list[str] = Field(default_factory=list)
    subheadings: list[str] = Field(default_factory=list)
    captions: list[str] = Field(default_factory=list)
    blocks: list[NewsBlockShape] = Field(default_factory=list)
    published_at: str | None = None
    updated_at: str | None = None
    date_source: str | None = Field(default=None, description="where the publication date came from")
    organisation_id: str | None = None
    organisation_name: str | None = None
    source_url: str | None = None
    language: str | None = None
    related_links: list[LinkShape | str] = Field(default_factory=list)
    cited_documents: list[CitedDocumentShape] = Field(default_factory=list)
    statement_ids: list[str] = Field(default_factory=list)
    meeting_ids: list[str] = Field(default_factory=list)


class PersonState(RecordShape):
    kind: Literal["person"]
    name: str | None = None
    names: list[str] = Field(default_factory=list)
    party: str | None = None
    parties: list[PartyPeriodShape] = Field(default_factory=list)
    roles: list[RoleShape] = Field(default_factory=list)


class OrganisationState(RecordShape):
    kind: Literal["organisation"]
    name: str | None = None
    organisation_kind: str | None = None
    parent_id: str | None = None


STATES: dict[str, type[RecordShape]] = {
    "agreement": AgreementState,
    "meeting": MeetingState,
    "statement": StatementState,
    "news": NewsState,
    "person": PersonState,
    "organisation": OrganisationState,
}

PublicState = Annotated[
    AgreementState | MeetingState | StatementState | NewsState | PersonState | OrganisationState,
    Field(discriminator="kind"),
]


# Copying --------------------------------------------------------------------------------------


def public_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """The public fields of a stored record state (or a history row's content), by its kind."""
    model = STATES.get(str(state.get("kind")))
    if model is None:
        # A kind without a public shape shows its identity only.
        return {name: state.get(name) for name in ("id", "reference", "kind", "version", "title", "status")}
    return _copy(model, state)


def _copy(model: type[Shape], value: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, nested, default in _plan(model):
        item = value.get(key, None)
        if item is None:
            out[key] = default() if default is list else default
        elif nested is None:
            out[key] = item
        elif isinstance(item, list):
            out[key] = [_copy(nested, v) if isinstance(v, Mapping) else v for v in item]
        else:
            out[key] = _copy(nested, item) if isinstance(item, Mapping) else None
    return out


@cache
def _plan(model: type[Shape]) -> tuple[tuple[str, type[Shape] | None, Any], ...]:
    """Per field: its key in the stored state (the alias), the nested model if any, its default."""
    plan = []
    for name, info in model.model_fields.items():
        # Defaults are None or an empty list (`list`, made fresh per copy); required fields
        # missing from an old stored state come back as None rather than failing the read.
        default: Any = list if info.default_factory is list else (None if info.is_required() else info.default)
        plan.append((info.alias or name, _nested(info.annotation), default))
    return tuple(plan)


def _nested(annotation: Any) -> type[Shape] | None:
    if isinstance(annotation, type) and issubclass(annotation, Shape):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _nested(arg)
            if found is not None:
                return found
    return None


class RecordStateAudit(BaseModel):
    """An auditor's view of a record: the catalog row and the aggregate's full stored state."""

    id: str
    reference: str
    kind: str
    title: str | None
    status: str | None
    restricted: bool
    visibility: str = Field(description="archive.visibility's mark: public, screened, withdrawn or unpublished")
    date: str | None
    version: int
    created_at: str
    updated_at: str
    created_by: str | None
    state: dict[str, Any] = Field(description="everything the aggregate holds, internal keys included")
    url: str
