"""Who said it: the people an article names and the speaker an attribution clause points to.

The patterns (names, parties, roles, speech verbs, clauses) are archive.importers.speech_patterns,
re-exported here for the parsers that read them as `attribution.CLAUSE` and the like.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from archive.importers.speech_patterns import (
    ANY_NAME,
    ATTRIBUTION_SENTENCE,
    BYLINE,
    CLAUSE,
    FULL_NAME,
    LOWER,
    NAME_ONLY_LINE,
    NAME_WITH_PARTY,
    NAME_WITH_ROLE,
    NAME_WORD,
    ORG_AFTER,
    PARTY,
    PARTY_PAREN,
    PLACE_BEFORE,
    PLAIN_NAME,
    PRONOUNS,
    ROLE,
    ROLE_BEFORE_NAME,
    ROLE_DEF_ALONE,
    ROLE_DEFINITE,
    ROLE_HEADS,
    ROLE_PREFIX,
    ROLE_THEN_NAME,
    ROLE_WITH_QUALIFIER,
    SPEECH_VERB,
    UPPER,
    particle_ok,
)

# The patterns other parsers read as `attribution.CLAUSE` and the like stay importable from here.
__all__ = [
    "ANY_NAME",
    "ATTRIBUTION_SENTENCE",
    "BYLINE",
    "CLAUSE",
    "FULL_NAME",
    "NAME_ONLY_LINE",
    "NAME_WORD",
    "PARTY",
    "PARTY_PAREN",
    "PRONOUNS",
    "ROLE",
    "ROLE_DEFINITE",
    "ROLE_PREFIX",
    "ROLE_WITH_QUALIFIER",
    "SPEECH_VERB",
    "ParsedPerson",
    "PersonRegistry",
    "Speaker",
    "organisation_of",
    "particle_ok",
    "pronoun_fits",
    "resolve_role_word",
    "resolve_subject",
    "role_stem",
    "same_person",
    "scan_people",
]


@dataclass(frozen=True)
class ParsedPerson:
    """A person as the article states them: full name, party, role and organisation."""

    name: str
    party: str | None = None
    role: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker with how we found them."""

    person: ParsedPerson | None
    method: str
    confidence: float


class PersonRegistry:
    """Everyone the article names, so that surnames and role words can be resolved."""

    def __init__(self) -> None:
        self._people: dict[str, ParsedPerson] = {}

    @property
    def people(self) -> list[ParsedPerson]:
        return list(self._people.values())

    def add(self, name: str, party: str | None = None, role: str | None = None) -> ParsedPerson:
        """Register or enrich a person; the first stated party and role win."""
        name, prefix = _split_role_prefix(" ".join(name.split()))
        role = _tidy_role(role or prefix)
        known = self._people.get(name)
        if known is None:
            known = ParsedPerson(name, party, role, organisation_of(role))
        else:
            known = replace(
                known,
                party=known.party or party,
                role=known.role or role,
                organisation=known.organisation or organisation_of(known.role or role),
            )
        self._people[name] = known
        return known

    def get(self, name: str) -> ParsedPerson | None:
        return self._people.get(" ".join(name.split()))

    def by_surname(self, surname: str) -> list[ParsedPerson]:
        """People whose last name part (or hyphenated part) is `surname`."""
        return [p for p in self._people.values() if _last(p.name) == surname]

    def drop_partial_names(self) -> None:
        """Forget "Lie Haugen" when "Anne Marit Lie Haugen" is known: the same person, cut short."""
        for name in list(self._people):
            longer = self.ending_with(name)
            # "Svelvik Andreas Muri" (a place run into a name) does not swallow "Andreas Muri".
            if len(longer) == 1 and (_is_first_name(longer[0].name) or not _is_first_name(name)):
                known = self._people.pop(name)
                self.add(longer[0].name, known.party, known.role)

    def ending_with(self, names: str) -> list[ParsedPerson]:
        """People whose full name ends with the multi-part surname `names` ("Lie Haugen")."""
        return [p for p in self._people.values() if p.name.endswith(f" {names}")]

    def by_first_name(self, first: str) -> list[ParsedPerson]:
        return [p for p in self._people.values() if " " in p.name and p.name.split()[0] == first]

    def by_role_word(self, word: str) -> list[ParsedPerson]:
        """People whose stated role fits a definite role word ("fylkesordføreren")."""
        head = role_stem(word)
        if not head:
            return []
        exact = [p for p in self._people.values() if p.role and _role_head(p.role) == head]
        if exact:
            return exact
        # "KS-lederen" → someone who is "styreleder i KS": every part of the word in the role.
        parts = [part for part in head.split("-") if part]
        holders = [
            p
            for p in self._people.values()
            if p.role and all(part in p.role.lower() for part in parts)
        ]
        if holders or len(parts) < 2:
            return holders
        # "Radøy-ordføraren": the prefix is the place; the one "ordførar" in the article is meant.
        return [p for p in self._people.values() if p.role and _role_head(p.role) == parts[-1]]


def scan_people(text: str, registry: PersonRegistry) -> None:
    """Register every person the text introduces with a role, a party or a byline."""
    for line in text.split("\n"):
        line = line.strip()
        for match in ROLE_BEFORE_NAME.finditer(line):
            registry.add(match.group("name"), match.group("party"), match.group("role"))
        for match in NAME_WITH_ROLE.finditer(line):
            registry.add(match.group("name"), match.group("party"), match.group("role"))
        for match in ROLE_THEN_NAME.finditer(line):
            registry.add(match.group("name"), match.group("party"), match.group("role"))
        for match in NAME_WITH_PARTY.finditer(line):
            name = match.group("name")
            if PLACE_BEFORE.search(line[: match.start()]) and len(name.split()) > 2:
                name = name.split(maxsplit=1)[1]  # "ordfører i Svelvik Andreas Muri (H)"
            registry.add(name, match.group("party"))
        if NAME_ONLY_LINE.match(line):
            registry.add(line)
        for match in PLAIN_NAME.finditer(line):
            if _looks_like_person(match, line):
                registry.add(match.group("name"))
        for match in CLAUSE.finditer(line):
            if match.group("name") and " " in match.group("name").strip():
                registry.add(match.group("name"), match.group("party"), match.group("name_role"))
    registry.drop_partial_names()


def _is_first_name(name: str) -> bool:
    first = name.split()[0].lower()
    return first in _FEMALE or first in _MALE


# Capitalised words that open names of places and bodies ("Nye Veier", "Indre Østfold").
_NOT_FIRST_NAMES = frozenset(
    "nye ny statens norges den det indre ytre nordre søndre øvre nedre store vest øst nord sør "
    "midt kong dronning sankt st".split()
)


def _looks_like_person(match: re.Match[str], line: str) -> bool:
    """A capitalised run of words is a person when it starts with a common first name, or
    when it stands inside a sentence (Norwegian capitalises no other nouns there) and is no
    place ("i Nordre Land") or organisation ("Sogndal kommune")."""
    name, before = match.group("name"), line[: match.start()]
    if ORG_AFTER.match(line[match.end() :]) or PLACE_BEFORE.search(before):
        return False
    if re.fullmatch(ROLE, name.split()[0]):
        return False  # "Ordfører Kari Holm" is registered with its role elsewhere
    first = name.split()[0].lower()
    if first in _NOT_FIRST_NAMES:
        return False
    if first in _FEMALE or first in _MALE:
        return True
    return bool(re.search(rf"[{LOWER}],?\s+$", before))


def resolve_subject(
    match: re.Match[str], registry: PersonRegistry, previous: ParsedPerson | None,
    nearby: ParsedPerson | None, recent: Sequence[ParsedPerson] = (),
) -> Speaker:  # fmt: skip
    """Turn the subject of an attribution clause into a person, or an honest None.

    `recent` lists the people mentioned so far, latest last: a "ho"/"hun" that cannot be
    the previous speaker (a known man's first name) goes to the latest fitting person.
    """
    groups = match.groupdict()
    if groups.get("pronoun"):
        pronoun = groups["pronoun"].lower()
        if nearby is not None and pronoun_fits(pronoun, nearby):
            return Speaker(nearby, "preceding", 0.75)
        if previous is not None and pronoun_fits(pronoun, previous):
            return Speaker(previous, "pronoun", 0.8)
        fitting = [p for p in reversed(recent) if pronoun_fits(pronoun, p, strict=True)]
        if fitting:
            return Speaker(fitting[0], "pronoun", 0.6)
        return Speaker(None, "pronoun", 0.0)
    if groups.get("org"):
        return Speaker(None, "organisation", 0.0)
    if groups.get("role_name"):
        role = groups["role_name"]
        return _by_name(groups["rn_name"], registry, previous, role, groups.get("rn_party"))
    if groups.get("role_def"):
        return resolve_role_word(groups["role_def"], registry, previous)
    return _by_name(groups["name"], registry, previous, groups.get("name_role"), groups.get("party"))


# Common Norwegian first names by gender, to check "han"/"ho" against a candidate. A name
# not listed is compatible with any pronoun: the check only rules out clear mismatches.
_FEMALE = frozenset(
    "anne inger kari marit ingrid liv eva berit astrid bjørg hilde anna solveig marianne randi ida "
    "nina ellen elisabeth kristin heidi silje hanne grete gunn tone turid camilla ragnhild siri "
    "monica linda tove wenche karin elin sigrid marte maria mari guri åse unni laila nora emma sara "
    "lise line lene ane aud gro bente britt jorunn kirsten torill trine tonje vigdis åshild solfrid "
    "ingunn oddny gunhild margit kjersti stine synnøve ragnhild hege janne mette malin ingeborg jenny "
    "helga helene marte sissel reidun eli birgit liv-anne hanna kristine cecilie "
    # More of the commonest women's names (Bokmål and Nynorsk areas, several generations).
    "gerd ruth oddrun jorid signe marianne hilde-gunn tove-lise karen margrethe margareta "
    "merete kathrine katrine karianne gunhild brit anita beate bodil dagny dagrun eldbjørg "
    "elisabet else elsa frida gudrun hege-marit henriette hildegunn ingvild irene jane johanne "
    "julie june kaja karoline kjellaug kristi lill lillian lisbeth live lovise magnhild "
    "maren margit marthe martine mona mildrid mirjam nanna oda olaug oline pernille ragna "
    "rakel reidunn rigmor rita rønnaug sandra sigrun sigve-anne silja siv solbjørg solveig-anne "
    "sonja stina sunniva susanne synne thea therese tina torhild torunn tuva unn vibeke "
    "victoria vilde vivian wenke yvonne åsa aslaug amalie andrea annette ann anne-grethe "
    "anne-lise anne-marit annlaug astri audhild benedicte bjørg-elin borghild dorthe ellinor "
    "embla emilie eva-britt ewa gry hedda hedvig hilda ingebjørg ingri iselin jannicke "
    "kirsti lena lindis liss lone margunn mariann marita mette-marit mia målfrid norunn "
    "ragnfrid renate ronja ruth-elin selma serina sofie stine-marie svanhild tordis trude "
    "trine-lise turi una venche åslaug".split()
)
_MALE = frozenset(
    "jan per bjørn ole lars kjell knut arne svein hans thomas geir tor terje morten john odd erik "
    "martin andreas rune trond harald olav tore jon einar rolf magnus anders kristian leif nils "
    "gunnar stein espen øyvind eirik petter jørgen sverre frode helge håkon arild ivar oddvar "
    "steinar sigurd roger roar vidar tom kåre asbjørn trygve even tommy ola pål kjetil audun "
    "halvor torbjørn sindre jostein ketil bård dag finn gaute henrik jonas mats simon torstein "
    "aksel sveinung eivind egil atle ove bengt alf haakon sven "
    # More of the commonest men's names.
    "alexander anton are arnfinn arnt arve asle audun-andre bendik birger bjarne bjarte børge "
    "christian christopher daniel david edvard eilif einar-johan elias emil endre erlend "
    "erling fredrik gard geir-arne gisle glenn gudmund gustav hallvard hans-petter harald-olav "
    "helge-andre henning herman idar inge ingvar isak jakob jarle jens jo joakim johan johannes "
    "jon-erik jone jørn karl karsten kenneth kim-andre kristoffer lasse leiv ludvig magne "
    "marius mathias mikael nicolai njål noah odd-arne oddbjørn oddmund olai ole-martin oskar "
    "otto paul peder petter-andre ragnar reidar robert runar rune-arne sebastian sigmund "
    "sivert snorre stian stig sturla sveinung-andre terje-olav thor thorbjørn thore tobias "
    "tollef tord tormod trond-erik truls ulf vegard vebjørn vemund viggo vilhelm willy yngve "
    "øystein åge ådne bernt brede carl dagfinn eilert ernst fridtjof gjermund halfdan "
    "hallstein hermund ingolf jardar kolbjørn lars-erik mons nils-olav olve per-olav "
    "rasmus severin steffen sveinung-olav tarjei teodor torgeir torkel torleiv valter".split()
)


def pronoun_fits(pronoun: str, person: ParsedPerson, strict: bool = False) -> bool:
    """Could `pronoun` refer to `person`? Unknown first names fit unless `strict`."""
    first = person.name.split()[0].lower() if " " in person.name else ""
    female, male = first in _FEMALE, first in _MALE
    if pronoun in {"ho", "hun"}:
        return female or (not strict and not male)
    if pronoun == "han":
        return male or (not strict and not female)
    return True


def resolve_role_word(word: str, registry: PersonRegistry, previous: ParsedPerson | None) -> Speaker:
    """A definite role word refers to the one person holding that role in the article."""
    holders = registry.by_role_word(word)
    if previous is not None and previous in holders:
        return Speaker(previous, "role", 0.85)
    if len(holders) == 1:
        return Speaker(holders[0], "role", 0.85)
    return Speaker(None, "role", 0.0)


def role_stem(word: str) -> str | None:
    """Indefinite lower-case form of a definite role word, or None if it is not one."""
    word = word.strip().lower()
    if not ROLE_DEF_ALONE.match(word):
        return None
    for suffix in ("ane", "ene", "en", "et", "a"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and re.search(rf"(?:{ROLE_HEADS})$", stem):
            return stem
    return None


def organisation_of(role: str | None) -> str | None:
    """The organisation in a role phrase: "ordfører i Ringerike kommune" → "Ringerike kommune"."""
    if not role:
        return None
    match = re.search(rf"\s(?:i|ved|hos)\s+(?P<org>[{UPPER}][^,.;]*)$", role)
    return match.group("org").strip() if match else None


def same_person(a: ParsedPerson, b: ParsedPerson) -> bool:
    """Could two mentions (possibly in different articles) be the same person?

    Surnames must agree; given names must agree where both are written out, and an
    initial ("B.") or a missing middle name is compatible with any; stated parties must agree.
    """
    if _last(a.name) != _last(b.name):
        return False
    if a.party and b.party and a.party.lower() != b.party.lower():
        return False
    given_a, given_b = a.name.split()[:-1], b.name.split()[:-1]
    if not given_a or not given_b:
        # A surname alone needs the roles to agree, else "Hansen" would be everyone.
        return bool(a.role and b.role and _role_head(a.role) == _role_head(b.role))
    if given_a[0] != given_b[0]:
        return False
    middle_a, middle_b = given_a[1:], given_b[1:]
    for x, y in zip(middle_a, middle_b, strict=False):
        if x.endswith(".") or y.endswith("."):
            if x[0] != y[0]:
                return False
        elif x != y:
            return False
    return True


def _by_name(
    raw: str, registry: PersonRegistry, previous: ParsedPerson | None, role: str | None,
    party: str | None,
) -> Speaker:  # fmt: skip
    name = " ".join(raw.split())
    if " " in name and registry.get(name) is None:
        # "sier Lie Haugen" after "Anne Marit Lie Haugen": a multi-part surname, not a new person.
        longer = registry.ending_with(name)
        if len(longer) == 1:
            return Speaker(longer[0], "surname", 0.9)
    if " " in name:
        return Speaker(registry.add(name, party, role), "clause", 0.95)
    candidates = registry.by_surname(name)
    if previous is not None and previous in candidates:
        return Speaker(previous, "surname", 0.9)
    if len(candidates) == 1:
        return Speaker(candidates[0], "surname", 0.9)
    by_first = registry.by_first_name(name)
    if not candidates and len(by_first) == 1:
        # Interviews and school pages call people by their first name ("fortel Arnstein").
        return Speaker(by_first[0], "first name", 0.8)
    if role:
        # "sier ordfører Nilsen" with no full name anywhere: keep what the text says.
        return Speaker(ParsedPerson(name, party, _tidy_role(role), organisation_of(role)), "surname", 0.6)
    return Speaker(None, "surname", 0.0)


def _split_role_prefix(name: str) -> tuple[str, str | None]:
    """A sentence-initial role is capitalised like a name: "Fylkesordførar Ingrid Solstad"."""
    first, _, rest = name.partition(" ")
    if rest and " " in rest and re.fullmatch(ROLE, first):
        return rest, first
    return name, None


def _tidy_role(role: str | None) -> str | None:
    if not role:
        return None
    role = " ".join(role.split()).strip(" ,")
    # Lower-case the first letter where the role opened a sentence ("Ordfører i …").
    if role[:1].isupper() and not role[1:2].isupper():
        role = role[0].lower() + role[1:]
    return role or None


def _role_head(role: str) -> str:
    return role.lower().split()[0] if role.split() else ""


def _last(name: str) -> str:
    return name.split()[-1] if name.split() else ""
