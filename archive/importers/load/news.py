"""A parsed news article into the archive: its statements and speakers, the news record, a reported meeting.

A changed article becomes a new version (`update_news`); the publication date is the best
evidence found, with where it came from, never an invented one.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from typing import Any

from archive.domain import natural_id, nfc
from archive.importers.dates import url_date
from archive.importers.errors import ImportFormatError
from archive.importers.load.report import FileReport, ImportOptions, one_line, unchanged_result
from archive.importers.news import ParsedArticle
from archive.importers.registry import Registry
from archive.importers.source import (
    DATE_FROM_METADATA,
    DATE_FROM_OPERATOR,
    DATE_FROM_TEXT,
    DATE_FROM_URL,
    SourceDocument,
)
from archive.service import ArchiveService

# A speaker found only as the archive's one holder of a role is less sure than a name in the text.
ROLE_REGISTRY_CONFIDENCE = 0.7
_LAYOUT_FIELDS = frozenset({"blocks", "meeting_ids"})
_DATE_WORDS = {
    DATE_FROM_TEXT: "from the text's date line",
    DATE_FROM_METADATA: "from the page's metadata",
    DATE_FROM_URL: "from the web address",
    DATE_FROM_OPERATOR: "given with --published-at",
}


def import_news(
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
                news = unchanged_result(existing)
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


def _news_id(key: str) -> str:
    return str(natural_id("news", key))


def _fallback_title(article: ParsedArticle) -> str | None:
    text = article.lede or (article.paragraphs[0] if article.paragraphs else None)
    if not text:
        return None
    first = text.strip().lstrip("-–— ").split(". ")[0]
    return first[:117] + "…" if len(first) > 120 else first
