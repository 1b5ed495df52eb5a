"""The minutes parser on two invented municipal layouts and on the shared corpus minutes."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from archive.importers.errors import ImportFormatError
from archive.importers.minutes import ParsedMinutes, parse_minutes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "minutes"


def parse_fixture(name: str) -> ParsedMinutes:
    return parse_minutes((FIXTURES / name).read_text(encoding="utf-8"))


def test_bokmal_minutes_with_one_label_per_line() -> None:
    # Given Bokmål minutes with "Dato:", "Tid:", "Sted:", "Til stede:" and "PS nn/yy" items,
    minutes = parse_fixture("formannskapet-bokmal.txt")
    # the meeting header is read,
    assert (minutes.body, minutes.organisation) == ("Formannskapet", "Nordby kommune")
    assert minutes.date == date(2024, 3, 12)
    assert (minutes.start_time, minutes.end_time) == (time(10, 0), time(14, 30))
    assert minutes.place == "Rådhuset, møterom Fjellet"
    # participants with party, role and presence,
    by_name = {p.name: p for p in minutes.participants}
    assert (by_name["Kari Nordmann"].party, by_name["Kari Nordmann"].role) == ("Ap", "ordfører")
    assert by_name["Per Strand"].present is False
    assert sum(p.present for p in minutes.participants) == 4
    # and the agenda with proposals and decisions.
    first, second = minutes.agenda_items
    assert (first.number, first.title) == ("12/24", "Godkjenning av protokoll fra forrige møte")
    assert first.proposal == "Protokollen godkjennes."
    assert first.decision == "Protokollen ble enstemmig godkjent."
    assert second.decision is not None and second.decision.endswith("Vedtatt mot 1 stemme (SV).")
    assert minutes.warnings == []
    assert minutes.language == "nb"


def test_nynorsk_minutes_with_semicolon_lists_and_samroystes_vedteke() -> None:
    minutes = parse_fixture("heradsstyret-nynorsk.txt")
    assert minutes.body == "Heradsstyret"
    assert minutes.date == date(2023, 3, 3)
    assert minutes.place == "Kommunehuset, heradsstyresalen"
    assert (minutes.start_time, minutes.end_time) == (time(9, 0), time(15, 0))
    absent = [p.name for p in minutes.participants if not p.present]
    assert absent == ["Lars Moen"]
    assert len(minutes.participants) == 5
    first, second = minutes.agenda_items
    # "Samrøystes vedteke" under a proposal makes the proposal the decision.
    assert first.number == "7/23" and first.unanimous is True
    assert first.decision == "Heradsstyret løyver 200 000 kroner til nytt tak på bygdehuset."
    assert second.decision == "Eirik Lie vert vald som nytt medlem til kontrollutvalet."
    assert minutes.language == "nn"


def test_the_whole_text_is_kept_verbatim() -> None:
    raw = (FIXTURES / "heradsstyret-nynorsk.txt").read_text(encoding="utf-8")
    assert parse_minutes(raw).text == raw


def test_unrecognised_structure_still_yields_minutes_with_warnings() -> None:
    minutes = parse_minutes("Eit notat utan struktur.\nIngen dato, ingen saker.")
    assert minutes.text.startswith("Eit notat")
    assert minutes.agenda_items == [] and minutes.date is None
    assert "no date found" in minutes.warnings and "no agenda items found" in minutes.warnings


@pytest.mark.parametrize("text", ["", " \n ", "\x00\x00\x00"])
def test_empty_or_binary_minutes_are_refused(text: str) -> None:
    with pytest.raises(ImportFormatError):
        parse_minutes(text)


def test_every_corpus_minutes_file_yields_something_sensible(shared_dir: Path) -> None:
    # Given the shared minutes (three of them mangled by a PDF mirror),
    files = sorted((shared_dir / "corpus-dev").glob("minutes-*.txt"))
    if not files:
        pytest.skip("no minutes in corpus-dev")
    for path in files:
        minutes = parse_minutes(path.read_text(encoding="utf-8"))
        print(
            f"{path.stem}: body={minutes.body} date={minutes.date} place={minutes.place} "
            f"time={minutes.start_time}-{minutes.end_time} participants={len(minutes.participants)} "
            f"items={[i.number for i in minutes.agenda_items]} warnings={minutes.warnings}"
        )
        # each yields at least a body, a date or agenda items.
        assert minutes.body or minutes.date or minutes.agenda_items
        assert minutes.source_url and minutes.language in {"nb", "nn"}
