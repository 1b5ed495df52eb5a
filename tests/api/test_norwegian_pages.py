"""Pages speak Norwegian (issue 13): field and event names, errors, attribution, feeds, the
message catalogue; and a record asked for as of a date says which version it is."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.formatting import event_label, field_label, number, percent, topic_label
from tests.api.conftest import Scenario
from tests.api.records import load_records
from tests.conftest import REPO

ATOM = "{http://www.w3.org/2005/Atom}"


class _Text(HTMLParser):
    """What a reader sees: text outside tags, scripts and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).replace("\xa0", " ").split())


def test_diff_and_change_log_name_fields_in_norwegian(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    # The archivist's revision changed the text and the date the agreement applies from.
    page = scenario.client.get(f"/r/{loaded.agreement['reference']}/timeline", params={"from": 1, "to": 2}).text
    text = visible(page)
    assert "Tekst" in text and "Gjelder fra" in text
    # Neither the diff headings nor the change log show the stored field names.
    assert not re.search(r"\b(text|effective_from)\b", text)
    assert "Registrert av" in text and "Revidert" in text


def test_event_log_names_events_and_links_references(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    page = scenario.client.get("/events", headers=scenario.auditor).text
    text = visible(page)
    # Events read as Norwegian names, records as references, never topics or UUIDs.
    assert "Referansenummer tildelt" in text and "Avtale: Revidert" in text
    assert "archive.domain" not in text and loaded.agreement["id"] not in text
    assert f'href="/r/{loaded.agreement["reference"]}"' in page


def test_error_pages_are_norwegian_and_the_401_page_links_to_login(scenario: Scenario) -> None:
    load_records(scenario)
    # The event log without a token: a Norwegian sentence and a way to log in.
    refused = scenario.client.get("/events")
    assert refused.status_code == 401
    assert "Du må logge inn" in visible(refused.text) and 'href="/login"' in refused.text
    assert "bearer token" not in refused.text
    # An unknown reference.
    missing = scenario.client.get("/r/2016/9999")
    assert missing.status_code == 404 and "Fant ingen post 2016/9999" in visible(missing.text)
    # A known-at instant before the archive knew the record: no "None", no English.
    early = scenario.client.get("/r/2016/0001", params={"known_at": "2000-01-01T00:00:00+01:00"})
    assert early.status_code == 404
    assert "None" not in early.text and "known at" not in early.text and "Arkivet kjente ingen versjon" in early.text
    # The JSON API keeps its English, machine-readable message.
    api = scenario.client.get("/api/records/2016/9999")
    assert api.status_code == 404 and "no record" in api.json()["error"]["message"]


def test_statement_attribution_in_norwegian_with_percent(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    scenario.client.cookies.clear()
    text = visible(scenario.client.get(f"/r/{loaded.statement['reference']}").text)
    assert "sikkerhet 90 %" in text and "0.9" not in text


def test_labels_numbers_and_topics() -> None:
    # Fields, events and topics as people read them; numbers with a decimal comma.
    assert field_label("effective_from") == "Gjelder fra" and field_label("text") == "Tekst"
    assert event_label("Corrected") == "Rettet" and event_label("archive.domain:Agreement.Revised") == "Revidert"
    assert topic_label("archive.domain:ReferenceCounter.Issued") == "Referansenummer tildelt"
    assert topic_label("archive.domain:Meeting.AgendaItemAdded") == "Møte: Sak lagt til"
    assert number(1234.5).replace("\xa0", " ") == "1 234,5" and percent(0.9).replace("\xa0", " ") == "90 %"


def test_timeline_feed_has_valid_ids_summaries_norwegian_titles_and_order(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    feed = ET.fromstring(scenario.client.get(f"/r/{loaded.agreement['reference']}/timeline.atom").content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["Versjon 2: Revidert", "Versjon 1: Registrert"]
    for entry in entries:
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry.findtext(f"{ATOM}id") or "")
        assert (entry.findtext(f"{ATOM}summary") or "").strip()
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_records_and_statement_feeds_keep_ellipsis_and_ids(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    feed = ET.fromstring(scenario.client.get("/records.atom").content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries and all((e.findtext(f"{ATOM}id") or "").startswith("urn:uuid:") for e in entries)
    assert all((e.findtext(f"{ATOM}summary") or "").strip() for e in entries)
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True)
    # A person's statements feed: a long quote is cut with "…", never silently.
    person_feed = ET.fromstring(scenario.client.get(f"/r/{loaded.person['reference']}/statements.atom").content)
    title = person_feed.find(f"{ATOM}entry/{ATOM}title")
    assert title is not None and title.text is not None and title.text.endswith("…»")


def test_record_as_of_a_date_describes_the_version_it_returns(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    ref = loaded.agreement["reference"]
    # Version 1 applied in mid 2015; the record's current version is 2.
    old = scenario.client.get(f"/api/records/{ref}", params={"valid_at": "2015-06-01"}).json()
    assert old["state"]["version"] == 1 and old["as_of"]["version"] == 1
    assert old["version"] == 1 and old["date"] == "2015-01-01"
    now = scenario.client.get(f"/api/records/{ref}").json()
    assert now["version"] == 2 and now["date"] == "2016-02-10"


def test_date_inputs_are_typed_the_norwegian_way(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    for path in (f"/r/{loaded.agreement['reference']}", "/search?q=samarbeid"):
        page = scenario.client.get(path).text
        assert 'type="date"' not in page and 'placeholder="åååå-mm-dd"' in page


def test_every_ui_string_has_a_norwegian_translation() -> None:
    # Extract what the code and templates mark for translation, as pybabel does.
    method_map = [("api/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = {str(m[2]) for m in extract_from_dir(str(REPO), method_map, options_map=options)
             if isinstance(m[2], str)}
    assert len(found) > 200
    with Path(REPO / "locale" / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {str(m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    assert sorted(found - translated) == []


def test_meeting_known_only_by_its_day_shows_no_clock_time(scenario: Scenario) -> None:
    load_records(scenario)
    # A meeting whose source gives only the day, recorded as the minutes importer does (the
    # JSON API itself asks for an instant).
    meeting = scenario.service.archive.schedule_meeting(title="Regionrådet i Dalregionen", start="2016-03-09",
                                                        recorded_by="importer", place="Dalby")
    scenario.service.catch_up()
    text = visible(scenario.client.get(f"/r/{meeting.reference}").text)
    assert "9. mars 2016" in text and "kl." not in text
