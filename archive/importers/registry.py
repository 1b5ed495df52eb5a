"""Matching the people and organisations an import names to the archive's registry.

Everyone named as a speaker becomes (or is matched to) a `Person`, so that all of a
person's statements, across articles and name forms, land on one person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from archive.importers.attribution import ParsedPerson, same_person
from archive.service import ArchiveService

ORGANISATION_KINDS = (
    ("fylkeskommune", "fylkeskommune"),
    ("regionråd", "regionråd"),
    ("regionrådet", "regionråd"),
    ("kommuneregion", "kommuneregion"),
    ("departement", "departement"),
    ("departementet", "departement"),
    ("statsforvalter", "statsforvalter"),
    ("fylkesmann", "statsforvalter"),
    ("kommune", "kommune"),
)


def organisation_kind(name: str) -> str:
    lowered = name.casefold()
    for suffix, kind in ORGANISATION_KINDS:
        if suffix in lowered:
            return kind
    return "interesseorganisasjon" if lowered.split()[0] in {"ks", "kommunesektorens"} else "annen"


# Nynorsk role words and their Bokmål forms, so that "fylkesordføraren" finds a "fylkesordfører".
_ROLE_FORMS = (("leiar", "leder"), ("ar", "er"))


def role_key(role: str) -> str:
    """A role without its organisation ("ordfører i Ringerike kommune" → "ordfører"), lower-case,
    in its Bokmål form."""
    head = re.split(r"\s+(?:i|ved|hos|for|til)\s+", role.strip(), maxsplit=1)[0].casefold()
    head = " ".join(head.split())
    for nynorsk, bokmal in _ROLE_FORMS:
        if head.endswith(nynorsk):
            return head[: -len(nynorsk)] + bokmal
    return head


def _covers(held: dict[str, Any], on: str | None) -> bool:
    """Does a held role's period cover the day? Unknown ends are open; an unknown day is
    covered only by a role with no dates at all."""
    start, end = held.get("from"), held.get("to")
    if on is None:
        return start is None and end is None
    return (start is None or start[:10] <= on[:10]) and (end is None or on[:10] <= end[:10])


@dataclass(frozen=True)
class Speaker:
    person_id: str
    name: str
    organisation_id: str | None


@dataclass
class Registry:
    service: ArchiveService
    recorded_by: str
    source: dict[str, str]
    created: list[dict[str, Any]] = field(default_factory=list)

    @property
    def app(self) -> Any:
        return self.service.archive

    def organisation(self, name: str) -> Speaker | None:
        name = " ".join(name.split())
        if not name:
            return None
        result = self.app.register_organisation(
            name=name, organisation_kind=organisation_kind(name), recorded_by=self.recorded_by, source=self.source
        )
        if result.created:
            self.created.append({"kind": "organisation", "id": result.id, "reference": result.reference})
        return Speaker(result.id, name, result.id)

    def publisher(self, article: Any) -> Speaker | None:
        organiser = article.meeting.organiser if article.meeting is not None else None
        return self.organisation(organiser) if organiser else None

    def speaker(
        self, name: str | None, party: str | None, role: str | None, organisation: str | None, said_at: str | None
    ) -> Speaker | None:
        if not name:
            return None
        org = self.organisation(organisation) if organisation else None
        person_id = self._match(name, party, role)
        if person_id is None:
            result = self.app.register_person(name=name, party=party, recorded_by=self.recorded_by, source=self.source)
            person_id = result.id
            if result.created:
                self.created.append({"kind": "person", "id": result.id, "reference": result.reference})
        self._update(person_id, name, party, role, org, said_at)
        return Speaker(person_id, self.app.record_state(person_id)["name"], org.organisation_id if org else None)

    def role_holder(self, role: str, organisation_id: str | None, on: str | None) -> Speaker | None:
        """The one person the archive knows in `role` on the day `on`, or None.

        "sier fylkesordføreren" with no name in the article: a person whose recorded role is
        that role (Bokmål or Nynorsk form) with a period covering the day (an open end is
        open). With the organisation known, only its holders (or holders whose organisation
        is not recorded, when none is recorded for it) count. Two candidates, or none, and
        the speaker stays unresolved — never a guess.
        """
        wanted = role_key(role)
        if not wanted:
            return None
        holders: dict[str, tuple[str, str | None]] = {}
        for person in self.service.people.people_with_roles():
            for held in person["roles"]:
                if role_key(held.get("role") or "") != wanted or not _covers(held, on):
                    continue
                holders.setdefault(f"{person['person_id']}|{held.get('organisation_id')}",
                                   (person["person_id"], held.get("organisation_id")))  # fmt: skip
        candidates = list(holders.values())
        if organisation_id is not None:
            own = [c for c in candidates if c[1] == organisation_id]
            candidates = own or [c for c in candidates if c[1] is None]
        people = {person_id for person_id, _ in candidates}
        if len(people) != 1:
            return None
        person_id, org_id = candidates[0]
        return Speaker(person_id, self.app.record_state(person_id)["name"], org_id)

    def _match(self, name: str, party: str | None, role: str | None) -> str | None:
        """An existing person this mention can only mean (by name form, party and role)."""
        # A bare surname is never matched by name alone ("Hansen" would be everyone).
        exact = self.service.people.find_people(name) if len(name.split()) > 1 else []
        if len(exact) == 1:
            return exact[0]
        mention = ParsedPerson(name=name, party=party, role=role)
        found = []
        for candidate in self.service.people.people_with_surname(name.split()[-1]):
            roles = [r["role"] for r in candidate["roles"]]
            for form in candidate["names"]:
                other = ParsedPerson(name=form, party=candidate["party"], role=roles[-1] if roles else None)
                if same_person(mention, other):
                    found.append(candidate["person_id"])
                    break
        return found[0] if len(found) == 1 else None

    def _update(
        self, person_id: str, name: str, party: str | None, role: str | None, org: Speaker | None, said_at: str | None
    ) -> None:
        state = self.app.record_state(person_id)
        if name not in state["names"] and len(name.split()) > 1:
            self.app.add_person_alias(
                person_id,
                expected_version=state["version"],
                name=name,
                recorded_by=self.recorded_by,
                source=self.source,
            )
            state = self.app.record_state(person_id)
        if party and state["party"] is None:
            self.app.change_party(
                person_id, expected_version=state["version"], party=party, recorded_by=self.recorded_by
            )
            state = self.app.record_state(person_id)
        if role:
            org_id = org.organisation_id if org else None
            held = any(r["role"] == role and r["organisation_id"] == org_id and r["to"] is None for r in state["roles"])
            if not held:
                self.app.assign_role(
                    person_id,
                    expected_version=state["version"],
                    role=role,
                    organisation_id=org_id,
                    organisation_name=org.name if org else None,
                    recorded_by=self.recorded_by,
                    source=self.source,
                )
