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
        # each yields at least a body, a date or agenda items.
        assert minutes.body or minutes.date or minutes.agenda_items, f"{path.stem}: warnings {minutes.warnings}"
        assert minutes.source_url and minutes.language in {"nb", "nn"}


# --- More layouts: flattened tables, PS/RS/Sak numbering, decision labels ---------------------


def test_fylkesting_protocol_with_flattened_tables_and_votering() -> None:
    # Given "MØTEPROTOKOLL" with "Utvalg:", "Møtested:", "Tidspunkt: 09:00 – 15:30", tables
    # "Navn Funksjon Representerer", a "Møtte for" deputy table and PS/RS items,
    minutes = parse_fixture("fylkesting-moteprotokoll-table.txt")
    assert (minutes.body, minutes.organisation) == ("Fylkestinget", "Nordfjell fylkeskommune")
    assert (minutes.date, minutes.place) == (date(2016, 10, 25), "Fylkeshuset, fylkestingssalen")
    assert (minutes.start_time, minutes.end_time) == (time(9, 0), time(15, 30))
    # every table row becomes one participant; the deputy is split from whom they replaced,
    people = [(p.name, p.role, p.party, p.present) for p in minutes.participants]
    assert people == [
        ("Anne Berg", "fylkesordfører", "Sp", True),
        ("Jon Eik", "medlem", "H", True),
        ("Sigrid Holm", "nestleder", "Ap", True),
        ("Per Kvam", "medlem", "FrP", True),
        ("Lise Moen", "medlem", "KrF", False),
        ("Ola Nes", "varamedlem", "KrF", True),
        ("Tore Hansen", "fylkesrådmann", None, True),
    ]
    # the proposal stops at "Votering:", the decision follows "Fylkestingets vedtak:",
    # and the referatsak keeps its own "RS" series.
    items = {i.number: i for i in minutes.agenda_items}
    assert list(items) == ["12/16", "13/16", "RS 4/16"]
    assert items["12/16"].proposal == "Innkalling og saksliste godkjennes."
    assert items["12/16"].unanimous is True
    assert items["13/16"].proposal == items["13/16"].decision == (
        "Fylkestinget vedtar regional plan for kollektivtrafikk 2017–2028."
    )
    assert items["RS 4/16"].title == "Referatsaker"
    assert minutes.warnings == []


def test_nynorsk_regionrad_with_frammotte_and_samroystes_vedteke() -> None:
    # Given "Frammøtte:" listed as "Name, Kommune", "Sak 47/14", "Framlegg til vedtak:"
    # and a decision that only reads "Samrøystes vedteke.",
    minutes = parse_fixture("regionrad-nynorsk-sak.txt")
    assert (minutes.body, minutes.date, minutes.place) == ("Regionrådet", date(2014, 10, 17), "Rådhuset i Ørsta")
    people = [(p.name, p.organisation, p.present) for p in minutes.participants]
    assert people == [
        ("Per Olav Grønvik", "Volda", True),
        ("Eirik Fure", "Ørsta", True),
        ("Marit Sande", "Hareid", True),
        ("Jon Kleiven", "Ulstein", False),
    ]
    first, second = minutes.agenda_items
    # the adopted proposal is the decision, and "Vedtak i Regionrådet:" is a decision label.
    assert (first.number, first.title) == ("47/14", "Samferdselsstrategi for regionen")
    assert first.decision == "Regionrådet sluttar seg til samferdselsstrategien." and first.unanimous
    assert second.decision == "Regionrådet rår fylkeskommunen til å halde fram med dagens rutemodell."
    assert minutes.language == "nn"


def test_saksprotokoll_with_radmannens_innstilling_and_vedtak_i_utvalget() -> None:
    # Given "Saksprotokoll i Fylkesutvalget - 27.11.2018" with "Møtedato: … kl. 10:00",
    minutes = parse_fixture("kommunestyre-saksprotokoll.txt")
    assert (minutes.body, minutes.date, minutes.start_time) == ("Fylkesutvalget", date(2018, 11, 27), time(10, 0))
    assert [p.name for p in minutes.participants] == ["Marianne Chesak", "Kari Nessa Nordtun", "Henrik Halleland"]
    budget, festivals = minutes.agenda_items
    # the proposal stops before "Behandling i møtet:" and the decision follows "Vedtak i Fylkesutvalget:",
    assert budget.proposal == budget.decision == (
        "Fylkesutvalget tilrår fylkestinget å vedta budsjett for 2019 slik det er lagt fram."
    )
    # and "Enstemmig vedtatt." under a proposal adopts it.
    assert festivals.decision == festivals.proposal and festivals.unanimous is True


def test_nynorsk_kommunestyre_protocol_with_tables_and_role_before_name() -> None:
    minutes = parse_fixture("kommunestyre-nynorsk-moteprotokoll.txt")
    assert (minutes.body, minutes.date) == ("Kommunestyret", date(2012 + 1, 12, 12))
    assert (minutes.start_time, minutes.end_time) == (time(18, 0), time(21, 45))
    people = [(p.name, p.role, p.party, p.present) for p in minutes.participants]
    assert people == [
        ("Eva Tveito", "ordførar", "Sp", True),
        ("Kjell Olav Næss", "varaordførar", "Ap", True),
        ("Hanne Lie", "medlem", "H", True),
        ("Odd Dahl", "medlem", "Sp", True),
        ("Randi Aas", "medlem", "Ap", False),
        ("Liv Haug", "varamedlem", "Ap", True),
        ("Geir Bakken", "rådmann", None, True),
    ]
    budget, judges = minutes.agenda_items
    assert budget.decision == (
        "Kommunestyret vedtek budsjett for 2014 og økonomiplan for 2014–2017 slik det ligg føre."
    )
    assert budget.proposal == budget.decision
    assert judges.unanimous is True and judges.decision == judges.proposal
    assert minutes.warnings == []


def test_case_numbers_lost_by_a_pdf_mirror_are_restored_only_when_the_sequence_proves_them() -> None:
    # Given a sakliste where a mirror dropped the digits of some case numbers ("… /19 Felles …"),
    minutes = parse_fixture("sakliste-with-lost-case-numbers.txt")
    # the two cases between 042/19 and 045/19 get 043/19 and 044/19 (the gap holds exactly two),
    assert [(i.number, i.title) for i in minutes.agenda_items] == [
        ("041/19", "Godkjenning av innkalling og saksliste"),
        ("042/19", "Budsjett for regionrådet"),
        ("043/19", "Felles planstrategi"),
        ("044/19", "Samferdselsprioriteringar"),
        ("045/19", "Møteplan for neste år"),
    ]
    # while the case after the last printed number is not guessed, and both losses are reported.
    assert any("after 042/19" in w and "numbered by sequence" in w for w in minutes.warnings)
    assert any("after 045/19" in w and "not imported" in w for w in minutes.warnings)


def test_board_minutes_of_a_regional_alliance_with_role_name_and_municipality_lines() -> None:
    # Given "REFERAT FRA STYREMØTE I <ALLIANCE>", "Styreleder Name, X kommune" lines and "Sak 6/07",
    minutes = parse_fixture("styremote-referat-alliance.txt")
    # the board and its organisation come from the title, not from a member's municipality,
    assert (minutes.body, minutes.organisation) == ("Styret", "Samarbeidsalliansen Osloregionen")
    assert (minutes.date, minutes.start_time, minutes.end_time) == (date(2007, 3, 20), time(9, 0), time(12, 0))
    # each member has role and municipality apart from the name,
    rows = [(p.name, p.role, p.organisation, p.present) for p in minutes.participants]
    assert rows == [
        ("Frode Stangeland", "styreleder", "Oslo kommune", True),
        ("Anders Dølvik", "nestleder", "Akershus fylkeskommune", True),
        ("Hans Sæther", "ordfører", "Ski kommune", True),
        ("Rolf Lillegård", "ordfører", "Hurdal kommune", True),
        ("Terje Haugland", "ordfører", "Bærum kommune", False),
    ]
    # and "Som forslag til vedtak. Enstemmig." adopts the proposal.
    case = next(i for i in minutes.agenda_items if i.number == "6/07")
    assert (
        case.decision == case.proposal == "Styret slutter seg til forslaget til planstrategi og sender det på høring."
    )
    assert case.unanimous is True


def test_regional_council_minutes_with_prefixed_case_numbers_and_deputies() -> None:
    # Given "Romsdal regionråd", "Møtende varamedlemmer:" and "RR-sak 45/14" items,
    minutes = parse_fixture("regionrad-rr-sak-protokoll.txt")
    # the council is the organisation and the meeting body,
    assert (minutes.body, minutes.organisation) == ("Regionrådet", "Romsdal regionråd")
    # deputies who attended are present, as varamedlem,
    by_name = {p.name: p for p in minutes.participants}
    assert (by_name["Kari Sandvik"].role, by_name["Kari Sandvik"].present) == ("varamedlem", True)
    assert (by_name["Torstein Dal"].role, by_name["Torstein Dal"].organisation) == ("leder", "Molde kommune")
    assert by_name["Arild Sandø"].present is False
    # and prefixed case numbers are agenda items.
    assert [(i.number, i.title) for i in minutes.agenda_items] == [
        ("45/14", "Samferdselsprioriteringer i Romsdal"),
        ("46/14", "Budsjett 2015"),
    ]
    assert minutes.warnings == []


def test_case_system_minutes_with_folgende_medlemmer_motte_tables() -> None:
    # Given "Følgende faste medlemmer møtte:" tables, deputies "Møtte for", an admin "Navn Stilling"
    # table and decisions headed "Kommunestyrets vedtak",
    minutes = parse_fixture("kommunestyre-folgende-medlemmer-motte.txt")
    rows = [(p.name, p.role, p.party, p.present) for p in minutes.participants]
    # every table is read, the deputy as varamedlem and the absent member as absent,
    assert rows == [
        ("Ingrid Moe", "ordfører", "AP", True),
        ("Per Berg", "varaordfører", "SP", True),
        ("Lise Strand", "medlem", "H", True),
        ("Ola Haug", "medlem", "FRP", False),
        ("Geir Nilsen", "varamedlem", "FRP", True),
        ("Eva Lund", "rådmann", None, True),
    ]
    # and each case gets the decision under "Kommunestyrets vedtak".
    decisions = {i.number: i.decision for i in minutes.agenda_items}
    assert decisions == {"28/13": "Protokollen godkjennes.", "29/13": "Årsregnskapet for 2012 godkjennes."}
    assert (minutes.body, minutes.organisation, minutes.date) == (
        "Kommunestyret",
        "Gratangen kommune",
        date(2013, 6, 19),
    )
    assert minutes.warnings == []


def test_nynorsk_council_minutes_with_role_name_municipality_and_a_role_in_brackets() -> None:
    # Given "Ordførar Name, Lindås (leiar)" lines and "Forfall: Ordførar Name, Fedje",
    minutes = parse_fixture("regionradet-nynorsk-moetebok.txt")
    rows = [(p.name, p.role, p.organisation, p.present) for p in minutes.participants]
    # the bracketed role wins over the title, and the municipality is kept apart,
    assert rows[0] == ("Ove Brekke", "leiar", "Lindås", True)
    assert rows[-1] == ("Knut Hovde", "ordførar", "Fedje", False)
    assert (minutes.body, minutes.organisation) == ("Regionrådet", "Regionrådet Nordhordland")
    # and "Samrøystes vedteke" under a proposal makes it the decision.
    first = minutes.agenda_items[0]
    assert first.decision == first.proposal and first.unanimous is True


def test_bokmal_header_line_wrapped_titles_and_no_items_from_references_or_signatures() -> None:
    # Given "Møteprotokoll Kommunestyret 14.06.2022 kl. 18:00 Rådhuset, …" as the only header,
    # case titles wrapped over two lines, cross references ("etter sak 43/22", "jf. sak 12/22",
    # "Sak 40/22 ble tatt opp") and a signature block with "Rett utskrift … sak 41/22–43/22",
    minutes = parse_fixture("header-line-and-wrapped-titles-bokmal.txt")
    # the header line gives body, date, start time and place,
    assert (minutes.body, minutes.date, minutes.start_time) == ("Kommunestyret", date(2022, 6, 14), time(18, 0))
    assert minutes.place == "Rådhuset, kommunestyresalen"
    # the agenda is the three cases, titles whole, none made from a reference or signature,
    assert [(i.number, i.title) for i in minutes.agenda_items] == [
        ("41/22", "Reguleringsplan for Moen boligfelt, detaljregulering - andre gangs behandling"),
        ("42/22", "Godkjenning av protokoll fra møtet 10. mai"),
        ("43/22", "Budsjettjustering for tekniske tjenester 2022"),
    ]
    # and the number present is the one stated.
    assert minutes.present_count == 25


def test_nynorsk_labels_on_their_own_lines_staff_and_an_underskrifter_block() -> None:
    # Given a web protocol printing each label and value on lines of their own ("Utval:",
    # blank line, "Heradsstyret i Fjellbygd"), members and the administration listed apart,
    # a title wrapped after "etter", a "handsame sak 093/21 etter sak 091/21" decision and
    # an "Underskrifter" block citing "sjå sak 092/21 og 093/21",
    minutes = parse_fixture("labels-on-own-lines-and-signatures-nynorsk.txt")
    # the header is read from the lines after the labels,
    assert (minutes.body, minutes.place) == ("Heradsstyret i Fjellbygd", "Heradshuset, møtesalen")
    assert (minutes.date, minutes.start_time, minutes.end_time) == (date(2021, 11, 3), time(9, 30), time(15, 10))
    # the agenda has the three cases with whole titles,
    assert [(i.number, i.title) for i in minutes.agenda_items] == [
        ("091/21", "Godkjenning av møtebok"),
        ("092/21", "Val av medlem til kontrollutvalet etter at Per Dale har flytta frå kommunen"),
        ("093/21", "Høyring om ny regional plan for vassforvaltning"),
    ]
    # the decision stops before the signature block,
    assert minutes.agenda_items[0].decision == "Møteboka vert godkjend."
    # and the five members are counted present, not the kommunedirektør and the secretary.
    assert minutes.present_count == 5
