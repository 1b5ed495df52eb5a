"""The news parser on invented articles written in conventions the development corpus lacks.

Each fixture imitates one way Norwegian public bodies (fylkeskommunar, KS, departement,
statsforvaltar, regionråd) print quotes, bylines and fact boxes. Every statement is asserted
exactly — text, speaker, party and role — so that a rule change shows up as a named failure.
"""

from __future__ import annotations

from datetime import date

import pytest

from archive.importers.dates import find_publication_dates, parse_norwegian_date, resolve_relative_day
from archive.importers.news import parse_news
from tests.news_fixtures import parse_fixture, rows


def test_guillemets_straight_quotes_and_closing_marks_only() -> None:
    # Given «Quote,» / «Quote», / «Quote.» Det sa X. / "Quote", / ”Quote”, / ”Quote,” sa han,
    article = parse_fixture("quote-marks-guillemets-and-straight.txt")
    vik = ("Grete Solberg Vik", None, "leder i KS")
    moen = ("Harald Moen", "Ap", "nestleder")
    # then each is cut before its clause, the mid-paragraph «…» keeps its full stop,
    assert rows(article) == [
        ("Kommunene har fått flere oppgaver uten at pengene har fulgt med", *vik),
        ("Vi ber regjeringen om å lytte til kommunene", *vik),
        ("Det går ut over barn og eldre.", *vik),
        ("Vi trenger en ny inntektsmodell", *moen),
        ("Distriktskommunene rammes hardest", *moen),
        ("Dette må rettes opp i revidert budsjett", *moen),
    ]
    # and the contact line with phone and e-mail is neither a statement nor a paragraph.
    assert not any("tlf." in p for p in article.paragraphs)
    assert (article.published_at, article.updated_at) == (date(2019, 3, 5), date(2019, 3, 6))


def test_a_quote_over_two_paragraphs_and_quotes_introduced_by_a_colon() -> None:
    # Given «A. (unclosed) / «B,» sier X, "Name (Party) sier: – Quote" and "… sier:" / "– Quote",
    article = parse_fixture("two-paragraph-quote-and-colon-intro.txt")
    berg = ("Anne Berg", "Sp", "fylkesordfører")
    holm = ("Sigrid Holm", "Ap", "fylkesråd for utdanning")
    assert rows(article) == [
        # the first paragraph takes the speaker named at the end of the quote,
        ("Dette har vært en krevende sak for mange. Vi har lyttet til innspillene fra elever, "
         "foreldre og kommuner.", *berg),
        ("Nå må vi bruke kreftene på å gjøre de nye skolene gode", *berg),
        ("Dette er en trist dag for distriktene.", "Jon Eik", "H", "gruppeleder"),
        ("Vi skal følge opp vedtaket tett sammen med skolene.", *holm),
        ("Ingen elever skal få et dårligere tilbud", *holm),
    ]  # fmt: skip
    # and the "Tekst og foto:" byline and the photo caption are not speech.
    assert not any("Kari Lunde" in s.text for s in article.statements)


def test_bokmal_attribution_verbs_with_titles_and_inversion() -> None:
    # Given a press release using skriver, forteller, opplyser, understreker, påpeker,
    # legger til, mener, svarer, konstaterer, fortsetter, slår fast, uttaler, poengterer,
    # erkjenner, forklarer and roser,
    article = parse_fixture("verbs-bokmal-press-release.txt")
    minister = ("Jan Tore Sandvik", None, "kommunal- og moderniseringsminister")
    berg = ("Lise Berg", "H", "statssekretær")
    strand = ("Ola Strand", None, "regiondirektør")
    hansen = ("Tore Hansen", None, "fylkesrådmann")
    nilsen = ("Kari Nilsen", "Ap", "fylkesordfører")
    kvam = ("Per Kvam", "Sp", "fylkesvaraordfører")
    assert rows(article) == [
        ("Vi vil at det skal være attraktivt å starte bedrift i hele landet", *minister),
        ("Fondene har vist seg å være et viktig verktøy", *minister),
        ("Pengene fordeles etter samme nøkkel som i fjor", *berg),
        ("Det er kommunene som kjenner behovene best", *berg),
        ("Vi har hatt gode resultater i Nordland", *strand),
        ("Ordningen skal evalueres i 2018", *strand),
        ("Dette er et godt signal til distriktene", *hansen),
        ("Vi har ventet lenge på dette", *hansen),
        ("Økningen er likevel for liten", *nilsen),
        ("Fondene må styrkes ytterligere", *nilsen),
        ("Det er ingen tvil om at vi trenger mer", *nilsen),
        ("Vi vil ta dette opp med statsråden", *kvam),
        ("Pengene må komme raskt", *kvam),
        ("Vi fikk ikke alt vi ba om", *kvam),
        ("Det er lagt ned et solid arbeid i departementet", *kvam),
        ("Formidabel innsats av næringslivet", *nilsen),
    ]
    # The unlabelled CMS stamp "07.12.2016 09:12" is the publication date; "Pressemelding",
    # "Kontaktperson:", "E-post:" and "Del på Facebook" are chrome.
    assert article.published_at == date(2016, 12, 7)
    assert article.lede is not None and article.lede.startswith("Kommunal- og moderniseringsdepartementet")
    assert not any("postmottak" in p or "Pressevakt" in p for p in article.paragraphs)


def test_nynorsk_verbs_roles_and_particles() -> None:
    # Given seier/fortel/understrekar/legg ho til/held X fram/svarar/meiner/peikar X på/forklarar,
    article = parse_fixture("verbs-nynorsk.txt")
    gronvik = ("Per Olav Grønvik", None, "ordførar i Volda")
    sande = ("Marit Sande", "Ap", "fylkesordførar")
    kleiven = ("Jon Kleiven", "Frp", "varaordførar")
    aasen = ("Ragnhild Aasen", None, "kommunedirektør")
    assert rows(article) == [
        ("Dette er ein merkedag for heile Sunnmøre", *gronvik),
        ("Vi har kjempa for denne brua i tjue år", *gronvik),
        ("Brua vil knyte bu- og arbeidsmarknaden saman", *sande),
        ("Men vi må få staten med på finansieringa", *sande),
        ("Vi kjem ikkje i mål utan statlege midlar", *sande),
        ("Dette har eg inga tru på", *kleiven),
        ("Pengane burde heller gått til rassikring", *kleiven),
        ("Rassikring er òg prioritert i budsjettet", *aasen),
        ("Vi har sett av tolv millionar til dette neste år", *aasen),
        ("Eg er glad for at fylket tek ansvar", "Eirik Fure", None, "rådmann i Ørsta"),
    ]
    assert article.language == "nn"
    assert (article.published_at, article.updated_at) == (date(2019, 3, 5), date(2019, 3, 12))


def test_byline_caption_contact_and_fact_box_lines_are_never_statements() -> None:
    # Given "Tekst og foto:", "Del på …", a photo caption, a FAKTA box and a "Fakta om"
    # box of dash bullets, "Les mer:" and a contact block with phone and e-mail,
    article = parse_fixture("chrome-and-fakta-box.txt")
    # only the one real quote is a statement,
    assert rows(article) == [
        ("Planen er laget i tett samarbeid med kommunene", "Even Aas", "Ap", "fylkesordfører"),
    ]
    # the bullets are neither statements nor crossheads, and the lede is the first body line.
    assert article.subheadings == ["Fakta om planen"]
    assert article.lede == "Den nye regionale planen for Innlandet skal gjelde fram til 2030."
    assert article.related_links == ["Regional plan for Innlandet"]
    assert not any("@" in p or "909 12 345" in p for p in article.paragraphs)


def test_interview_with_bold_questions_without_dashes() -> None:
    # Given dashed and undashed ("Kva betyr …?") questions, each answered by a dash paragraph,
    article = parse_fixture("interview-bold-questions.txt")
    sunde = ("Lars Sunde", None, "statsforvaltar")
    # only the answers are statements, all by the interviewee.
    assert rows(article) == [
        ("Kor mykje kommunane får til med små ressursar. Det imponerer meg.", *sunde),
        ("Dei får meir ansvar, men også meir pengar. Det er ein god byteavtale.", *sunde),
        ("Dei må samarbeide meir enn før", *sunde),
    ]


def test_indirect_speech_is_not_a_statement_and_an_unknown_speaker_is_not_guessed() -> None:
    # Given a dash quote before anyone is named, then "Ifølgje X", "X seier at", "Ho meiner at",
    article = parse_fixture("indirect-speech-and-unknown-speaker.txt")
    # the quote is kept and flagged with no speaker (Kari Holm is named only afterwards),
    [statement] = article.statements
    assert (statement.text, statement.speaker_name, statement.flagged) == (
        "Vi har aldri sett så stor interesse, og det er svært gledeleg.", None, True,
    )  # fmt: skip
    assert article.speakers == []
    assert "1 statement(s) with unknown speaker" in article.warnings


def test_a_pronoun_goes_to_the_person_it_can_refer_to() -> None:
    # Given Haugen (a man) quoted, then "Han fekk støtte frå … Siri Vik (H)." and "seier ho",
    article = parse_fixture("nynorsk-regionrad-pronoun-and-question.txt")
    haugen = ("Tor Inge Haugen", "Krf", "ordførar")
    # "ho" is Siri Vik, the journalist's dashed question is dropped, and "svarar Haugen" is Haugen.
    assert rows(article) == [
        ("Vi kan ikkje vente i ti år til. Næringslivet treng vegen no", *haugen),
        ("Eg er heilt samd med Haugen, og vi står samla bak dette", "Siri Vik", "H", "varaordførar i Kvinnherad"),
        ("Då må vi gå i dialog med Statens vegvesen om ei trinnvis utbygging", *haugen),
    ]
    assert (article.published_at, article.updated_at) == (None, date(2021, 6, 14))


def test_an_organisation_as_source_is_kept_without_a_person() -> None:
    # Given a headline quote, a dash crosshead and «…», skriver NHO i en pressemelding,
    article = parse_fixture("headline-quote-and-organisation-source.txt")
    dahl = ("Ole Martin Dahl", "Ap", "fylkesordfører")
    assert rows(article) == [
        ("Vi trenger flere bedrifter som tar inn lærlinger", *dahl),
        ("Dette er et felles ansvar, og vi må ta det på alvor", "Hilde Bakke", None, "fylkesrådmann"),
        ("Vi har gitt fylkeskommunen klar beskjed", None, None, None),
        ("Det er for dårlig. Vi må gjøre mer", *dahl),
        ("Og det haster.", *dahl),  # "– A, mener Dahl. – B.": the quote goes on
    ]
    # the organisation is recorded, the statement flagged; headline and crosshead are no quotes.
    nho = article.statements[2]
    assert (nho.organisation, nho.flagged) == ("NHO", True)
    assert article.title == "- Vil ha flere læreplasser"
    assert article.subheadings == ["- Vi trenger alle"]


def test_nynorsk_quote_marks_and_an_attribution_before_a_colon() -> None:
    # Given «…,» seier rådmann i Gol, X / «…», seier kommunalsjef Y on adjacent lines,
    # "…," seier Næss, "Tveito legg til: – …" and "opplyser Næss",
    article = parse_fixture("quote-marks-nynorsk-and-colon.txt")
    naess = ("Kjell Olav Næss", None, "rådmann i Gol")
    tveito = ("Eva Tveito", None, "kommunalsjef")
    assert rows(article) == [
        ("Dette gir oss eit meir robust fagmiljø og betre tenester for barna", *naess),
        ("Vi har jobba med dette sidan 2016", *tveito),
        ("Det viktigaste er at barna får hjelp raskare", *naess),
        ("Vi skal tilsetje to nye saksbehandlarar i år.", *tveito),
        ("Kontoret blir lagt til Gol", *naess),
    ]


def test_role_words_with_adjectives_and_roles_stated_by_election() -> None:
    # Given "X (Sp) er vald til ny fylkesordførar", "sa den nyvalde fylkesordføraren",
    # "Fylkesvaraordførar vart Y (Ap)" and the Nynorsk past tense "lova X",
    article = parse_fixture("nynorsk-election-role-words.txt")
    askeland = ("Jon Askeland", "Sp", "fylkesordførar i Vestland")
    assert rows(article) == [
        ("Eg er audmjuk og takksam for tilliten", *askeland),
        ("Vi skal byggje eit fylke som tek heile Vestland i bruk", "Marit Tveit", "Ap", "fylkesvaraordførar"),
        ("Vi må prioritere hardt dei neste åra, og det vil bli krevjande val",
         "Anne Lise Brekke", None, "fylkesdirektør for økonomi"),
        ("Ingen kommunar skal tape på samanslåinga", *askeland),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # Attribution before the quote, on the same line.
        ("Fylkesordfører Anne Berg (Sp) sier: – Dette er en god dag.", ("Dette er en god dag.", "Anne Berg")),
        ("– Vi er klare, skriver fylkesordfører Anne Berg (Sp) i en kronikk.", ("Vi er klare", "Anne Berg")),
        ("– Vi er klare, poengterer Berg.", ("Vi er klare", "Anne Berg")),
        ("– Vi er klare, minner Berg om.", ("Vi er klare", "Anne Berg")),
        ("– Vi er klare, seier leiar i KS Gunn Marit Helle.", ("Vi er klare", "Gunn Marit Helle")),
        ("«Vi er klare», skreiv Berg på Facebook.", ("Vi er klare", "Anne Berg")),
    ],
)
def test_more_attribution_forms(paragraph: str, expected: tuple[str, str]) -> None:
    article = parse_news(f"Tittel\n\nFylkesordfører Anne Berg (Sp) åpnet møtet.\n\n{paragraph}\n")
    [statement] = article.statements
    assert (statement.text, statement.speaker_name) == expected


def test_indirect_speech_and_scare_quotes_inside_narrative_are_not_statements() -> None:
    article = parse_news(
        "Tittel\n\nIfølge ordfører Kari Dahl må kommunen spare. Dahl mener at det haster.\n\n"
        "Hun kaller planen «et løft», og sier at kommunen vil bruke «alle krefter» på den.\n"
    )
    assert article.statements == []


# --- Dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Publisert: 05.03.2019 kl. 14.32", (date(2019, 3, 5), None)),
        ("Sist endret 6. mars 2019", (None, date(2019, 3, 6))),
        ("Sist endra 6. mars 2019", (None, date(2019, 3, 6))),
        ("Oppdatert: 12.03.2019", (None, date(2019, 3, 12))),
        ("Dato: 3. november 2011", (date(2011, 11, 3), None)),
    ],
)
def test_labelled_publication_dates(text: str, expected: tuple[date | None, date | None]) -> None:
    assert find_publication_dates(text) == expected


def test_a_cms_stamp_with_a_time_is_a_date() -> None:
    assert parse_norwegian_date("07.12.2016 09:12") == date(2016, 12, 7)


def test_i_gar_and_i_dag_are_relative_to_publication() -> None:
    published = date(2019, 3, 5)
    assert resolve_relative_day("i går", published) == date(2019, 3, 4)
    assert resolve_relative_day("I dag", published) == published
    assert resolve_relative_day("i forgårs", published) == date(2019, 3, 3)
    assert resolve_relative_day("i morgon", published) is None


def test_a_quote_that_goes_on_after_its_clause_in_the_same_paragraph() -> None:
    # Given "– A, sier X. – B.", "– A, sier X. B." and two tails that are narrative about the speaker,
    article = parse_fixture("quote-goes-on-after-the-clause.txt")
    dahl = ("Ingrid Dahl", "Sp", "regionrådsleder")
    lie = ("Tor Lie", "Ap", "varaordfører")
    assert rows(article) == [
        # a new dash after the clause is the same speaker going on,
        ("Dette er den viktigste saken for innbyggerne våre", *dahl),
        ("Uten bredbånd flytter de unge.", *dahl),
        # so is a plain sentence in the first person (with less confidence),
        ("Vi har ventet i ti år", *lie),
        ("Nå må staten ta ansvar for oss som bor lengst unna.", *lie),
        # while "Han mener …" and "Dahl skal …" are the journalist's words, not quotes.
        ("Det blir dyrt", *lie),
        ("Vi følger opp saken", *dahl),
    ]
    confidence = {s.text: s.confidence for s in article.statements}
    assert (
        confidence["Nå må staten ta ansvar for oss som bor lengst unna."] < confidence["Uten bredbånd flytter de unge."]
    )


def test_a_quote_split_by_its_attribution_and_a_colon_intro_after_it() -> None:
    # Given Nynorsk with "«A», ifølgje X, «b.»" followed by "Y (H) er kritisk: – Quote.",
    article = parse_fixture("nynorsk-split-quote-and-colon-intro.txt")
    askeland = ("Jon Askeland", "Sp", "fylkesordførar")
    lie = ("Kari Lie", "H", "opposisjonsleiar")
    assert rows(article) == [
        ("Eg er audmjuk og glad for tilliten", *askeland),
        # a pronoun goes to the person just named ("Bjorvand er einig. – …, seier ho."),
        ("Vi skal byggje eit fylke for alle", "Marianne Sandahl Bjorvand", "Ap", "fylkesvaraordførar"),
        # the two halves of a split quote are one statement, "ifølgje" attributing like a verb,
        ("Dette blir ei spennande tid og vi tek fatt med ein gong.", *askeland),
        # and neither paragraph is mistaken for a quoted document and its source line.
        ("Fleirtalet har ikkje lytta til distrikta.", *lie),
        ("Vi kjem til å fylgje nøye med", *lie),
    ]
    assert article.cited_documents == []


def test_an_answer_printed_without_its_dash_and_a_role_of_two_words() -> None:
    # Given "Fordi vi …, svarer Olsen." (no dash), a paraphrase "…, opplyser Olsen." and "daglig leder",
    article = parse_fixture("dashless-answers-and-multiword-roles.txt")
    olsen = ("Per Olsen", "KrF", "ordfører")
    assert rows(article) == [
        ("Dette er et løft for hele regionen.", *olsen),
        # the first-person answer is speech, trusted less than a dashed quote,
        ("Fordi vi må skape arbeidsplasser for de unge", *olsen),
        # the third-person "Kommunen fikk søknaden …" is the journalist's paraphrase, not a quote,
        # and a two-word role is read whole.
        ("Næringslivet har ventet lenge på dette", "Eva Dahl", None, "daglig leder"),
    ]
    answer = article.statements[1]
    assert answer.confidence < 0.7
