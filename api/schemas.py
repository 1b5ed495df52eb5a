"""Request and response bodies, in families: XCreate (new record), X<Change> (command on an
existing record, always with `expected_version`), XPublic (one), XsPublic {data, count}."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from api.public_shapes import PublicState

# The value types live in api.values; the `as` imports re-export the ones callers still take from
# here (api.searching), as they were defined here before.
from api.values import RECORD_KINDS as RECORD_KINDS
from api.values import Day, Instant, Key, Language, OrganisationKind, RecordId, ShortText, Text, Version, integral
from api.values import QueryDay as QueryDay
from api.values import QueryInstant as QueryInstant
from api.values import QueryKind as QueryKind


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Change(Body):
    expected_version: Version


# Organisations and people -----------------------------------------------------------------


class OrganisationCreate(Body):
    name: ShortText
    organisation_kind: OrganisationKind
    key: Key | None = None
    parent_id: RecordId | None = None


class Rename(Change):
    name: ShortText
    reason: ShortText


class PersonCreate(Body):
    name: ShortText
    party: ShortText | None = None
    key: Key | None = None


class RoleAssignment(Change):
    role: ShortText
    organisation_id: RecordId | None = None
    organisation_name: ShortText | None = None
    valid_from: Day | None = None
    valid_to: Day | None = None


class RoleEnding(Change):
    role: ShortText
    valid_to: Day
    organisation_id: RecordId | None = None


class PartyChange(Change):
    party: ShortText | None
    valid_from: Day | None = None


class AliasCreate(Change):
    name: ShortText


# Agreements ---------------------------------------------------------------------------------


class AgreementCreate(Body):
    title: ShortText
    parties: Annotated[list[ShortText], Field(min_length=1, max_length=200)]
    text: Text
    effective_from: Day
    key: Key | None = None


class AgreementRevision(Change):
    effective_from: Day
    reason: ShortText
    title: ShortText | None = None
    text: Text | None = None
    parties: Annotated[list[ShortText], Field(max_length=200)] | None = None


class AgreementTermination(Change):
    effective_to: Day
    reason: ShortText


class AgreementCorrection(Change):
    corrects_version: Annotated[int, Field(strict=True, ge=1), BeforeValidator(integral)]
    changes: dict[str, Any]
    reason: ShortText


# Screening ----------------------------------------------------------------------------------


class RestrictionCreate(Change):
    legal_basis: ShortText
    public_title: ShortText | None = None
    reason: ShortText | None = None


class Release(Change):
    reason: ShortText


# Meetings -----------------------------------------------------------------------------------


class MeetingCreate(Body):
    title: ShortText
    start: Instant
    end: Instant | None = None
    organiser_id: RecordId | None = None
    organiser_name: ShortText | None = None
    place: ShortText | None = None
    key: Key | None = None


class AgendaItemIn(Body):
    number: Annotated[str, Field(min_length=1, max_length=50)]
    title: ShortText
    proposal: Text | None = None
    decision: Text | None = None


class ParticipantIn(Body):
    name: ShortText
    role: ShortText | None = None
    party: ShortText | None = None
    present: bool = True
    person_id: RecordId | None = None


class MeetingDetails(Change):
    agenda: Annotated[list[AgendaItemIn], Field(max_length=500)] | None = None
    participants: Annotated[list[ParticipantIn], Field(max_length=1000)] | None = None
    minutes: Text | None = None
    news_ids: Annotated[list[RecordId], Field(max_length=200)] | None = None


class ParticipantsCreate(Change):
    participants: Annotated[list[ParticipantIn], Field(min_length=1, max_length=1000)]


class AgendaItemCreate(Change):
    number: Annotated[str, Field(min_length=1, max_length=50)]
    title: ShortText
    proposal: Text | None = None


class DecisionCreate(Change):
    number: Annotated[str, Field(min_length=1, max_length=50)]
    decision: Text


class MinutesCreate(Change):
    text: Text


class MinutesApproval(Change):
    approved_on: Day


class Cancellation(Change):
    reason: ShortText


class MeetingCorrection(Change):
    changes: dict[str, Any] = Field(default_factory=dict)
    decisions: dict[str, Text] | None = None
    reason: ShortText


# Statements ---------------------------------------------------------------------------------


class StatementCreate(Body):
    text: Text
    said_at: Day
    speaker_id: RecordId | None = None
    speaker_name: ShortText | None = None
    speaker_role: ShortText | None = None
    party: ShortText | None = None
    organisation_id: RecordId | None = None
    organisation_name: ShortText | None = None
    context: dict[str, Any] | None = None
    attribution: dict[str, Any] | None = None
    key: Key | None = None


class Correction(Change):
    changes: dict[str, Any]
    reason: ShortText


class Withdrawal(Change):
    reason: ShortText


# News updates -------------------------------------------------------------------------------


class Link(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: ShortText
    url: Annotated[str, Field(max_length=2_000)] | None = None


class CitedDocument(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: ShortText
    source: ShortText | None = None
    text: Text | None = None


class NewsCreate(Body):
    title: ShortText
    paragraphs: Annotated[list[Text], Field(max_length=1000)]
    published_at: Day
    lede: Text | None = None
    kicker: ShortText | None = None
    updated_at: Day | None = None
    organisation_id: RecordId | None = None
    organisation_name: ShortText | None = None
    source_url: Annotated[str, Field(max_length=2_000)] | None = None
    related_links: Annotated[list[Link | ShortText], Field(max_length=200)] | None = None
    cited_documents: Annotated[list[CitedDocument], Field(max_length=200)] | None = None
    statement_ids: Annotated[list[RecordId], Field(max_length=500)] | None = None
    meeting_ids: Annotated[list[RecordId], Field(max_length=200)] | None = None
    subheadings: Annotated[list[ShortText], Field(max_length=200)] | None = None
    captions: Annotated[list[ShortText], Field(max_length=200)] | None = None
    language: Language | None = None
    key: Key | None = None


class NewsUpdate(Change):
    updated_at: Day
    reason: ShortText | None = None
    title: ShortText | None = None
    kicker: ShortText | None = None
    lede: Text | None = None
    paragraphs: Annotated[list[Text], Field(max_length=1000)] | None = None
    related_links: Annotated[list[Link | ShortText], Field(max_length=200)] | None = None
    cited_documents: Annotated[list[CitedDocument], Field(max_length=200)] | None = None
    statement_ids: Annotated[list[RecordId], Field(max_length=500)] | None = None
    subheadings: Annotated[list[ShortText], Field(max_length=200)] | None = None
    captions: Annotated[list[ShortText], Field(max_length=200)] | None = None


class NewsCorrection(Change):
    reason: ShortText
    changes: dict[str, Any] | None = None
    paragraphs: dict[str, Text] | None = None


class Unpublishing(Change):
    reason: ShortText


# Responses ----------------------------------------------------------------------------------


class CommandPublic(BaseModel):
    id: str
    reference: str
    version: int
    position: int | None
    created: bool
    changed: bool
    url: str = Field(description="the record's permalink page")
    api_url: str


class RecordPublic(BaseModel):
    id: str
    reference: str
    kind: str
    title: str | None
    status: str | None
    restricted: bool
    date: str | None
    version: int
    created_at: str
    updated_at: str
    state: PublicState = Field(description="the record's public fields, by kind (api.public_shapes)")
    url: str
    as_of: dict[str, Any] | None = Field(default=None, description="set when ?valid_at= or ?known_at= was given")


class RecordsPublic(BaseModel):
    data: list[RecordPublic]
    count: int
    page: int
    page_size: int


class VersionPublic(BaseModel):
    record_id: str
    version: int
    kind: str
    event_type: str
    revision: int | None
    valid_from: str | None
    valid_to: str | None
    valid_to_recorded_at: str | None
    recorded_at: str
    superseded_at: str | None
    recorded_by: str | None
    reason: str | None
    source: dict[str, Any] | None
    content: PublicState
    position: int


class VersionsPublic(BaseModel):
    data: list[VersionPublic]
    count: int


class DiffOp(BaseModel):
    op: str
    text: str


class FieldDiff(BaseModel):
    field: str
    ops: list[DiffOp]
    html: str


class DiffPublic(BaseModel):
    record_id: str
    reference: str
    from_version: int
    to_version: int
    fields: list[FieldDiff]


class PersonPublic(BaseModel):
    id: str
    reference: str | None
    name: str
    party: str | None
    names: list[str]
    parties: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    restricted: bool
    version: int
    url: str


class PersonStatementPublic(BaseModel):
    statement_id: str
    reference: str | None
    said_at: str | None
    text: str
    role: str | None
    party: str | None
    status: str | None
    restricted: bool
    url: str


class PersonStatementsPublic(BaseModel):
    data: list[PersonStatementPublic]
    count: int


class OrganisationPublic(BaseModel):
    id: str
    reference: str | None
    name: str
    organisation_kind: str | None
    restricted: bool


class EventPublic(BaseModel):
    position: int
    leaf_index: int | None  # position in the ledger's Merkle tree (None until the ledger has it)
    topic: str
    originator_id: str
    originator_version: int
    timestamp: str | None
    state_base64: str
    state_sha256: str


class EventsPublic(BaseModel):
    data: list[EventPublic]
    count: int
    next_after: int | None
    head: int


class ReadModelStatus(BaseModel):
    position: int
    lag: int
    error: str | None


class HealthPublic(BaseModel):
    status: str = Field(description="ok, behind or stopped")
    reason: str = Field(description="why this node is not ready (ok when it is)")
    head: int
    backend: str
    read_models: dict[str, ReadModelStatus]
    stopped: list[dict[str, Any]] = Field(default_factory=list, description="groups stopped: where and why")
    max_lag: int = Field(description="events a read model may be behind before this answers 503")
    search: str


class SearchHit(BaseModel):
    id: str
    reference: str | None = None
    kind: str | None = None
    title: str | None = None
    snippet: str | None = Field(default=None, description="HTML: <mark> highlights, all else escaped")
    date: str | None = None
    score: float | None = None
    url: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


class FacetValue(BaseModel):
    value: str
    count: int


class SearchPublic(BaseModel):
    query: str
    parsed_query: str | None
    data: list[SearchHit]
    count: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]]
    filters: dict[str, Any]
    error: str | None = Field(default=None, description="parts of the query that were refused")
    notes: list[str] = Field(default_factory=list, description="limits that were applied")
    index_position: int = Field(default=0, description="the last log position the search index has processed")
    log_head: int = Field(default=0, description="the last position in the event log")
    stale: bool = Field(default=False, description="true when the index is behind the log or stopped")
    stale_reason: str | None = Field(default=None, description="why the answer may be incomplete")
