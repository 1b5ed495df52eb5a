"""Writes locale/nb/LC_MESSAGES/messages.po from the extracted template and this table.

Run after `pybabel extract` (see api/i18n.py) when strings were added; the .po is what the app
reads, this table is only a convenient way to edit many entries at once.
    .venv/bin/python locale/nb_translations.py locale/messages.pot
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

NB: dict[str, str] = {
    # Record kinds, statuses, events
    "Agreement": "Avtale", "Meeting": "Møte", "Statement": "Uttalelse", "News": "Nyhet", "Person": "Person",
    "Organisation": "Organisasjon", "Agreements": "Avtaler", "Meetings": "Møter", "Statements": "Uttalelser",
    "News items": "Nyheter", "People": "Personer", "Organisations": "Organisasjoner",
    "in force": "gjeldende", "terminated": "opphørt", "scheduled": "planlagt", "held": "avholdt",
    "minutes approved": "protokoll godkjent", "cancelled": "avlyst", "recorded": "registrert",
    "withdrawn": "trukket tilbake", "published": "publisert", "unpublished": "avpublisert",
    "Registered": "Registrert", "Revised": "Revidert", "Terminated": "Opphørt", "Corrected": "Rettet",
    "Restricted": "Skjermet", "Restriction lifted": "Skjerming opphevet", "Published": "Publisert",
    "Updated": "Oppdatert", "Unpublished": "Avpublisert", "Recorded": "Registrert", "Withdrawn": "Trukket tilbake",
    "Scheduled": "Berammet", "Cancelled": "Avlyst", "Agenda item added": "Sak lagt til",
    "Decision recorded": "Vedtak registrert", "Minutes recorded": "Protokoll registrert",
    "Minutes approved": "Protokoll godkjent", "Participant recorded": "Deltaker registrert",
    "News item linked": "Nyhet koblet til", "Name form added": "Navneform lagt til", "Renamed": "Nytt navn",
    "Party changed": "Parti endret", "Role assigned": "Rolle tildelt", "Role ended": "Rolle avsluttet",
    "Reference number assigned": "Referansenummer tildelt", "Reference series started": "Referanseserie startet",
    "Record": "Post", "Reference": "Referanse",
    # Fields
    "Title": "Tittel", "Text": "Tekst", "Valid from": "Gjelder fra", "Valid to": "Gjelder til", "Parties": "Parter",
    "Status": "Status", "Public title": "Offentlig tittel", "Legal basis for restriction": "Hjemmel for skjerming",
    "Start": "Start", "End": "Slutt", "Place": "Sted", "Organiser": "Arrangør", "Agenda": "Saker",
    "Participants": "Deltakere", "Minutes": "Protokoll", "Minutes approved on": "Protokoll godkjent",
    "Speaker": "Sagt av", "Role": "Rolle", "Party": "Parti", "Date said": "Dato sagt", "Context": "Sammenheng",
    "Attribution": "Tilskriving", "Lede": "Ingress", "Kicker": "Stikktittel", "Paragraphs": "Avsnitt",
    "Subheadings": "Mellomtitler", "Captions": "Bildetekster", "Layout": "Oppsett",
    "Cited documents": "Siterte dokumenter", "Related links": "Relaterte lenker", "Date note": "Merknad om dato",
    "Source": "Kilde", "Language": "Språk", "Name": "Navn", "Name forms": "Navneformer", "Roles": "Roller",
    "Party memberships": "Partitilhørighet", "Type of organisation": "Organisasjonstype",
    "Reason for withdrawal": "Grunn til tilbaketrekking", "Revision number": "Revisjonsnummer",
    "Where the date comes from": "Hvor datoen kommer fra", "Part of": "Del av", "Number present": "Antall til stede",
    "public": "publikum", "archivist": "arkivar", "auditor": "revisor",
    # Attribution methods, actors
    "name line after the quote": "navnelinje etter sitatet", "name after the quote": "navn etter sitatet",
    "name before the quote": "navn foran sitatet", "continues the previous quote": "fortsettelse av forrige sitat",
    "entered by hand": "registrert for hånd",
    "full name in the speech clause": "fullt navn i anføringssetningen",
    "surname in the speech clause": "etternavn i anføringssetningen",
    "pronoun in the speech clause": "pronomen i anføringssetningen",
    "role in the speech clause": "rolle i anføringssetningen",
    "organisation in the speech clause": "organisasjon i anføringssetningen",
    "import": "import", "sample data": "eksempeldata",
    # Search filters as the search module reads them
    "person": "person", "party": "parti", "organisation": "organisasjon", "role": "rolle", "year": "år",
    "type": "type", "including restricted records": "også skjermede poster", "valid": "gyldig", "date": "dato",
    # Partials
    "Restricted under %(basis)s.": "Skjermet etter %(basis)s.",
    "Public title: «%(title)s».": "Offentlig tittel: «%(title)s».",
    "Only archivists and auditors see the content.": "Bare arkivarer og revisorer ser innholdet.",
    "The record as it stood": "Slik posten sto", "on %(day)s": "den %(day)s",
    "as the archive knew it at %(moment)s": "slik arkivet kjente den %(moment)s", "version %(n)s": "versjon %(n)s",
    "Show the current version": "Vis gjeldende versjon", "yyyy-mm-dd": "åååå-mm-dd",
    "Date as yyyy-mm-dd": "Dato som åååå-mm-dd", "Show as it stood": "Vis slik den sto",
    "Valid on date": "Gyldig på dato",
    "As the archive knew it (ISO time with offset)": "Slik arkivet kjente den (ISO-tid med sone)",
    "Show": "Vis", "Pages": "Sider", "Previous": "Forrige", "Page %(page)s of %(last)s": "Side %(page)s av %(last)s",
    "Next": "Neste", "History": "Historikk", "Revisions": "Revisjoner", "Text of the agreement": "Avtaletekst",
    "Timeline: every revision and correction": "Tidslinje: alle revisjoner og rettelser",
    "This page as": "Denne siden som", "revisions as Atom": "revisjoner som Atom",
    # Base
    "Main menu": "Hovedmeny", "Search": "Søk", "Archive": "Arkiv", "Event log": "Hendelseslogg",
    "Signed in as %(name)s (%(role)s)": "Innlogget som %(name)s (%(role)s)", "Log out": "Logg ut",
    "Log in": "Logg inn", "Search the archive": "Søk i arkivet",
    "Protokoll – public archive for local government. Times are shown in Norwegian time (Europe/Oslo).":
        "Protokoll – offentlig arkiv for lokalforvaltningen. Tider vises i norsk tid (Europe/Oslo).",
    # Errors
    "Error code %(status)s": "Feilkode %(status)s",
    "with the key you were given (protokoll token create).": "med nøkkelen du har fått (protokoll token create).",
    "Technical message:": "Teknisk melding:", "To the front page": "Til forsiden", "Unknown key.": "Ukjent nøkkel.",
    "You must log in to see this page.": "Du må logge inn for å se denne siden.",
    "The key is unknown or has been revoked. Log in again.":
        "Nøkkelen er ukjent eller trukket tilbake. Logg inn på nytt.",
    "The Authorization header must be «Bearer» followed by the key.":
        "Authorization-feltet må være «Bearer» fulgt av nøkkelen.",
    "Only archivists may change the archive.": "Bare arkivarer kan endre arkivet.",
    "Only auditors may read the event log.": "Bare revisorer kan lese hendelsesloggen.",
    "%(ref)s had no version valid on %(day)s as the archive knew it at %(moment)s":
        "%(ref)s hadde ingen versjon som gjaldt %(day)s slik arkivet kjente den %(moment)s",
    "The archive knew no version of %(ref)s at %(moment)s": "Arkivet kjente ingen versjon av %(ref)s per %(moment)s",
    "%(ref)s has no version valid on %(day)s": "%(ref)s har ingen versjon som gjaldt %(day)s",
    "%(ref)s has no version %(n)s": "%(ref)s har ingen versjon %(n)s",
    "%(ref)s has no history yet": "%(ref)s har ingen historikk ennå",
    "Found no record %(ref)s": "Fant ingen post %(ref)s", "Found no person %(ref)s": "Fant ingen person %(ref)s",
    "Found no organisation %(ref)s": "Fant ingen organisasjon %(ref)s",
    "This page has no .%(fmt)s version": "Denne siden finnes ikke som .%(fmt)s",
    "Search is not available on this server.": "Søk er ikke tilgjengelig på denne serveren.",
    "An unexpected error occurred.": "Det oppsto en uventet feil.",
    "You do not have access to this page.": "Du har ikke tilgang til denne siden.",
    "Found no such page.": "Fant ikke siden.",
    "The record was changed by someone else in the meantime.": "Posten ble endret av noen andre i mellomtiden.",
    "Some of the values are not valid.": "Noen av verdiene er ugyldige.",
    "Too many requests; try again in a little while.": "For mange forespørsler; prøv igjen om litt.",
    "The request could not be completed.": "Forespørselen kunne ikke fullføres.",
    # Events page
    "Position": "Posisjon", "Time": "Tid", "Event": "Hendelse", "Version": "Versjon",
    "not in the catalogue": "ikke i katalogen", "No events.": "Ingen hendelser.", "As": "Som",
    "The log as stored, %(head)s events in all. The state is shown as the SHA-256 of the stored bytes.":
        "Loggen slik den er lagret, %(head)s hendelser i alt. Tilstanden vises som SHA-256 av de lagrede bytene.",
    # Front page
    "Front page": "Forside",
    "Agreements, meetings, statements and news from county and municipal councils – with their whole history of changes.":  # noqa: E501
        "Avtaler, møter, uttalelser og nyheter fra fylkeskommuner og kommuner – med hele endringshistorikken.",
    "for example partnerskapsavtale": "for eksempel partnerskapsavtale", "In the archive": "I arkivet",
    "Latest news": "Siste nyheter", "No news yet.": "Ingen nyheter ennå.", "Latest statements": "Siste uttalelser",
    "No statements yet.": "Ingen uttalelser ennå.", "Also as": "Også som", "Atom feed": "Atom-strøm",
    # Login
    "For archivists and auditors. Paste the key you were given by":
        "For arkivarer og revisorer. Lim inn nøkkelen du fikk fra", "Key": "Nøkkel",
    # Meeting, news
    "Undated (the source gives no date)": "Udatert (datoen mangler i kilden)", "not present": "ikke til stede",
    "Item %(n)s: %(title)s": "Sak %(n)s: %(title)s", "p. %(page)s": "s. %(page)s", "Proposal:": "Forslag:",
    "Decision:": "Vedtak:", "Reported in": "Omtalt i", "Published %(day)s": "Publisert %(day)s",
    "Published:": "Publisert:", "date unknown": "dato ukjent", "updated %(day)s": "oppdatert %(day)s",
    "Meeting reported:": "Omtalt møte:", "Statements in the story": "Uttalelser i saken", "unknown": "ukjent",
    "changes as Atom": "endringer som Atom",
    # Organisation, person, lists
    "Records about %(name)s": "Poster om %(name)s", "No records.": "Ingen poster.",
    "All %(count)s records": "Alle %(count)s poster",
    "Restricted. Only archivists and auditors see this person.":
        "Skjermet. Bare arkivarer og revisorer ser denne personen.",
    "Also known as: %(names)s": "Også kjent som: %(names)s", "from %(day)s": "fra %(day)s", "to %(day)s": "til %(day)s",
    "still": "fortsatt", "period unknown": "periode ukjent", "No roles recorded.": "Ingen registrerte roller.",
    "No party membership recorded.": "Ingen registrert partitilhørighet.", "No statements.": "Ingen uttalelser.",
    "The statements as": "Uttalelsene som", "All records": "Alle poster", "Type": "Type", "All": "Alle",
    "Year": "År", "%(count)s records": "%(count)s poster", "The list as": "Listen som",
    # Statement
    "Statement by %(name)s": "Uttalelse av %(name)s", "Said by": "Sagt av", "Date": "Dato",
    "Attributed by": "Tilskrevet ved", "certainty %(share)s": "sikkerhet %(share)s",
    "marked for checking": "merket for kontroll", "In context": "I sammenhengen", "From the news item": "Fra nyheten",
    # Status
    "Health:": "Tilstand:", "in order": "i orden", "degraded": "redusert", "Storage:": "Lager:", "Search:": "Søk:",
    "on": "på", "off": "av", "The event log holds %(head)s events.": "Hendelsesloggen har %(head)s hendelser.",
    "Read model": "Lesemodell", "Lag": "Etterslep", "Error": "Feil", "machine-readable:": "maskinlesbart:",
    # Timeline
    "Timeline: %(title)s": "Tidslinje: %(title)s", "revision": "revisjon", "correction": "rettelse",
    "termination": "avslutning", "restriction": "skjerming", "restriction lifted": "oppheving av skjerming",
    "withdrawal": "tilbaketrekking", "unpublishing": "avpublisering", "cancellation": "avlysning",
    "Timeline": "Tidslinje",
    "Valid time is when the content applied in the world; record time is when the archive knew it.":
        "Gyldighetstid er når innholdet gjaldt i virkeligheten; registreringstid er når arkivet kjente det.",
    "A revision means the agreement was changed; a correction means the archive had recorded something wrong.":
        "En revisjon betyr at avtalen ble endret; en rettelse betyr at arkivet hadde registrert noe feil.",
    "Superseded": "Erstattet", "Recorded by": "Registrert av", "Why": "Hvorfor", "rev. %(n)s": "rev. %(n)s",
    "change": "endring", "Compare versions": "Sammenlign versjoner", "From": "Fra", "To": "Til",
    "Show differences": "Vis forskjeller",
    "Changes from version %(old)s to %(new)s": "Endringer fra versjon %(old)s til %(new)s",
    "No differences in the content.": "Ingen forskjeller i innholdet.", "Change log": "Endringslogg",
    "Every field changed after registration, with its old and new value.":
        "Hvert felt som er endret etter registreringen, med gammel og ny verdi.",
    "Revision": "Revisjon", "the matter changed in the world.": "saken endret seg i virkeligheten.",
    "Correction": "Rettelse", "the archive had recorded it wrong.": "arkivet hadde registrert feil.",
    "Field": "Felt", "Before": "Før", "After": "Etter", "By": "Av", "When": "Når",
    "corrects v%(n)s": "retter v%(n)s", "No changes after registration.": "Ingen endringer etter registreringen.",
    "As it stood": "Slik den sto", "The timeline as": "Tidslinjen som",
    # Feeds
    "(untitled)": "(uten tittel)", "Version %(n)s: %(event)s": "Versjon %(n)s: %(event)s",
    "Changes to %(ref)s: %(title)s": "Endringer i %(ref)s: %(title)s", "valid from %(day)s": "gjelder fra %(day)s",
    "Statements by %(name)s": "Uttalelser av %(name)s",
    "Protokoll: search for «%(q)s»": "Protokoll: søk etter «%(q)s»",
    "Protokoll: new and changed records": "Protokoll: nye og endrede poster",
    "Caption": "Bildetekst",
    # Search page
    "Search terms": "Søkeord", "Refine": "Avgrens", "Refine by": "Avgrensning", "From date": "Fra dato",
    "To date": "Til dato", "Sort": "Sortering", "Relevance": "Relevans", "Newest first": "Nyeste først",
    "Oldest first": "Eldste først", "Search is not available right now: %(reason)s": "Søket er ikke tilgjengelig akkurat nå: %(reason)s",
    "Read as:": "Tolket som:", "Parts of the search were ignored: %(error)s": "Deler av søket ble ignorert: %(error)s",
    "The search is not up to date: the search index has processed %(done)s of %(head)s events and has stopped, so hits may be missing.":
        "Søket er ikke à jour: søkeindeksen har behandlet %(done)s av %(head)s hendelser og har stoppet, så treff kan mangle.",
    "The search is not up to date: the search index has processed %(done)s of %(head)s events, so hits may be missing.":
        "Søket er ikke à jour: søkeindeksen har behandlet %(done)s av %(head)s hendelser, så treff kan mangle.",
    "%(n)s hits": "%(n)s treff", "Remove filters": "Fjern avgrensninger", "No hits.": "Ingen treff.",
    "This search as": "Dette søket som", "Atom feed": "Atom-strøm",
}


def main(template: str) -> int:
    with open(template, "rb") as source:
        pot = read_po(source)
    catalog = Catalog(locale="nb", domain="messages", project="Protokoll", fuzzy=False)
    missing = []
    for message in pot:
        if not message.id:
            continue
        text = NB.get(str(message.id))
        if text is None:
            missing.append(str(message.id))
        catalog.add(message.id, text or "", locations=message.locations, auto_comments=message.auto_comments)
    out = Path(__file__).resolve().parent / "nb" / "LC_MESSAGES" / "messages.po"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as target:
        write_po(target, catalog, width=120, omit_header=False, sort_output=True, include_lineno=False)
    for message_id in missing:
        print(f"untranslated: {message_id}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
