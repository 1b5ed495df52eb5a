"""Bring parsed texts into the archive: one file, one unit of work, all or nothing.

Each file becomes records through the archive's own commands inside
`Archive.unit_of_work()`, so a file that fails half way saves nothing. Natural keys make a
second import of the same file a no-op; a changed article becomes an `Updated` event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from archive.application import CommandResult
from archive.domain import natural_id
from archive.exceptions import ArchiveError
from archive.importers.errors import ImportFormatError
from archive.importers.jsonl import import_jsonl
from archive.importers.minutes import ParsedMinutes, parse_minutes
from archive.importers.news import ParsedArticle, parse_news
from archive.importers.registry import Registry
from archive.importers.text import decode_source
from archive.service import ArchiveService

MAX_FILE_BYTES = 10 * 1024 * 1024
SUFFIXES = {".txt", ".text", ".md", ".jsonl"}
MINUTES_MARKERS = (
    "møteprotokoll", "møtebok", "møtereferat", "protokoll fra", "saksliste", "sakliste",
    "til stede", "til stades", "forfall", "møtestad", "møtested", "møtedato", "frammøtte", "møtt:",
    "forslag til vedtak", "framlegg til vedtak",
)
# Case headings ("Sak 208/18", "PS 12/16"): two of them are one more sign of minutes.
_CASE_HEADING = re.compile(r"(?m)^\s*(?:[a-zæøå]{1,4}-)?(?:sak|ps|rs|styresak)\s*\d{1,3}/\d{2,4}\b")


@dataclass
class FileReport:
    """What happened to one file: for `protokoll import --json`, one object per file."""

    file: str
    status: str  # created | updated | unchanged | failed
    kind: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files to import: given files as they are, directories searched for text files."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            out.append(path)
    return out


def import_file(
    service: ArchiveService, path: Path, *, source_url: str | None = None, recorded_by: str = "importer"
) -> FileReport:
    """Import one file; a bad file is reported (file, line, reason) and nothing of it is saved."""
    report = FileReport(file=str(path), status="failed")
    try:
        data = _read(path)
        if path.suffix.lower() == ".jsonl":
            report.kind = "jsonl"
            import_jsonl(service, data, report, recorded_by=recorded_by)
        else:
            text = decode_source(data)
            source = {"uri": source_url or path.name, "sha256": hashlib.sha256(data).hexdigest()}
            if _looks_like_minutes(text):
                report.kind = "minutes"
                _import_minutes(service, parse_minutes(text), source, report, recorded_by)
            else:
                report.kind = "news"
                _import_news(service, parse_news(text), source, source_url, report, recorded_by)
    except ImportFormatError as exc:
        report.status, report.error, report.line = "failed", exc.message, exc.line
    except ArchiveError as exc:
        report.status, report.error = "failed", str(exc)
    except OSError as exc:
        report.status, report.error = "failed", f"cannot read file: {exc.strerror or exc}"
    return report


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFormatError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    if size == 0:
        raise ImportFormatError("file is empty", 1)
    return path.read_bytes()


def _looks_like_minutes(text: str) -> bool:
    head = text[:3000].casefold()
    signs = sum(marker in head for marker in MINUTES_MARKERS) + (len(_CASE_HEADING.findall(head)) >= 2)
    return signs >= 2 or head.lstrip().startswith(
        ("møteprotokoll", "møtebok", "møtereferat")
    )


def _import_news(
    service: ArchiveService,
    article: ParsedArticle,
    source: dict[str, str],
    source_url: str | None,
    report: FileReport,
    recorded_by: str,
) -> None:
    app = service.archive
    report.warnings += article.warnings
    title = article.title or _fallback_title(article)
    if title is None:
        raise ImportFormatError("no title and no text to take one from", 1)
    if article.published_at is None:
        raise ImportFormatError("no publication date found (e.g. 'Publisert 11. februar 2016')")
    url = source_url or article.source_url
    key = url or f"{title}|{article.published_at.isoformat()}"
    published = article.published_at.isoformat()
    said_at = published  # the day the words were published; the article rarely dates them closer
    registry = Registry(service, recorded_by=recorded_by, source=source)
    with app.unit_of_work() as uow:
        publisher = registry.publisher(article)
        statement_ids = []
        for index, st in enumerate(article.statements):
            speaker = registry.speaker(st.speaker_name, st.party, st.role, st.organisation, said_at)
            result = app.record_statement(
                key=f"{key}#statement:{hashlib.sha256(st.text.encode()).hexdigest()[:16]}",
                text=st.text,
                said_at=said_at,
                speaker_id=speaker.person_id if speaker else None,
                speaker_name=speaker.name if speaker else None,
                speaker_role=st.role,
                party=st.party,
                organisation_id=speaker.organisation_id if speaker else None,
                organisation_name=st.organisation,
                context={"news_id": _news_id(key), "paragraph": st.paragraph_index, "order": index},
                attribution={"method": st.method, "confidence": st.confidence, "flagged": st.flagged},
                recorded_by=recorded_by,
                source=source,
            )
            statement_ids.append(result.id)
            report.statements.append(
                {
                    "id": result.id,
                    "reference": result.reference,
                    "text": st.text,
                    "speaker": speaker.name if speaker else None,
                    "party": st.party,
                    "role": st.role,
                    "confidence": st.confidence,
                    "method": st.method,
                    "flagged": st.flagged,
                }
            )
        fields = {
            "title": title,
            "kicker": article.kicker,
            "lede": article.lede,
            "paragraphs": article.paragraphs,
            "related_links": [{"title": t} for t in article.related_links],
            "cited_documents": [{"title": d.title, "source": d.source, "text": d.text} for d in article.cited_documents],
            "statement_ids": statement_ids,
            "subheadings": article.subheadings,
            "captions": article.captions,
        }
        existing = app.record_state_or_none(_news_id(key))
        if existing is None:
            news = app.publish_news(
                key=key,
                published_at=published,
                updated_at=article.updated_at.isoformat() if article.updated_at else None,
                organisation_id=publisher.organisation_id if publisher else None,
                organisation_name=publisher.name if publisher else None,
                source_url=url,
                language=article.language,
                recorded_by=recorded_by,
                source=source,
                **fields,
            )
            report.status = "created"
        else:
            changed = {k: v for k, v in fields.items() if existing.get(k) != v}
            new_date = article.updated_at.isoformat() if article.updated_at else None
            if not changed and new_date == existing.get("updated_at"):
                news = _unchanged(existing)
                report.status = "unchanged"
            else:
                news = app.update_news(
                    existing["id"],
                    expected_version=existing["version"],
                    updated_at=new_date or existing.get("updated_at") or existing["published_at"],
                    reason="Artikkelen er oppdatert hos utgiver",
                    recorded_by=recorded_by,
                    source=source,
                    **changed,
                )
                report.status = "updated"
        report.records.append({"kind": "news", "id": news.id, "reference": news.reference, "version": news.version})
        if article.meeting is not None and article.meeting.date is not None:
            meeting = app.schedule_meeting(
                key=f"{key}#meeting",
                title=f"Møte på {article.meeting.place}" if article.meeting.place else "Møte omtalt i nyhet",
                start=article.meeting.date.isoformat(),
                place=", ".join(p for p in (article.meeting.place, article.meeting.municipality) if p) or None,
                organiser_id=publisher.organisation_id if publisher else None,
                organiser_name=article.meeting.organiser,
                recorded_by=recorded_by,
                source=source,
            )
            if meeting.created:
                app.record_meeting_details(meeting.id, expected_version=meeting.version, news_ids=[news.id], recorded_by=recorded_by, source=source)
            report.records.append({"kind": "meeting", "id": meeting.id, "reference": meeting.reference})
        report.records += registry.created
    service.wait(uow.position)


def _unchanged(state: dict[str, Any]) -> CommandResult:
    return CommandResult(state["id"], state["reference"], state["version"], None, False, False)


def _news_id(key: str) -> str:
    return str(natural_id("news", key))


def _fallback_title(article: ParsedArticle) -> str | None:
    text = article.lede or (article.paragraphs[0] if article.paragraphs else None)
    if not text:
        return None
    first = text.strip().lstrip("-–— ").split(". ")[0]
    return first[:117] + "…" if len(first) > 120 else first


def _import_minutes(
    service: ArchiveService, minutes: ParsedMinutes, source: dict[str, str], report: FileReport, recorded_by: str
) -> None:
    app = service.archive
    report.warnings += minutes.warnings
    body = minutes.body or "Ukjent utvalg"
    start: str | None = None
    end: str | None = None
    if minutes.date is None:
        # Kept rather than refused: an undated meeting is still a record (archivists write "udatert").
        report.warnings.append("meeting date not found in the minutes: archived as undated")
    else:
        day = minutes.date.isoformat()
        start = (_local_instant(day, minutes.start_time) if minutes.start_time else None) or day
        end = _local_instant(day, minutes.end_time) if minutes.end_time else None
    registry = Registry(service, recorded_by=recorded_by, source=source)
    with app.unit_of_work() as uow:
        organiser = registry.organisation(minutes.organisation) if minutes.organisation else None
        meeting = app.schedule_meeting(
            key=f"minutes:{source['sha256']}",
            title=f"{body} {minutes.date.isoformat()}" if minutes.date else f"{body} (udatert)",
            start=start,
            end=end if end and start and end > start else None,
            place=minutes.place,
            organiser_id=organiser.organisation_id if organiser else None,
            organiser_name=minutes.organisation or body,
            recorded_by=recorded_by,
            source=source,
        )
        if meeting.created:
            # The parser gives each case number and each name once (the domain refuses repeats).
            agenda = [
                {"number": i.number, "title": i.title or "(uten tittel)", "proposal": i.proposal, "decision": i.decision}
                for i in minutes.agenda_items
            ]
            people = [
                {"name": p.name, "role": p.role, "party": p.party, "present": p.present} for p in minutes.participants
            ]
            app.record_meeting_details(
                meeting.id,
                expected_version=meeting.version,
                agenda=agenda,
                participants=people,
                minutes=minutes.text,
                recorded_by=recorded_by,
                source=source,
            )
            report.status = "created"
        else:
            report.status = "unchanged"
        report.records.append({"kind": "meeting", "id": meeting.id, "reference": meeting.reference})
    service.wait(uow.position)


def _local_instant(day: str, clock: str) -> str | None:
    """A wall-clock time in Norway on a day, as an ISO instant with its offset."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        hour, minute = (int(x) for x in clock.replace(".", ":").split(":")[:2])
        return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=ZoneInfo("Europe/Oslo")).isoformat()
    except (ValueError, TypeError):
        return None


def summarise(reports: Iterable[FileReport]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in reports:
        counts[r.status] = counts.get(r.status, 0) + 1
    return counts
