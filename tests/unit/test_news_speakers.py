"""Who said it, on invented articles in the ways Norwegian public bodies print speakers.

Each fixture (Bokmål and Nynorsk) imitates one convention the unseen texts use: a role
described by an article and adjective before the name, multi-part and hyphenated surnames,
a surname or role word that points back to a name printed only in a caption, interviews
with plain questions, quotes running over several paragraphs, headline and crosshead
quotes printed twice, cited documents, and dates in the site's footer.
"""

from __future__ import annotations

from datetime import date

from tests.news_fixtures import parse_fixture, rows


def test_bokmal_described_role_before_the_name_and_multi_part_surnames() -> None:
    # Given "sier en tilfreds regionrådsleder Kari Nordvik" after a quote by Riis-Johansen,
    # a rådmann named "Anne Marit Lie Haugen" then "Lie Haugen", and role words alone,
    article = parse_fixture("described-role-and-multipart-surnames-bokmal.txt")
    trond = ("Trond Riis-Johansen", "Ap", "fylkesråd for næring")
    kari = ("Kari Nordvik", None, "regionrådsleder")
    anne = ("Anne Marit Lie Haugen", None, "rådmann i Sørdal kommune")
    # then the described speaker is Nordvik (not the previous speaker), her continuation is
    # hers, the hyphenated and two-word surnames stay whole, and the role words resolve.
    assert rows(article) == [
        ("Dette er den viktigste saken vi har hatt på bordet i år", *trond),
        ("Nå har kommunene endelig en plan de eier sammen", *kari),
        ("Vi har brukt to år på dette arbeidet, og det har vært verdt det.", *kari),
        ("Arbeidsgruppen har hatt møter i alle kommunene", *anne),
        ("Planen skal rulleres hvert fjerde år", *kari),
        ("Vi setter av midler allerede i høst", *trond),
    ]
    # and nobody called just "Lie Haugen" is among the speakers.
    assert [p.name for p in article.speakers] == ["Trond Riis-Johansen", "Kari Nordvik", "Anne Marit Lie Haugen"]


def test_nynorsk_described_role_and_a_surname_named_only_in_a_caption() -> None:
    # Given "seier ein nøgd ordførar Ola Bergheim" right after a caption naming Askeland,
    # "seier Askeland" (full name only in that caption), "seier ordføraren" and
    # "seier ein stolt Nes-Tveit",
    article = parse_fixture("described-role-and-caption-name-nynorsk.txt")
    ola = ("Ola Bergheim", None, "ordførar")
    # then each quote goes to the person its clause names, resolved to the full name.
    assert rows(article) == [
        ("Dette er ein draum som har gått i oppfylling for heile bygda", *ola),
        ("No slepp foreldra å køyre til nabokommunen med borna.", *ola),
        ("Vi har fått eit bygg som er tilpassa borna, ikkje dei vaksne", "Guro Helle Askeland", None, "einingsleiar"),
        ("Prosjektet har halde seg innanfor budsjettet", *ola),
        ("Vi hadde god hjelp av lokale entreprenørar", "Nils Erik Nes-Tveit", None, "prosjektleiar"),
    ]


def test_nynorsk_interview_answers_after_plain_questions_take_the_interviewee() -> None:
    # Given a school interview: the lede names the rektor, questions are plain paragraphs
    # ending in "?", answers are dash paragraphs with no clause at all,
    article = parse_fixture("interview-plain-questions-nynorsk.txt")
    tveit = ("Sigrun Mæhle Tveit", None, None)
    # then every answer is hers and no question is a statement.
    assert rows(article) == [
        ("Eg går mykje på ski, og så syng eg i kor.", *tveit),
        ("Om sommaren er eg mest på hytta med familien.", *tveit),
        ("Eg vil at elevane skal få vere meir ute i skuletida.", *tveit),
        ("Vi skal òg pusse opp biblioteket til hausten.", *tveit),
    ]


def test_bokmal_interview_with_the_name_only_in_the_lede() -> None:
    # Given five questions to a named kommunedirektør, answered with dashes,
    article = parse_fixture("interview-plain-questions-bokmal.txt")
    rod = ("Torbjørn Eikeland Rød", None, None)
    # then the answers (and the answer's second paragraph) are his.
    assert rows(article) == [
        ("Hvor mye engasjement det er i lag og foreningen her.", *rod),
        ("Økonomien. Vi må tilpasse driften til færre innbyggere.", *rod),
        ("Samtidig skal vi ikke bygge ned tjenestene i distriktene.", *rod),
    ]


def test_bokmal_quote_over_several_paragraphs_closed_by_its_clause() -> None:
    # Given "Ordfører X uttaler følgende:" and «A / B / C, sier Sandvik." (no closing mark),
    article = parse_fixture("quote-over-several-paragraphs-bokmal.txt")
    elin = ("Elin Sandvik", None, "ordfører")
    # then each paragraph of the quote is a statement by her, and the narrative after is not.
    assert rows(article) == [
        ("Vi er skuffet over at departementet ikke har lyttet til innbyggerne.", *elin),
        ("Samtidig er det godt å få en avklaring etter så lang tid.", *elin),
        ("Nå skal vi bruke kreftene på å gjøre skolene våre enda bedre", *elin),
    ]


def test_nynorsk_quote_over_several_paragraphs_closed_by_its_mark() -> None:
    # Given "Han skriv dette i innleiinga:" and «A / B / C.» after the fylkesrådmann is named,
    article = parse_fixture("quote-over-several-paragraphs-nynorsk.txt")
    geir = ("Geir Arne Vikøy", None, "fylkesrådmann")
    # then the three paragraphs are his, the closing mark dropped.
    assert rows(article) == [
        ("Vi har aldri hatt så lite pengar til vegvedlikehald som no.", *geir),
        ("Eg ser ingen annan veg enn å prioritere dei mest trafikkerte vegane.", *geir),
        ("Dei andre vegane må vente nokre år.", *geir),
    ]


def test_nynorsk_headline_and_crossheads_are_not_counted_twice_and_a_document_once() -> None:
    # Given a headline quote repeated in the body, a crosshead quote and a crosshead with
    # "!" that opens the next quote, and a «…» document with its source line,
    article = parse_fixture("headline-crosshead-and-cited-once-nynorsk.txt")
    marit = ("Marit Øvrebø", "V", "utvalsleiar")
    # then each quote is one statement,
    assert rows(article) == [
        ("Vi må tenkje nytt om kollektivtrafikken", *marit),
        ("Målet er at fleire skal ta bussen til jobb", *marit),
        ("Rutene må gå oftare, og dei må gå heilt fram til der folk bur", *marit),
    ]
    assert article.subheadings == ["– Fleire skal ta bussen"]
    # and the document is in cited_documents only, not again among the paragraphs.
    assert [(d.source, d.title) for d in article.cited_documents] == [
        ("Høyringsutkast", "Regional transportplan 2024–2035")
    ]
    assert not any("persontrafikken" in p for p in article.paragraphs)


def test_bokmal_pull_quote_repeating_a_statement_is_dropped() -> None:
    # Given a headline quote, its attributed version, and the same words again as a pull quote,
    article = parse_fixture("headline-quote-repeated-bokmal.txt")
    jonas = ("Jonas Bakke Strøm", "SV", "utvalgsleder")
    # then the quote is counted once, and the cited decision is kept once.
    assert rows(article) == [
        ("Biblioteket skal være åpent hele uka", *jonas),
        ("Folk har bedt om dette i mange år, og nå får de det", *jonas),
    ]
    assert len(article.cited_documents) == 1
    assert not any("Hovedbiblioteket holdes" in p for p in article.paragraphs)


def test_bokmal_sidebar_and_footer_dates_are_not_the_articles() -> None:
    # Given "Publisert … | Oppdatert …" under the title and "Oppdatert 05/22/2015" in a
    # "Siste nytt" sidebar and "Sist endret" in the site footer,
    article = parse_fixture("footer-and-sidebar-dates-bokmal.txt")
    # then the head's dates are the article's,
    assert (article.published_at, article.updated_at) == (date(2021, 3, 12), date(2021, 3, 15))
    # and the sidebar's headline is no paragraph of the article.
    assert not any("åpningstider" in p for p in article.paragraphs)


def test_nynorsk_a_footer_date_alone_gives_no_article_date() -> None:
    # Given an article with no date line of its own and "Sist endra" in the site footer,
    article = parse_fixture("footer-date-only-nynorsk.txt")
    # then its dates stay unknown rather than taking the footer's,
    assert (article.published_at, article.updated_at) == (None, None)
    # and the statement is still found.
    assert rows(article) == [("Vi er glade for at vegen er trygg att", "Anders Vik", None, "seksjonsleiar")]
