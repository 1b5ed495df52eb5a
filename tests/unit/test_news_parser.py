"""The news parser: structure, dates and who said what, on invented articles and the seed."""

from __future__ import annotations

from datetime import date

import pytest

from archive.importers.attribution import ParsedPerson, same_person
from archive.importers.errors import ImportFormatError
from archive.importers.news import ParsedArticle, parse_news
from archive.importers.text import decode_source
from tests.news_fixtures import parse_fixture


def said(article: ParsedArticle) -> list[tuple[str | None, str]]:
    return [(s.speaker_name, s.text) for s in article.statements]


# --- The seed article -----------------------------------------------------------------------


def test_the_seed_article_comes_out_exactly(seed_text: str) -> None:
    # Given the seed article, when it is parsed,
    article = parse_news(seed_text)
    # then title, kicker and dates are read,
    assert article.title == "Fylkeskommunen styrker samarbeidet med kommuneregionene ytterligere"
    assert article.kicker == "Utvikling av hele fylket"
    assert (article.published_at, article.updated_at) == (date(2016, 2, 11), date(2016, 9, 27))
    assert article.language == "nb"
    # and six statements are found: five by Ryberg, one by Hansen, texts verbatim.
    speakers = [s.speaker_name for s in article.statements]
    assert speakers == ["Roger Ryberg"] * 5 + ["Kjell B. Hansen"]
    assert all(s.text in seed_text and not s.flagged for s in article.statements)
    assert article.statements[4].text == (
        "Vi skal være mer aktive, ikke bare være en lyttepost, men bruke arenaen som kommuneregionenen er"
    )
    ryberg = article.statements[0]
    assert (ryberg.party, ryberg.role) == ("Ap", "fylkesordfører")
    hansen = article.statements[5]
    assert (hansen.role, hansen.organisation) == ("ordfører i Ringerike kommune", "Ringerike kommune")
    # The "Les også" line is a link, not a statement; the «…» paragraph is a cited document.
    assert article.related_links == ["Nå skal vi finne løsninger sammen"]
    assert [(d.title, d.source) for d in article.cited_documents] == [("Regional planstrategi", "Veileder")]
    assert "Tett dialog med kommunene" in article.subheadings
    assert article.captions[0] == "Kjell B. Hansen"
    # The meeting at Klækken on the Wednesday before publication.
    meeting = article.meeting
    assert meeting is not None
    assert (meeting.date, meeting.place, meeting.municipality) == (date(2016, 2, 10), "Klækken", "Ringerike")
    assert meeting.organiser == "Buskerud fylkeskommune"


def test_statement_paragraph_indexes_point_at_the_quoted_paragraph(seed_text: str) -> None:
    article = parse_news(seed_text)
    for statement in article.statements:
        assert statement.text in article.paragraphs[statement.paragraph_index]


def test_the_seed_parses_the_same_with_its_header_stripped_or_added(seed_text: str) -> None:
    # Given the same article with a corpus-style header,
    with_header = (
        "source: https://example.org/sak/1\nlicence: NLOD (public-sector page)\nlanguage: nb\n---\n" + seed_text
    )
    article = parse_news(with_header)
    # the header gives the source URL and does not change what is found.
    assert article.source_url == "https://example.org/sak/1"
    assert said(article) == said(parse_news(seed_text))


# --- Attribution rules on invented articles ---------------------------------------------------


def test_nynorsk_verbs_and_dashes_without_spaces_are_attributed() -> None:
    # Given a Nynorsk article with "–No …, seier Solstad", "—Det …, fortel fylkesordføraren",
    # "legg ho til" and "meiner Lid",
    article = parse_fixture("nynorsk-verbs-and-dashes.txt")
    # then every quote is attributed, by surname, role word, pronoun and surname again.
    assert [s.speaker_name for s in article.statements] == ["Ingrid Solstad"] * 3 + ["Per Arne Lid"]
    assert [s.method for s in article.statements] == ["surname", "role", "pronoun", "surname"]
    assert article.statements[0].text == "No kan pendlarane endeleg rekne med at ferja kjem når ho skal"
    assert article.statements[0].party == "Sp"
    assert article.statements[3].role == "ordførar i Fjordvik kommune"
    assert article.language == "nn"


def test_a_byline_line_attributes_the_quote_above_it_and_continuations_follow() -> None:
    # Given "- Quote." followed by a "Name (Party), role" line and an unattributed dash paragraph,
    article = parse_fixture("byline-and-continuation.txt")
    # the byline names the speaker and the next dash paragraph continues them;
    assert said(article)[:2] == [
        ("Marte Haug", "Vi kan ikkje la elevane sitje i klasserom der det regnar inn."),
        ("Marte Haug", "Taket skal vere ferdig før haustferien, og arbeidet startar i juni."),
    ]
    assert [s.method for s in article.statements[:2]] == ["byline", "continuation"]
    assert article.statements[0].party == "H"
    # "seier han" after a sentence introducing the rector is the rector, and so is the next dash.
    assert [s.speaker_name for s in article.statements[2:]] == ["Olav Brekke", "Olav Brekke"]
    assert "Marte Haug (H), leiar i opplæringsutvalet" not in article.paragraphs


def test_an_interview_keeps_the_answers_and_drops_the_journalists_questions() -> None:
    article = parse_fixture("interview-questions.txt")
    assert [s.speaker_name for s in article.statements] == ["Liv Anette Moe", "Liv Anette Moe"]
    assert not any(s.text.endswith("?") for s in article.statements)


def test_les_ogsa_lines_are_related_links_and_never_statements() -> None:
    article = parse_fixture("les-ogsa-block.txt")
    assert article.related_links == [
        "Vi må få flere til å ta toget",
        "Ny rutetabell fra desember",
        "Les hele saksframlegget her.",
    ]
    assert said(article) == [("Trond Vik", "Dette er en etterlengtet forbedring for de reisende")]
    assert (article.published_at, article.updated_at) == (date(2019, 9, 3), date(2019, 9, 4))


def test_an_article_without_quotes_has_no_statements_but_keeps_its_structure() -> None:
    article = parse_fixture("no-statements.txt")
    assert article.statements == []
    assert article.speakers == []
    assert article.subheadings == ["Budsjett og økonomiplan"]
    assert article.lede == "Fylkestinget har sitt neste møte 14. og 15. juni i Nordby rådhus."
    assert len(article.paragraphs) == 2


def test_the_same_person_under_two_forms_of_name_across_articles() -> None:
    # Given one article naming "ordfører Anne B. Nilsen (Ap)" and another only "ordfører Nilsen",
    full = parse_fixture("name-forms-full.txt").statements[0]
    short = parse_fixture("name-forms-surname.txt").statements[0]
    # each article reports what it states (the surname-only one is not guessed to a full name),
    assert (full.speaker_name, full.party, full.role) == ("Anne B. Nilsen", "Ap", "ordfører")
    assert (short.speaker_name, short.role, short.method) == ("Nilsen", "ordfører", "surname")
    assert short.confidence < full.confidence
    # and the two mentions are recognised as possibly the same person.
    assert same_person(
        ParsedPerson(full.speaker_name, full.party, full.role),
        ParsedPerson(short.speaker_name, short.party, short.role),
    )


def test_same_person_accepts_initials_and_refuses_other_first_names() -> None:
    assert same_person(ParsedPerson("Anne Nilsen"), ParsedPerson("Anne B. Nilsen"))
    assert not same_person(ParsedPerson("Anne Nilsen"), ParsedPerson("Per Nilsen"))
    assert not same_person(ParsedPerson("Anne Nilsen", "Ap"), ParsedPerson("Anne Nilsen", "H"))
    assert not same_person(ParsedPerson("Nilsen"), ParsedPerson("Anne Nilsen"))


def test_a_meeting_on_a_weekday_is_dated_from_the_publication_date() -> None:
    article = parse_fixture("meeting-report.txt")
    assert article.meeting is not None
    assert article.meeting.date == date(2022, 11, 15)  # the Tuesday before Thursday 17 November
    assert (article.meeting.place, article.meeting.municipality) == ("Heia gård", "Lerdal")
    assert article.meeting.organiser == "Vestby regionråd"


@pytest.mark.parametrize(
    ("paragraph", "speaker", "text"),
    [
        ("- Vi er klare, sa hun.", "Kari Dahl", "Vi er klare"),
        ("-Vi er klare, legger hun til.", "Kari Dahl", "Vi er klare"),
        ("– Vi er klare, understreker Dahl.", "Kari Dahl", "Vi er klare"),
        ("- Vi er klare, påpeker regionrådslederen.", "Kari Dahl", "Vi er klare"),
        ("- Vi er klare, sier Per Olsen (Sp), varaordfører i Lerdal.", "Per Olsen", "Vi er klare"),
        ("- Vi er klare. Det sa Dahl på møtet.", "Kari Dahl", "Vi er klare."),
        ("«Vi er klare», sier Dahl.", "Kari Dahl", "Vi er klare"),
        ("- Vi er klare, opplyser Ukjentsen.", None, "Vi er klare"),
    ],
)
def test_attribution_clauses(paragraph: str, speaker: str | None, text: str) -> None:
    # Given a person introduced with a role, then a quote attributed in one of many ways,
    article = parse_news(f"Tittel\n\nRegionrådsleder Kari Dahl åpnet møtet.\n\n{paragraph}\n")
    # the quote is cut before the clause and given to the right person (or flagged).
    [statement] = article.statements
    assert (statement.speaker_name, statement.text) == (speaker, text)
    assert statement.flagged is (speaker is None)


def test_indirect_speech_and_headline_quotes_are_not_statements() -> None:
    article = parse_news(
        "- Vi må satse på ungdommen\n\nOrdfører Kari Dahl sier at kommunen må satse på ungdommen.\n\n"
        "Dahl mener at det haster.\n"
    )
    assert article.statements == []
    assert article.title == "- Vi må satse på ungdommen"


def test_language_is_guessed_when_there_is_no_header() -> None:
    assert parse_news("Tittel\n\nDei seier at det ikkje er noko å gjere med det no.").language == "nn"
    assert parse_news("Tittel\n\nDe sier at det ikke er noe å gjøre med det nå.").language == "nb"


# --- Bad and minimal input --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n", "abc\x00def", "\x01\x02\x03\x04\x05x"])
def test_empty_or_binary_text_is_refused_with_a_domain_error(text: str) -> None:
    with pytest.raises(ImportFormatError):
        parse_news(text)


def test_a_file_with_only_a_title_is_a_minimal_article_with_a_warning() -> None:
    article = parse_news("Bare en tittel\n")
    assert article.title == "Bare en tittel"
    assert article.paragraphs == [] and article.statements == []
    assert "no body paragraphs" in article.warnings


def test_text_is_nfc_normalised_before_parsing() -> None:
    decomposed = "Tittel\n\n- Vi ga\u030a videre, sier Kari Dahl."
    assert parse_news(decomposed).statements[0].text == "Vi gå videre"


def test_decode_source_strips_the_bom_and_normalises_newlines() -> None:
    assert decode_source("\ufeffTittel\r\nLinje".encode()) == "Tittel\nLinje"


def test_decode_source_reports_the_line_of_invalid_utf8() -> None:
    with pytest.raises(ImportFormatError) as caught:
        decode_source(b"Tittel\nLinje to\n\xff\xfe")
    assert caught.value.line == 3


def test_decode_source_refuses_binary_content() -> None:
    with pytest.raises(ImportFormatError) as caught:
        decode_source(b"PK\x03\x04\x00\x00binary")
    assert caught.value.line == 1
