"""Invented sample records, so a fresh clone has something to browse without ../shared.

Every record has a natural key, so loading the sample twice records nothing new.
"""

from __future__ import annotations

from archive.application import CommandResult
from archive.service import ArchiveService

BY = "sample-loader"
SOURCE = {"uri": "protokoll:sample", "sha256": ""}


def load_sample(service: ArchiveService) -> int:
    """Load the sample world; returns the number of records created."""
    app = service.archive
    created = 0

    def count(result: CommandResult) -> CommandResult:
        nonlocal created
        created += int(result.created)
        return result

    county = count(
        app.register_organisation(name="Nordvik fylkeskommune", organisation_kind="fylkeskommune", recorded_by=BY)
    )
    regions = [
        count(
            app.register_organisation(name=name, organisation_kind="kommuneregion", parent_id=county.id, recorded_by=BY)
        )
        for name in ("Fjordregionen", "Dalregionen", "Kystregionen")
    ]
    municipality = count(
        app.register_organisation(name="Elvebakk kommune", organisation_kind="kommune", recorded_by=BY)
    )

    mayor = count(app.register_person(name="Ingrid Solberg Aas", party="Sp", recorded_by=BY))
    if mayor.created:
        app.assign_role(mayor.id, expected_version=1, role="fylkesordfører", organisation_id=county.id,
                        organisation_name="Nordvik fylkeskommune", valid_from="2019-10-15", recorded_by=BY)
    local = count(app.register_person(name="Per Arne Lunde", party="H", recorded_by=BY))
    if local.created:
        app.assign_role(local.id, expected_version=1, role="ordfører", organisation_id=municipality.id,
                        organisation_name="Elvebakk kommune", valid_from="2019-10-20", recorded_by=BY)

    agreement = count(app.register_agreement(
        key="sample:partnerskapsavtale-nordvik",
        title="Partnerskapsavtale mellom Nordvik fylkeskommune og kommuneregionene",
        parties=[county.id, *(r.id for r in regions)],
        text=("Fylkeskommunen og kommuneregionene skal samarbeide om samferdsel, næring og kompetanse. "
              "Partene møtes to ganger i året."),
        effective_from="2020-01-01",
        recorded_by=BY,
        source=SOURCE,
    ))
    if agreement.created:
        revised = app.revise_agreement(
            agreement.id, expected_version=1, effective_from="2021-03-01",
            reason="Partene ble enige om et årlig regionmøte i tillegg",
            text=("Fylkeskommunen og kommuneregionene skal samarbeide om samferdsel, næring, kompetanse og klima. "
                  "Partene møtes to ganger i året, og et regionmøte holdes årlig i Elvebakk."),
            recorded_by=BY,
        )
        app.correct_agreement(
            agreement.id, expected_version=revised.version, corrects_version=revised.version,
            changes={"title": "Partnerskapsavtale mellom Nordvik fylkeskommune og kommuneregionene i fylket"},
            reason="Tittelen var registrert ufullstendig", recorded_by=BY,
        )

    confidential = count(app.register_agreement(
        key="sample:tomtekjop-elvebakk",
        title="Avtale om kjøp av tomt til ny skole i Elvebakk",
        parties=[county.id, municipality.id],
        text="Forhandlingsposisjon og pris er unntatt offentlighet til avtalen er inngått.",
        effective_from="2022-05-01",
        recorded_by=BY,
    ))
    if confidential.created:
        app.restrict(confidential.id, expected_version=1, legal_basis="Offl. § 23 første ledd",
                     public_title="Avtale om kjøp av tomt (skjermet)", recorded_by=BY)

    meeting = count(app.schedule_meeting(
        key="sample:fylkesutvalget-2021-02-10",
        title="Fylkesutvalget i Nordvik", start="2021-02-10T09:00:00+01:00", end="2021-02-10T15:00:00+01:00",
        place="Fylkeshuset, Elvebakk", organiser_id=county.id, organiser_name="Nordvik fylkeskommune",
        recorded_by=BY,
    ))
    if meeting.created:
        app.record_meeting_details(
            meeting.id, expected_version=1, recorded_by=BY,
            agenda=[
                {"number": "7/21", "title": "Revisjon av partnerskapsavtalen med kommuneregionene",
                 "proposal": "Fylkesutvalget slutter seg til revidert avtale.",
                 "decision": "Fylkesutvalget slutter seg til revidert avtale. Vedtaket er enstemmig."},
                {"number": "8/21", "title": "Høring om regional transportplan",
                 "decision": "Saken utsettes til neste møte."},
            ],
            participants=[
                {"name": "Ingrid Solberg Aas", "person_id": mayor.id, "role": "leder", "party": "Sp", "present": True},
                {"name": "Per Arne Lunde", "person_id": local.id, "role": "medlem", "party": "H", "present": True},
                {"name": "Mona Berg", "role": "medlem", "party": "Ap", "present": False},
            ],
            minutes="Møtet ble satt kl. 09.00. Sak 7/21 og 8/21 ble behandlet. Protokollen godkjennes i neste møte.",
        )

    quotes = [
        (
            "- Samarbeidet med regionene gjør oss raskere når vi skal løse felles utfordringer",
            mayor,
            "fylkesordfører",
            "Sp",
        ),
        (
            "- Regionmøtet i Elvebakk blir en fast arena, ikke bare en tilhørerbenk for fylket",
            mayor,
            "fylkesordfører",
            "Sp",
        ),
        ("- Vi i kommunene får mer gjennomslag når vi møter fylket samlet", local, "ordfører i Elvebakk kommune", "H"),
    ]
    news_key = "sample:nyhet-regionmote-2021"
    statement_ids = []
    for index, (text, person, role, party) in enumerate(quotes):
        st = count(app.record_statement(
            key=f"{news_key}#{index}", text=text.lstrip("- "), said_at="2021-02-11",
            speaker_id=person.id, speaker_name="Ingrid Solberg Aas" if person is mayor else "Per Arne Lunde",
            speaker_role=role, party=party, organisation_id=county.id if person is mayor else municipality.id,
            context={"paragraph": index + 1}, attribution={"method": "sample", "confidence": 1.0, "flagged": False},
            recorded_by=BY, source=SOURCE,
        ))
        statement_ids.append(st.id)
    news = count(
        app.publish_news(
            key=news_key,
            title="Fylket og regionene samles årlig i Elvebakk",
            kicker="Regional utvikling",
            lede="Nordvik fylkeskommune og kommuneregionene har revidert partnerskapsavtalen.",
            paragraphs=[
                "Onsdag møttes fylkesutvalget og ordførerne i Fylkeshuset i Elvebakk.",
                *[
                    q[0]
                    + ", sier "
                    + ("fylkesordfører Ingrid Solberg Aas." if q[1] is mayor else "ordfører Per Arne Lunde.")
                    for q in quotes
                ],
            ],
            published_at="2021-02-11",
            organisation_id=county.id,
            organisation_name="Nordvik fylkeskommune",
            statement_ids=statement_ids,
            meeting_ids=[meeting.id],
            related_links=[{"title": "Slik jobber fylket med regionene", "url": None}],
            language="nb",
            recorded_by=BY,
            source=SOURCE,
        )
    )
    service.done(news)
    return created
