"""Noark 5 v5.0 arkivuttrekk (archival extraction package) writer and validator.

Package layout written by :func:`write_package`::

    arkivstruktur.xml   arkiv -> arkivdel -> mappe (saksmappe / moetemappe / mappe) -> registrering
    endringslogg.xml    metadata changes after first registration (omitted when there are none,
                        because the schema demands at least one <endring>)
    arkivuttrekk.xml    ADDML 8.3 description: files, SHA-256 checksums, counts, period, creator
    DOKUMENT/xx/<systemID>.txt   every document version as UTF-8 text
    *.xsd               the official schemas, copied byte-for-byte

Mapping (element order follows arkivstruktur.xsd exactly; note that an XSD extension appends
its own elements AFTER the base type's content, so e.g. saksaar comes after the registreringer):

- agreement  -> mappe xsi:type="saksmappe"; one journalpost per version, each with one
                dokumentbeskrivelse + dokumentobjekt (versjonsnummer = version).
- meeting    -> mappe xsi:type="moetemappe"; a moeteregistrering per agenda item (decision as
                document) and one for the minutes; present participants as moetedeltaker,
                absentees as a merknad.
- news       -> journalpost in the container mappe "Nyhetssaker"; one dokumentbeskrivelse with
                a dokumentobjekt per version.
- statement  -> journalpost in the container mappe "Uttalelser", korrespondansepart for the
                speaker (and the organisation, speaker as kontaktperson), kryssreferanse to the
                news item / meeting. (A mappe may hold mappe OR registrering, not both, hence
                the containers instead of nesting statements under news.)
- restricted records carry <skjerming> on every unit and an offentligTittel that never
  contains the real title.

systemIDs are uuid5 values derived from record ids and versions, so they are stable across
exports; see :func:`record_system_id` and :func:`version_system_id`.

Endringslogg convention (revision vs correction), using only the standard fields:
referanseMetadata is the Noark element name (M681: "navnet på metadataelementet") and
referanseArkivenhet is "the unit that holds the changed element" (M680):
- a *revision* supersedes the record's current metadata -> it points at the record's primary
  unit (the saksmappe / moetemappe, or the journalpost for news and statements);
- a *correction* (any kind other than "revision") of a known version fixes that version in
  place -> it points at that version's own unit (the version's journalpost for agreements, the
  version's dokumentobjekt for news and statements). Without a version it falls back to the
  primary unit.
So a reader tells them apart by resolving referanseArkivenhet in arkivstruktur.xml.
"""

from __future__ import annotations

from archive.export.noark5.codes import FIELD_TO_NOARK
from archive.export.noark5.ids import (
    ARKIVSTRUKTUR,
    ARKIVUTTREKK,
    DOCUMENT_DIR,
    EMPTY_VALUE,
    ENDRINGSLOGG,
    SCREENED_TITLE,
    record_system_id,
    version_system_id,
)
from archive.export.noark5.records import statement_title
from archive.export.noark5.spool import PackageFile, PackageFiles, PackageReport
from archive.export.noark5.validation import validate_package
from archive.export.noark5.values import clean, fmt_date, fmt_datetime, sha256_file
from archive.export.noark5.writing import change_unit_id, write_package

__all__ = [
    "ARKIVSTRUKTUR", "ARKIVUTTREKK", "DOCUMENT_DIR", "EMPTY_VALUE", "ENDRINGSLOGG", "FIELD_TO_NOARK",
    "SCREENED_TITLE", "PackageFile", "PackageFiles", "PackageReport", "change_unit_id", "clean",
    "fmt_date", "fmt_datetime", "record_system_id", "sha256_file", "statement_title", "validate_package",
    "version_system_id", "write_package",
]
