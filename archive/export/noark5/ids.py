"""Package constants and the derived, stable systemIDs of every unit."""

from __future__ import annotations

import uuid

NS_ARKIVSTRUKTUR = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
NS_ENDRINGSLOGG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

ARKIVSTRUKTUR = "arkivstruktur.xml"
ENDRINGSLOGG = "endringslogg.xml"
ARKIVUTTREKK = "arkivuttrekk.xml"
DOCUMENT_DIR = "DOKUMENT"
LOEPENDE_JOURNAL = "loependeJournal.xml"
OFFENTLIG_JOURNAL = "offentligJournal.xml"
NS_LOEPENDE = "http://www.arkivverket.no/standarder/noark5/loependeJournal"
NS_OFFENTLIG = "http://www.arkivverket.no/standarder/noark5/offentligJournal"
NOARK_SCHEMAS = ("arkivstruktur.xsd", "endringslogg.xsd", "loependeJournal.xsd", "offentligJournal.xsd",
                 "metadatakatalog.xsd")
ADDML_SCHEMA = "addml.xsd"

# Fixed namespace for every derived systemID: changing it would change every id ever exported.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:protokoll:noark5:systemid")

# Placeholders for required (minLength 1) elements the source data leaves empty.
SCREENED_TITLE = "*****"  # the usual Noark way to show a screened title
EMPTY_VALUE = "(tom)"  # endringslogg tidligereVerdi/nyVerdi for "no value"
UNKNOWN = "ukjent"
# opprettetAv/avsluttetAv of what the export itself creates (arkiv, arkivdel, the container
# folders): a role, as the metadata catalogue asks for a person or role, never a program.
ARCHIVIST = "Arkivar"

# Change kinds that describe the first registration itself, not a later change.
NOT_CHANGES = frozenset({"created", "registered", "registration"})

# --------------------------------------------------------------------------- ids


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join(str(p) for p in parts)))


def record_system_id(record_id: str) -> str:
    """systemID of a record's primary unit (its mappe, or journalpost for news/statements)."""
    return derived_id("record", record_id)


def version_system_id(record_id: str, version: int) -> str:
    """systemID of the unit holding one version (agreement journalpost / news dokumentobjekt)."""
    return derived_id("version", record_id, version)



JOURNALS = (LOEPENDE_JOURNAL, OFFENTLIG_JOURNAL)
