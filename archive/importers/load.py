"""Bring parsed texts into the archive: one file, one unit of work, all or nothing.

Each file becomes records through the archive's own commands inside
`Archive.unit_of_work()`, so a file that fails half way saves nothing. Natural keys make a
second import of the same file a no-op; a changed article becomes an `Updated` event.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from archive.application import CommandResult
from archive.domain import natural_id, nfc
from archive.exceptions import ArchiveError
from archive.importers.dates import url_date
from archive.importers.discover import discover
from archive.importers.errors import ImportFormatError
from archive.importers.jsonl import import_jsonl
from archive.importers.minutes import ParsedMinutes, parse_minutes
from archive.importers.news import ParsedArticle, parse_news
from archive.importers.registry import Registry
from archive.importers.source import (
    DATE_FROM_METADATA,
    DATE_FROM_OPERATOR,
    DATE_FROM_TEXT,
    DATE_FROM_URL,
    SourceDocument,
    read_source,
)
from archive.service import ArchiveService

MAX_FILE_BYTES = 10 * 1024 * 1024
KINDS = ("news", "minutes", "agreement")
OSLO = ZoneInfo("Europe/Oslo")
MINUTES_MARKERS = (
    "møteprotokoll", "møtebok", "møtereferat", "protokoll fra", "saksliste", "sakliste",
    "til stede", "til stades", "forfall", "møtestad", "møtested", "møtedato", "frammøtte", "møtt:",
    "forslag til vedtak", "framlegg til vedtak",
)
# Case headings ("Sak 208/18", "PS 12/16"): two of them are one more sign of minutes.
_CASE_HEADING = re.compile(r"(?m)^\s*(?:[a-zæøå]{1,4}-)?(?:sak|ps|rs|styresak)\s*\d{1,3}/\d{2,4}\b")
# Organisations an agreement is between, as Norwegian public bodies name themselves.
_ORGANISATION = re.compile(
    r"\b(?:[A-ZÆØÅ][\w'’-]+ ){1,3}(?:fylkeskommune|kommune|regionråd|interkommunale selskap|IKS)\b"
)
# A speaker found only as the archive's one holder of a role is less sure than a name in the text.
ROLE_REGISTRY_CONFIDENCE = 0.7
_LAYOUT_FIELDS = frozenset({"blocks", "meeting_ids"})
_DATE_WORDS = {
    DATE_FROM_TEXT: "from the text's date line",
    DATE_FROM_METADATA: "from the page's metadata",
    DATE_FROM_URL: "from the web address",
    DATE_FROM_OPERATOR: "given with --published-at",
}


@dataclass(frozen=True)
class ImportOptions:
    """What the archivist says about the files, overriding what detection finds."""

    published_at: date | None = None
    source_url: str | None = None
    language: str | None = None  # "nb" | "nn"
    kind: str | None = None  # "news" | "minutes" | "agreement"
    parties: tuple[str, ...] = ()  # for agreements: organisation names
    recorded_by: str = "importer"


@dataclass
class FileReport:
    """What happened to one file: for `protokoll import --json`, one object per file."""

    file: str
    status: str  # created | updated | unchanged | failed | skipped
    kind: str | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    news: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    line: int | None = None
    reason: str | None = None  # why a file was skipped

    @property
    def outcome(self) -> str:
        """The status an archivist reads: a record kept with something to check says so."""
        if self.status in ("created", "updated") and self.warnings:
            return "archived with warnings"
        return self.status

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if v not in (None, [])}
        out["outcome"] = self.outcome
        return out


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files to import (documents only; see `archive.importers.discover` for what is skipped)."""
    return [c.path for c in discover(paths) if c.skip is None]


def import_file(
    service: ArchiveService,
    path: Path,
    *,
    source_url: str | None = None,
    recorded_by: str = "importer",
    options: ImportOptions | None = None,
) -> FileReport:
    """Import one file; a bad file is reported (file, line, reason) and nothing of it is saved."""
    opts = options or ImportOptions(source_url=source_url, recorded_by=recorded_by)
    report = FileReport(file=str(path), status="failed")
    try:
        data = _read(path)
        if path.suffix.lower() == ".jsonl" and opts.kind is None:
            report.kind = "jsonl"
            import_jsonl(service, data, report, recorded_by=opts.recorded_by)
            return report
        doc = _document(data, path.name)
        report.warnings += doc.warnings
        source = {"uri": opts.source_url or path.name, "sha256": doc.sha256}
        url = opts.source_url or doc.url
        if url and url != source["uri"]:
            source["url"] = url
        kind = opts.kind or ("minutes" if _looks_like_minutes(doc.text) else "news")
        report.kind = kind
        if kind == "minutes":
            _import_minutes(service, doc, _tidy_minutes(parse_minutes(doc.text)), opts, source, report)
        elif kind == "agreement":
            _import_agreement(service, doc, opts, source, report)
        else:
            _import_news(service, doc, parse_news(doc.text), opts, source, report)
    except ImportFormatError as exc:
        report.status, report.error, report.line = "failed", exc.message, exc.line
    except ArchiveError as exc:
        report.status, report.error = "failed", str(exc)
    except OSError as exc:
        report.status, report.error = "failed", f"cannot read file: {exc.strerror or exc}"
    return report


def skipped(path: Path, reason: str) -> FileReport:
    """The report of a file found in a folder that is not a document."""
    return FileReport(file=str(path), status="skipped", reason=reason)


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportFormatError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    if size == 0:
        raise ImportFormatError("file is empty", 1)
    return path.read_bytes()


def _document(data: bytes, name: str) -> SourceDocument:
    """The file as a SourceDocument; an extractor that is not installed is a clear failure."""
    try:
        return read_source(data, name)
    except ImportFormatError:
        raise
    except ModuleNotFoundError as exc:
        raise ImportFormatError(f"cannot read this kind of file here: {exc.name} is not installed") from None
    except Exception as exc:  # a third-party extractor's own error: the file is not readable
        raise ImportFormatError(f"unreadable document: {exc}") from None


def _looks_like_minutes(text: str) -> bool:
    head = text[:3000].casefold()
    signs = sum(marker in head for marker in MINUTES_MARKERS) + (len(_CASE_HEADING.findall(head)) >= 2)
    return signs >= 2 or head.lstrip().startswith(
        ("møteprotokoll", "møtebok", "møtereferat")
    )


def _import_news(
    service: ArchiveService,
    doc: SourceDocument,
    article: ParsedArticle,
    opts: ImportOptions,
    source: dict[str, str],
    report: FileReport,
) -> None:
    app = service.archive
    recorded_by = opts.recorded_by
    # The parser's "no publication date" is replaced by what the evidence below says.
    report.warnings += [w for w in article.warnings if w != "no publication date"]
    title = one_line(article.title or doc.title or _fallback_title(article))
    if title is None:
        raise ImportFormatError("no title and no text to take one from", 1)
    url = opts.source_url or doc.url or article.source_url
    published, date_source = _publication_date(article, doc, opts, url)
    if published is None:
        report.warnings.append("no publication date found: archived with the date unknown")
    elif date_source is not None and date_source != DATE_FROM_TEXT:  # a date always comes with its source
        report.warnings.append(f"publication date {published.isoformat()} {_DATE_WORDS[date_source]}")
    updated = article.updated_at or doc.updated
    language = opts.language or doc.language or article.language
    published_iso = published.isoformat() if published else None
    # An undated article without an address is told apart from others of its title by its text.
    key = url or f"{title}|{published_iso or 'udatert:' + doc.sha256[:16]}"
    said_at = published_iso  # the day the words were published; the article rarely dates them closer
    registry = Registry(service, recorded_by=recorded_by, source=source)
    with app.unit_of_work() as uow:
        publisher = registry.publisher(article)
        statement_ids = []
        for index, parsed in enumerate(article.statements):
            st = replace(
                parsed, speaker_name=one_line(parsed.speaker_name), party=one_line(parsed.party),
                role=one_line(parsed.role), organisation=one_line(parsed.organisation),
            )  # fmt: skip
            speaker = registry.speaker(st.speaker_name, st.party, st.role, st.organisation, said_at)
            if speaker is None and st.method == "role" and st.role:
                # "sier fylkesordføreren", named nowhere in the article: the one person the
                # archive knows in that role on that day, if there is exactly one.
                speaker = registry.role_holder(st.role, publisher.organisation_id if publisher else None, said_at)
                if speaker is not None:
                    st = replace(st, method="role-registry", confidence=ROLE_REGISTRY_CONFIDENCE, flagged=False)
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
                    "organisation": st.organisation,
                    "confidence": st.confidence,
                    "method": st.method,
                    "flagged": st.flagged,
                }
            )
        # The news record's fields, shared by publish_news and update_news as keyword arguments.
        fields: dict[str, Any] = {
            "title": title,
            "kicker": one_line(article.kicker),
            "lede": article.lede,
            "paragraphs": article.paragraphs,
            "related_links": [{"title": t} for t in article.related_links],
            "cited_documents": [
                {"title": d.title, "source": d.source, "text": d.text} for d in article.cited_documents
            ],
            "statement_ids": statement_ids,
            "subheadings": article.subheadings,
            "captions": article.captions,
            "blocks": article.blocks,
        }
        # The meeting the article reports is linked both ways: its id is known from its key
        # before it is scheduled below, so the news record names it from its first version.
        reported = article.meeting if article.meeting is not None and article.meeting.date is not None else None
        meeting_key = f"{key}#meeting"
        if reported is not None:
            fields["meeting_ids"] = [str(natural_id("meeting", nfc(meeting_key).strip()))]
        existing = app.record_state_or_none(_news_id(key))
        if existing is None:
            news = app.publish_news(
                key=key,
                published_at=published_iso,
                updated_at=updated.isoformat() if updated else None,
                date_source=date_source,
                organisation_id=publisher.organisation_id if publisher else None,
                organisation_name=publisher.name if publisher else None,
                source_url=url,
                language=language,
                recorded_by=recorded_by,
                source=source,
                **fields,
            )
            report.status = "created"
        else:
            changed = {k: v for k, v in fields.items() if existing.get(k) != v}
            new_date = updated.isoformat() if updated else None
            # Places of subheadings and the meeting link, which records imported before they
            # were kept lack, ride along with a real change but are not one by themselves.
            if not set(changed) - _LAYOUT_FIELDS and (new_date is None or new_date == existing.get("updated_at")):
                news = _unchanged(existing)
                report.status = "unchanged"
            else:
                news = app.update_news(
                    existing["id"],
                    expected_version=existing["version"],
                    # No new "oppdatert" date: the new version's valid time is unknown, not today.
                    updated_at=new_date if new_date != existing.get("updated_at") else None,
                    reason="Artikkelen er oppdatert hos utgiver",
                    recorded_by=recorded_by,
                    source=source,
                    **changed,
                )
                report.status = "updated"
        report.records.append({"kind": "news", "id": news.id, "reference": news.reference, "version": news.version})
        report.news = {
            "title": title,
            "published_at": published_iso,
            "date_source": date_source if published else None,
            "updated_at": updated.isoformat() if updated else None,
            "language": language,
            "source_url": url,
            "meeting_ids": fields.get("meeting_ids", []),
        }
        if reported is not None and reported.date is not None:
            meeting = app.schedule_meeting(
                key=meeting_key,
                title=one_line(f"Møte på {reported.place}" if reported.place else "Møte omtalt i nyhet") or "",
                start=reported.date.isoformat(),
                place=one_line(", ".join(p for p in (reported.place, reported.municipality) if p)),
                organiser_id=publisher.organisation_id if publisher else None,
                organiser_name=one_line(reported.organiser),
                recorded_by=recorded_by,
                source=source,
            )
            if news.id not in (app.record_state(meeting.id).get("news_ids") or []):
                app.record_meeting_details(
                    meeting.id,
                    expected_version=meeting.version,
                    news_ids=[news.id],
                    recorded_by=recorded_by,
                    source=source,
                )
            report.records.append({"kind": "meeting", "id": meeting.id, "reference": meeting.reference})
        report.records += registry.created
    service.wait(uow.position)


def _publication_date(
    article: ParsedArticle, doc: SourceDocument, opts: ImportOptions, url: str | None
) -> tuple[date | None, str | None]:
    """The best evidence of the publication date and where it came from; never an invented one.

    The archivist's word first, then the article's own date line, then the page's metadata,
    then a whole date in the web address.
    """
    if opts.published_at is not None:
        return opts.published_at, DATE_FROM_OPERATOR
    if article.published_at is not None:
        return article.published_at, DATE_FROM_TEXT
    if doc.published is not None:
        return doc.published, doc.published_from or DATE_FROM_METADATA
    from_url = url_date(url)
    if from_url is not None:
        return from_url, DATE_FROM_URL
    return None, None


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
    service: ArchiveService,
    doc: SourceDocument,
    minutes: ParsedMinutes,
    opts: ImportOptions,
    source: dict[str, str],
    report: FileReport,
) -> None:
    app = service.archive
    recorded_by = opts.recorded_by
    report.warnings += minutes.warnings
    body = minutes.body or "Ukjent utvalg"
    day_known = opts.published_at or minutes.date
    if opts.published_at is not None and opts.published_at != minutes.date:
        report.warnings.append(f"meeting date {opts.published_at.isoformat()} given with --published-at")
    start: str | None = None
    end: str | None = None
    if day_known is None:
        # Kept rather than refused: an undated meeting is still a record (archivists write "udatert").
        report.warnings.append("meeting date not found in the minutes: archived as undated")
    else:
        # A meeting known only by its day keeps just the date: no invented time of day.
        start = _local_instant(day_known, minutes.start_time) if minutes.start_time else day_known.isoformat()
        end = _local_instant(day_known, minutes.end_time) if minutes.end_time else None
    registry = Registry(service, recorded_by=recorded_by, source=source)
    with app.unit_of_work() as uow:
        organiser = registry.organisation(minutes.organisation) if minutes.organisation else None
        meeting = app.schedule_meeting(
            key=f"minutes:{source['sha256']}",
            title=f"{body} {day_known.isoformat()}" if day_known else f"{body} (udatert)",
            start=start,
            end=end if end and start and end > start else None,
            place=minutes.place,
            organiser_id=organiser.organisation_id if organiser else None,
            organiser_name=minutes.organisation or body,
            recorded_by=recorded_by,
            source=source,
        )
        # A PDF's pages are known: each item keeps the page it is treated on ("s. 3").
        pages = _agenda_pages(doc, [i.number for i in minutes.agenda_items])
        agenda = [
            {"number": i.number, "title": i.title or "(uten tittel)", "proposal": i.proposal, "decision": i.decision,
             "page": pages.get(i.number)}
            for i in minutes.agenda_items
        ]  # fmt: skip
        people = [
            {"name": p.name, "role": p.role, "party": p.party, "present": p.present} for p in minutes.participants
        ]
        if meeting.created:
            # The parser gives each case number and each name once (the domain refuses repeats).
            # Recording the minutes marks the meeting as held.
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
    report.meetings.append(_meeting_summary(app.record_state(meeting.id), minutes.body, minutes.present_count))


def one_line(value: str | None) -> str | None:
    """A short field (a name, body, place, role, title) as one line: runs of whitespace,
    line breaks included, become one space. A parser pattern that ran across a line break
    ("Regionrådet\nMøtested") must never put a newline into a name."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def _tidy_minutes(minutes: ParsedMinutes) -> ParsedMinutes:
    """Every short field of parsed minutes on one line; texts (proposals, decisions) as they are."""
    return replace(
        minutes,
        body=one_line(minutes.body),
        organisation=one_line(minutes.organisation),
        place=one_line(minutes.place),
        participants=[
            replace(p, name=one_line(p.name) or p.name, role=one_line(p.role), party=one_line(p.party),
                    organisation=one_line(p.organisation))
            for p in minutes.participants
        ],
        agenda_items=[replace(i, number=one_line(i.number) or i.number, title=one_line(i.title))
                      for i in minutes.agenda_items],
    )  # fmt: skip


def _agenda_pages(doc: SourceDocument, numbers: list[str]) -> dict[str, int]:
    if not doc.pages:
        return {}
    from archive.importers.pdf import agenda_pages  # only a PDF has pages (and needs pdfplumber)

    return agenda_pages(doc, numbers)


def _meeting_summary(state: dict[str, Any], body: str | None, present_count: int | None) -> dict[str, Any]:
    """What the archive now holds about a meeting (read back from the record, not the parser).

    `body` (the utval) is the part of the stored title before the date. The number present is
    the parser's `present_count`: the number the minutes state ("Til stede: 33 representanter")
    or else the members listed as present — never the administration, secretaries or guests,
    who are recorded as participants too.
    """
    start = state.get("start")
    clock = start[11:16] if start and len(start) > 10 else None  # stored with its Oslo offset
    people = state.get("participants") or []
    return {
        "id": state["id"],
        "reference": state["reference"],
        "title": state.get("title"),
        "body": body,
        "organiser": state.get("organiser_name"),
        "date": start[:10] if start else None,
        "start_time": clock,
        "start": start,
        "end": state.get("end"),
        "status": state.get("status"),
        "place": state.get("place"),
        "agenda_items": [
            {"number": i["number"], "title": i["title"], **({"page": i["page"]} if i.get("page") else {})}
            for i in state.get("agenda") or []
        ],
        "present_count": present_count,
        "participants": len(people),
    }


def _import_agreement(
    service: ArchiveService, doc: SourceDocument, opts: ImportOptions, source: dict[str, str], report: FileReport
) -> None:
    """A text taken as an agreement: title the first line, text the rest, in force from a given day."""
    app = service.archive
    lines = doc.text.strip().split("\n", 1)
    title = lines[0].strip()
    text = lines[1].strip() if len(lines) > 1 else ""
    if not text:
        raise ImportFormatError("an agreement needs a title line and its text after it", 1)
    # An agreement's valid time starts the day it takes effect: that is never guessed.
    effective = opts.published_at or doc.published
    if effective is None:
        raise ImportFormatError("an agreement needs the day it takes effect: give --published-at YYYY-MM-DD")
    names = list(opts.parties) or list(dict.fromkeys(m.group(0) for m in _ORGANISATION.finditer(doc.text)))
    if not names:
        raise ImportFormatError("no parties found in the agreement: name them with --party")
    registry = Registry(service, recorded_by=opts.recorded_by, source=source)
    with app.unit_of_work() as uow:
        parties = [
            org.organisation_id for name in names
            if (org := registry.organisation(name)) is not None and org.organisation_id is not None
        ]
        key = opts.source_url or doc.url or f"agreement:{doc.sha256}"
        existing = app.record_state_or_none(str(natural_id("agreement", key)))
        if existing is None:
            result = app.register_agreement(
                key=key, title=title, parties=parties, text=text, effective_from=effective.isoformat(),
                recorded_by=opts.recorded_by, source=source,
            )  # fmt: skip
            report.status = "created"
        else:
            result = _unchanged(existing)
            report.status = "unchanged"
        report.records.append({"kind": "agreement", "id": result.id, "reference": result.reference})
        report.records += registry.created
    service.wait(uow.position)


def _local_instant(day: date, clock: time) -> str:
    """A wall-clock time in Norway on a day, as an ISO instant with its offset (+01:00/+02:00)."""
    return datetime.combine(day, clock.replace(tzinfo=None)).replace(tzinfo=OSLO).isoformat()


def summarise(reports: Iterable[FileReport]) -> dict[str, int]:
    """How many files ended in each status, and how many of the archived ones have warnings."""
    counts: dict[str, int] = {}
    for r in reports:
        counts[r.status] = counts.get(r.status, 0) + 1
        if r.outcome == "archived with warnings":
            counts["with_warnings"] = counts.get("with_warnings", 0) + 1
    return counts
