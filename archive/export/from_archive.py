"""Feed the Noark 5 writer from the archive's read models, streaming record by record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from archive.export.model import (
    ExportAgendaItem,
    ExportAgreement,
    ExportArchive,
    ExportChange,
    ExportMeeting,
    ExportNews,
    ExportParticipant,
    ExportRecordVersion,
    ExportStatement,
)
from archive.export.noark5.records import record_dates, within
from archive.readmodels.catalog import CatalogFilter
from archive.service import ArchiveService
from archive.values import stored_day, stored_instant

STATUS = {"in_force": "Gjeldende", "terminated": "Avsluttet"}
PAGE = 200


def build_archive(
    service: ArchiveService,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    creator: str = "Protokoll",
) -> ExportArchive:
    """The archive as export input, every record or only those of a period.

    Selection rule for a period: a record is exported when EVERY date the package would state
    for it (its registration and each version's, its document date, meeting date, and every
    later change) lies within [period_from, period_to]; a record that straddles a boundary is
    left out whole, so the package holds no date outside the archival period it states. Note
    that registration dates are when Protokoll recorded a record (an import of old minutes is
    registered on the import day).
    """
    selected: set[str] = set()

    def pick(kind: str, build: Any) -> Iterator[Any]:
        for row in _records(service, kind):
            record = build(row)
            if period_from is None and period_to is None:
                yield record
                continue
            changes = [stored_instant(c["changed_at"]) for c in service.history.changes(row["id"])]
            if all(within(d, period_from, period_to) for d in [*record_dates(record), *changes]):
                selected.add(row["id"])
                yield record

    return ExportArchive(
        name="Protokoll – arkiv over offentlige dokumenter",
        creator=creator,
        system_name="Protokoll 0.1",
        agreements=pick("agreement", lambda r: _agreement(service, r)),
        meetings=pick("meeting", lambda r: _meeting(service, r)),
        news=pick("news", lambda r: _news(service, r)),
        statements=pick("statement", _statement),
        # Consumed after the records (the change log is written after arkivstruktur.xml), when
        # ``selected`` holds every exported record of a period.
        changes=_changes(service, None if period_from is None and period_to is None else selected),
        exported_at=datetime.now(UTC),
        period_from=period_from,
        period_to=period_to,
    )


def _records(service: ArchiveService, kind: str) -> Iterator[dict[str, Any]]:
    page = 1
    while True:
        rows, total = service.catalog.list(CatalogFilter(kind=kind, include_restricted=True, page=page, page_size=PAGE))
        yield from sorted(rows, key=lambda r: r["reference"])
        if page * PAGE >= total:
            return
        page += 1


def _day(text: str | None) -> date | None:
    return stored_day(text) if text else None


def _instant(text: str | None) -> datetime | None:
    """A stored instant in its own offset (a meeting's local day is its moetedato); a day alone is midnight UTC."""
    return stored_instant(text) if text else None


def _versions(service: ArchiveService, record_id: str, body: Any) -> list[ExportRecordVersion]:
    return [
        ExportRecordVersion(
            version=v["version"],
            title=v["content"].get("title") or "",
            text=body(v["content"]),
            recorded_at=stored_instant(v["recorded_at"]),
            recorded_by=v["recorded_by"] or "ukjent",
            event_type=v["event_type"],
            reason=v["reason"],
            valid_from=_day(v["valid_from"]),
            valid_to=_day(v["valid_to"]),
        )
        for v in service.history.versions(record_id)
    ]


def _screening(state: dict[str, Any]) -> dict[str, Any]:
    return {
        "restricted": bool(state.get("restricted")),
        "restriction_basis": state.get("restriction_basis"),
        "public_title": state.get("public_title"),
    }


def _agreement(service: ArchiveService, row: dict[str, Any]) -> ExportAgreement:
    state = row["state"]
    names = []
    for party in state["parties"]:
        org = service.people.organisation(party)
        names.append(org["name"] if org else party)
    return ExportAgreement(
        id=row["id"],
        reference=row["reference"],
        title=state["title"],
        parties=names,
        status=STATUS.get(state["status"], state["status"]),
        created_at=stored_instant(row["created_at"]),
        created_by=row["created_by"] or "ukjent",
        versions=_versions(service, row["id"], lambda c: c.get("text") or ""),
        **_screening(state),
    )


def _meeting(service: ArchiveService, row: dict[str, Any]) -> ExportMeeting:
    state = row["state"]
    return ExportMeeting(
        id=row["id"],
        reference=row["reference"],
        title=state["title"],
        organiser=state.get("organiser_name") or "Ukjent utvalg",
        place=state.get("place"),
        start=_instant(state.get("start")),
        end=_instant(state.get("end")),
        participants=[
            ExportParticipant(p["name"], p.get("role") or "medlem", bool(p["present"])) for p in state["participants"]
        ],
        agenda_items=[ExportAgendaItem(i["number"], i["title"], i.get("decision")) for i in state["agenda"]],
        minutes_text=state.get("minutes"),
        created_at=stored_instant(row["created_at"]),
        created_by=row["created_by"] or "ukjent",
        **_screening(state),
    )


def _news_text(content: dict[str, Any]) -> str:
    parts = [content.get("title") or "", content.get("lede") or "", *content.get("paragraphs", [])]
    return "\n\n".join(p for p in parts if p)


def _news(service: ArchiveService, row: dict[str, Any]) -> ExportNews:
    state = row["state"]
    return ExportNews(
        id=row["id"],
        reference=row["reference"],
        title=state["title"],
        lede=state.get("lede"),
        body=_news_text(state),
        published_at=_day(state.get("published_at")),
        updated_at=_instant(state.get("updated_at")),
        created_at=stored_instant(row["created_at"]),
        created_by=row["created_by"] or "ukjent",
        versions=_versions(service, row["id"], _news_text),
        **_screening(state),
    )


def _statement(row: dict[str, Any]) -> ExportStatement:
    state = row["state"]
    context = state.get("context") or {}
    return ExportStatement(
        id=row["id"],
        reference=row["reference"],
        text=state["text"],
        speaker_name=state.get("speaker_name") or "ukjent",
        speaker_role=state.get("speaker_role"),
        party=state.get("party"),
        organisation=state.get("organisation_name"),
        said_at=_day(state.get("said_at")),
        news_id=context.get("news_id"),
        meeting_id=context.get("meeting_id"),
        created_at=stored_instant(row["created_at"]),
        created_by=row["created_by"] or "ukjent",
        **_screening(state),
    )


def _changes(service: ArchiveService, selected: set[str] | None) -> Iterator[ExportChange]:
    for kind in ("agreement", "meeting", "news", "statement"):
        for row in _records(service, kind):
            if selected is not None and row["id"] not in selected:
                continue
            for change in service.history.changes(row["id"]):
                yield ExportChange(
                    record_id=row["id"],
                    record_reference=row["reference"],
                    field=change["field"],
                    old_value=_text(change["old"]),
                    new_value=_text(change["new"]),
                    changed_by=change["changed_by"] or "ukjent",
                    changed_at=stored_instant(change["changed_at"]),
                    kind=change["kind"],
                    reason=change["reason"],
                    version=change["corrects_version"],
                )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)
