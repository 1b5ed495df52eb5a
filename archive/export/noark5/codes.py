"""Noark 5 code lists (the values Arkade and an archivist expect) and change-log element names.

The v5.0 schemas type every coded element as a plain string, so nothing but this table keeps
an export to the metadata catalogue's values; the writer uses the constants and the checker
(check.py) reads every coded element back against the lists.
"""

from __future__ import annotations

# Closed code lists of the metadata catalogue (M-number in the comment).
CODE_LISTS: dict[str, frozenset[str]] = {
    "arkivstatus": frozenset({"Opprettet", "Avsluttet"}),  # M050
    "arkivdelstatus": frozenset({"Aktiv periode", "Overlappingsperiode", "Avsluttet periode",
                                 "Uaktuelle mapper"}),  # M051
    "saksstatus": frozenset({"Under behandling", "Avsluttet", "Utgår", "Opprettet av saksbehandler",
                             "Avsluttet av saksbehandler", "Unntatt prosesstyring",
                             "Ferdig fra saksbehandler"}),  # M052
    "journalstatus": frozenset({"Journalført", "Ferdigstilt fra saksbehandler", "Godkjent av leder",
                                "Ekspedert", "Arkivert", "Utgår",
                                "Midlertidig registrering av innkommet dokument",
                                "Saksbehandlerkontrollert", "Reservert dokument"}),  # M053
    "dokumentstatus": frozenset({"Dokumentet er under redigering",
                                 "Dokumentet er ferdigstilt"}),  # M054
    "journalposttype": frozenset({"Inngående dokument", "Utgående dokument",
                                  "Organinternt dokument for oppfølging",
                                  "Organinternt dokument uten oppfølging", "Saksframlegg",
                                  "Sakskart", "Møteprotokoll", "Møtebok",
                                  "Uregistrert dokument"}),  # M082
    "korrespondanseparttype": frozenset({"Avsender", "Mottaker", "Kopimottaker", "Gruppemottaker",
                                         "Intern avsender", "Intern mottaker",
                                         "Intern kopimottaker"}),  # M087
    "moeteregistreringstype": frozenset({"Møteinnkalling", "Saksliste", "Saksframlegg", "Vedtak",
                                         "Møteprotokoll", "Møtebok"}),  # M088
    "tilknyttetRegistreringSom": frozenset({"Hoveddokument", "Vedlegg"}),  # M217
    "dokumentmedium": frozenset({"Fysisk arkiv", "Elektronisk arkiv",
                                 "Blandet fysisk og elektronisk arkiv"}),  # M300
    "skjermingDokument": frozenset({"Hele dokumentet", "Deler av dokumentet"}),  # M505
    "variantformat": frozenset({"Produksjonsformat", "Arkivformat",
                                "Dokument hvor deler av innholdet er skjermet"}),  # M700
    "sjekksumAlgoritme": frozenset({"MD5", "SHA1", "SHA256", "SHA384", "SHA512"}),  # M705
}

# Closed statuses: a unit with one of these must have avsluttetDato, and the other way round.
CLOSED = {"arkivstatus": "Avsluttet", "arkivdelstatus": "Avsluttet periode",
          "saksstatus": "Avsluttet"}

# Domain field names -> the Noark metadata element that holds them in this export
# (endringslogg M681 referanseMetadata wants the element's name). A change to a text that is
# archived as a document file names referanseDokumentfil (a new dokumentobjekt holds it).
FIELD_TO_NOARK: dict[str, str] = {
    "title": "tittel",
    "kicker": "tittel",
    "public_title": "offentligTittel",
    "lede": "beskrivelse",
    "description": "beskrivelse",
    "status": "saksstatus",
    "parties": "partNavn",
    "place": "moetested",
    "organiser": "utvalg",
    "organiser_id": "utvalg",
    "organiser_name": "utvalg",
    "start": "moetedato",
    "end": "moetedato",
    "participants": "moetedeltakerNavn",
    "agenda": "tittel",  # the agenda items are moeteregistreringer: number and title
    "minutes": "referanseDokumentfil",
    "minutes_approved_on": "merknadstekst",
    "text": "referanseDokumentfil",
    "body": "referanseDokumentfil",
    "paragraphs": "referanseDokumentfil",
    "subheadings": "referanseDokumentfil",
    "captions": "referanseDokumentfil",
    "effective_from": "dokumentetsDato",
    "effective_to": "beskrivelse",  # the validity is stated in the journalpost's beskrivelse
    "restricted": "tilgangsrestriksjon",
    "restriction_basis": "skjermingshjemmel",
    "speaker_name": "korrespondansepartNavn",
    "speaker_id": "korrespondansepartNavn",
    "speaker_role": "tittel",
    "party": "tittel",
    "organisation": "korrespondansepartNavn",
    "organisation_id": "korrespondansepartNavn",
    "organisation_name": "korrespondansepartNavn",
    "said_at": "dokumentetsDato",
    "published_at": "dokumentetsDato",
    "updated_at": "sendtDato",
    "news_ids": "referanseTilRegistrering",
    "news_id": "referanseTilRegistrering",
    "meeting_id": "referanseTilMappe",
    "context": "referanseTilRegistrering",
    "links": "referanseTilRegistrering",
    "cited_documents": "referanseDokumentfil",
}
# A field the table does not know still changed something archived as a document or a note.
FALLBACK_ELEMENT = "beskrivelse"


def noark_element(field: str) -> str:
    """referanseMetadata for a domain field (never an internal field name)."""
    return FIELD_TO_NOARK.get(field, FALLBACK_ELEMENT)
