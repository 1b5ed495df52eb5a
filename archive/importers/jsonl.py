"""JSON Lines records: bulk loads and moving records between archives.

One JSON object per line, with `"kind"` naming the command and the other keys its fields
(the same names as the archive's commands and the API):

    {"kind": "organisation", "name": "Buskerud fylkeskommune", "organisation_kind": "fylkeskommune"}
    {"kind": "person", "name": "Kari Nordmann", "party": "Sp"}
    {"kind": "agreement", "key": "PA-2016-1", "title": "...", "parties": ["<org id>"], "text": "...",
     "effective_from": "2016-01-01"}
    {"kind": "meeting", "key": "...", "title": "...", "start": "2016-02-10T10:00:00+01:00", "place": "...",
     "agenda": [{"number": "12/16", "title": "...", "decision": "..."}],
     "participants": [{"name": "...", "present": true}], "minutes": "..."}
    {"kind": "statement", "key": "...", "text": "...", "said_at": "2016-02-11", "speaker_name": "...", "party": "Ap"}
    {"kind": "news", "key": "https://...", "title": "...", "paragraphs": ["..."], "published_at": "2016-02-11"}

`key` is the natural key (the same key twice is a no-op). Organisation and person names
in `parties`, `organiser_name` or `speaker_name` may be given instead of ids with
`"parties_by_name": [...]`. The whole file is one unit of work: a bad line saves nothing.
"""

from __future__ import annotations

from typing import Any

import orjson

from archive.exceptions import ArchiveError
from archive.importers.errors import ImportFormatError

KINDS = ("organisation", "person", "agreement", "meeting", "statement", "news")
MEETING_DETAILS = ("agenda", "participants", "minutes")


def import_jsonl(service: Any, data: bytes, report: Any, *, recorded_by: str) -> None:
    app = service.archive
    lines = data.splitlines()
    created = 0
    with app.unit_of_work() as uow:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                item = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise ImportFormatError(f"not valid JSON: {exc}", number) from None
            if not isinstance(item, dict) or item.get("kind") not in KINDS:
                raise ImportFormatError(f"each line needs \"kind\": one of {', '.join(KINDS)}", number)
            try:
                result = _apply(app, dict(item), recorded_by)
            except ArchiveError as exc:
                raise ImportFormatError(str(exc), number) from None
            except TypeError as exc:
                raise ImportFormatError(f"unexpected or missing field: {exc}", number) from None
            created += int(result.created)
            report.records.append(
                {"kind": item["kind"], "id": result.id, "reference": result.reference, "created": result.created}
            )
    report.status = "created" if created else "unchanged"
    service.wait(uow.position)


def _apply(app: Any, item: dict[str, Any], recorded_by: str) -> Any:
    kind = item.pop("kind")
    item.setdefault("recorded_by", recorded_by)
    if "parties_by_name" in item:
        names = item.pop("parties_by_name")
        item["parties"] = [
            app.register_organisation(name=n, organisation_kind="annen", recorded_by=item["recorded_by"]).id
            for n in names
        ]
    if kind == "organisation":
        return app.register_organisation(**item)
    if kind == "person":
        return app.register_person(**item)
    if kind == "agreement":
        return app.register_agreement(**item)
    if kind == "statement":
        return app.record_statement(**item)
    if kind == "news":
        return app.publish_news(**item)
    details = {k: item.pop(k) for k in MEETING_DETAILS if k in item}
    result = app.schedule_meeting(**item)
    if result.created and details:
        app.record_meeting_details(
            result.id, expected_version=result.version, recorded_by=item["recorded_by"], **details
        )
    return result
