"""Who said each quote: walks the body in order, with the previous speaker and people just named."""

from __future__ import annotations

import re

from archive.importers import attribution as attr
from archive.importers.attribution import ParsedPerson, PersonRegistry, Speaker
from archive.importers.news.layout import Unit
from archive.importers.news.marks import DASH_START, OPENERS, SENTENCE_SPLIT, sentence_end, trim_quote, valid_clause
from archive.importers.news.parsed import ParsedStatement
from archive.importers.news.quotes import Segment, segments_of


def _unresolved_role(segment: Segment) -> str | None:
    """"fylkesordfører" for a quote attributed only to "fylkesordføreren" (no name in the article)."""
    word = segment.match.groupdict().get("role_def") if segment.match is not None else None
    return attr.role_stem(word) if word else None


class Statements:
    """Walks the body in order, keeping the previous speaker and people just introduced."""

    def __init__(self, units: list[Unit], paragraphs: list[Unit], registry: PersonRegistry):
        self.units = [u for u in units if u.kind not in {"chrome", "meta", "footer", "title"}]
        self.paragraph_index = {id(u): i for i, u in enumerate(paragraphs)}
        self.registry = registry
        self.previous: ParsedPerson | None = None
        self.nearby: ParsedPerson | None = None
        self.found: list[ParsedStatement] = []
        # Everyone mentioned so far, latest last, for pronouns the previous speaker cannot fit.
        self.recent: list[ParsedPerson] = []

    def extract(self) -> list[ParsedStatement]:
        # Paragraphs inside a quote that runs on from an earlier «-paragraph, with its speaker.
        in_block: dict[int, tuple[Segment, Speaker]] = {}
        for position, unit in enumerate(self.units):
            if unit.kind == "lede":
                self._note_narrative(unit.text)
            if position in in_block:
                segment, speaker = in_block.pop(position)
                self._record(unit, position, segment, speaker)
            elif unit.kind == "paragraph":
                segments = segments_of(unit.text)
                if not segments:
                    self._note_narrative(unit.text)
                for segment in segments:
                    block = self._quote_block(position) if segment.kind == "continues" else None
                    if block is None:
                        self._record(unit, position, segment)
                        continue
                    speaker = self._block_speaker(segment, position, block)
                    self._record(unit, position, segment, speaker)
                    in_block.update({at: (part, speaker) for at, part in block})
            self._note_mentions(unit.text)
        return _without_repeats(self.found)

    def _quote_block(self, start: int) -> list[tuple[int, Segment]] | None:
        """The paragraphs a «-quote left open at `start` runs on through, up to where it closes.

        Public bodies print a long statement as «A / B / C, avslutter X." or «A / B / C.»:
        only the first paragraph opens the mark. The quote goes on through plain paragraphs
        until one closes it (» or ”) or ends in an attribution clause; a quote that never
        closes is not followed (the paragraphs after it may be the journalist's again).
        """
        found: list[tuple[int, Segment]] = []
        for position in range(start + 1, len(self.units)):
            unit = self.units[position]
            text = unit.text
            if unit.kind not in {"paragraph", "subheading"} or DASH_START.match(text) or text[:1] in OPENERS:
                return None
            closer = re.search(r"[»”]", text)
            if closer is not None:
                clause = attr.CLAUSE.match(text, closer.start())
                clause = clause if clause is not None and valid_clause(clause) else None
                found.append((position, Segment(trim_quote(text[: closer.start()]), clause)))
                return found
            ending = [
                m for m in attr.CLAUSE.finditer(text)
                if valid_clause(m) and not text[sentence_end(text, m.end()) :].strip()
            ]  # fmt: skip
            if ending:
                found.append((position, Segment(trim_quote(text[: ending[-1].start()]), ending[-1])))
                return found
            found.append((position, Segment(text.strip(), None, kind="continues")))
        return None

    def _block_speaker(self, first: Segment, position: int, block: list[tuple[int, Segment]]) -> Speaker:
        """Who speaks a multi-paragraph quote: the clause that closes it, a "Dette sa X" after
        it, or whoever introduced it ("Ordfører X uttaler følgende:")."""
        closing = block[-1][1]
        if closing.match is not None:
            return self._resolve(closing.match)
        after = block[-1][0] + 1
        if after < len(self.units) and self.units[after].kind == "paragraph":
            sentence = attr.ATTRIBUTION_SENTENCE.match(self.units[after].text)
            if sentence is not None and attr.particle_ok(sentence):
                found = self._resolve(sentence)
                return Speaker(found.person, "following", found.confidence)
        return self._speaker(first, position)

    def _note_mentions(self, text: str) -> None:
        found: list[tuple[int, ParsedPerson]] = []
        for person in self.registry.people:
            forms = {person.name, person.name.split()[-1]}
            hits = (re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text) for form in forms)
            at = max((m.start() for found_in in hits for m in found_in), default=-1)
            if at >= 0:
                found.append((at, person))
        for _, person in sorted(found, key=lambda item: item[0]):
            if person in self.recent:
                self.recent.remove(person)
            self.recent.append(person)

    def _resolve(self, match: re.Match[str]) -> Speaker:
        return attr.resolve_subject(match, self.registry, self.previous, self.nearby, self.recent)

    def _record(self, unit: Unit, position: int, segment: Segment, speaker: Speaker | None = None) -> None:
        if segment.match is None and self._is_interview_question(segment, position):
            return
        speaker = speaker or self._speaker(segment, position)
        if segment.kind == "needs_attribution" and speaker.method not in {"byline", "following"}:
            return
        person = speaker.person
        # Without a dash or quote marks, speech and paraphrase look alike: trust it less.
        confidence = speaker.confidence * (0.7 if segment.kind == "dashless" else 1.0)
        self.found.append(
            ParsedStatement(
                text=segment.text,
                speaker_name=person.name if person else None,
                party=person.party if person else None,
                # An unresolved "sier fylkesordføreren" keeps its role, for the archive's registry.
                role=person.role if person else _unresolved_role(segment),
                organisation=person.organisation if person else _speaking_organisation(segment),
                paragraph_index=self.paragraph_index[id(unit)],
                method=speaker.method,
                confidence=confidence if person else 0.0,
                flagged=person is None,
            )
        )
        self.previous, self.nearby = person, None

    def _speaker(self, segment: Segment, position: int) -> Speaker:
        if segment.match is not None:
            return self._resolve(segment.match)
        following = self.units[position + 1] if position + 1 < len(self.units) else None
        if segment.kind == "continues" or (self.previous is None and self.nearby is None):
            # The speaker is named at the end of the quote: "«A.» / «B», sier X." or, opening
            # an article with no one introduced yet, "– A. / – B, sier X.".
            ahead = self._named_in_next_quote(following)
            if ahead is not None:
                return ahead
        if following is not None and following.kind == "byline":
            byline = attr.BYLINE.match(following.text)
            if byline:
                person = self.registry.add(byline["name"], byline["party"], byline["role"])
                return Speaker(person, "byline", 0.9)
        if following is not None and following.kind == "paragraph":
            after = attr.ATTRIBUTION_SENTENCE.match(following.text)
            if after and attr.particle_ok(after):
                speaker = self._resolve(after)
                return Speaker(speaker.person, "following", speaker.confidence)
        if segment.after_colon is not None:
            named_before = _last_person_in(segment.after_colon, self.registry, self.previous)
            if named_before is not None:
                return Speaker(named_before, "preceding", 0.8)
        if self.nearby is not None:
            return Speaker(self.nearby, "preceding", 0.65)
        if self.previous is not None:
            # A tail without its own dash is the likeliest continuation to be narrative after all.
            return Speaker(self.previous, "continuation", 0.6 if segment.kind == "tail" else 0.75)
        # The only person named so far is the likely speaker; someone named only further
        # down (a contact line, a later paragraph) is not: better None than a guess.
        people = [p for p in self.registry.people if self._named_before(p, position)]
        if len(people) == 1:
            return Speaker(people[0], "preceding", 0.5)
        return Speaker(None, "continuation", 0.0)

    def _named_in_next_quote(self, following: Unit | None) -> Speaker | None:
        if following is None or following.kind != "paragraph":
            return None
        if not (DASH_START.match(following.text) or following.text[:1] in OPENERS):
            return None
        segments = segments_of(following.text)
        if not segments or segments[0].match is None or segments[0].match.group("pronoun"):
            return None
        speaker = self._resolve(segments[0].match)
        return Speaker(speaker.person, "following", speaker.confidence) if speaker.person else None

    def _named_before(self, person: ParsedPerson, position: int) -> bool:
        surname = person.name.split()[-1]
        return any(
            re.search(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", u.text)
            for u in self.units[:position]
        )

    def _is_interview_question(self, segment: Segment, position: int) -> bool:
        """A dashed question answered by a dashed paragraph is the journalist asking."""
        if not segment.text.rstrip().endswith("?"):
            return False
        following = self.units[position + 1] if position + 1 < len(self.units) else None
        return following is not None and bool(DASH_START.match(following.text))

    def _note_narrative(self, text: str) -> None:
        """Remember who a narrative paragraph introduces as the subject of a sentence."""
        for sentence in SENTENCE_SPLIT.split(text):
            person = _sentence_subject(sentence, self.registry, self.previous)
            if person is not None:
                self.nearby = person


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _without_repeats(statements: list[ParsedStatement]) -> list[ParsedStatement]:
    """Drop a quote printed twice: a headline or crosshead ("– Fleire skal ta bussen") or a
    pull quote repeating (the start of) a statement made elsewhere in the article.

    Of two statements where one's text is the other's or opens it, the one with the weaker
    attribution goes (on a tie the later, the repeat).
    """
    keep = list(statements)
    for statement in statements:
        mine = _comparable(statement.text)
        if len(mine.split()) < 3:
            continue
        for other in keep:
            theirs = _comparable(other.text)
            if other is statement or not (theirs == mine or theirs.startswith(f"{mine} ")):
                continue
            if (statement.confidence, -statement.paragraph_index) <= (other.confidence, -other.paragraph_index):
                keep.remove(statement)
                break
    return keep


def _speaking_organisation(segment: Segment) -> str | None:
    """The body named as the source of an unattributed-to-a-person quote ("skriv NHO")."""
    match = segment.match
    return match.group("org") if match is not None and "org" in match.re.groupindex else None


def _sentence_subject(
    sentence: str, registry: PersonRegistry, previous: ParsedPerson | None
) -> ParsedPerson | None:
    """The person a sentence starts with: "Ordfører i X Jon Ivar Nygård nevnte …", "Fylkesordføraren …"."""
    sentence = sentence.strip()
    role_name = re.match(rf"{attr.ROLE_WITH_QUALIFIER},?\s+(?P<name>{attr.FULL_NAME})", sentence)
    if role_name:
        return registry.get(role_name.group("name")) or registry.add(role_name.group("name"))
    full = re.match(rf"(?P<name>{attr.FULL_NAME})\b", sentence)
    if full and registry.get(full.group("name")):
        return registry.get(full.group("name"))
    role_word = re.match(rf"(?P<word>{attr.ROLE_DEFINITE})\b", sentence)
    if role_word:
        return attr.resolve_role_word(role_word.group("word"), registry, previous).person
    surname = re.match(rf"(?P<name>{attr.NAME_WORD})\b", sentence)
    if surname:
        candidates = registry.by_surname(surname.group("name"))
        if len(candidates) == 1:
            return candidates[0]
    return None


def _last_person_in(text: str, registry: PersonRegistry, previous: ParsedPerson | None) -> ParsedPerson | None:
    """The last person named in `text` ("Til det svarte fylkesordfører Terje Damman")."""
    best: tuple[int, ParsedPerson] | None = None
    for person in registry.people:
        for form in (person.name, person.name.split()[-1]):
            at = text.rfind(form)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, person)
    return best[1] if best else None


def speakers_of(statements: list[ParsedStatement]) -> list[ParsedPerson]:
    seen: dict[str, ParsedPerson] = {}
    for s in statements:
        if s.speaker_name and s.speaker_name not in seen:
            seen[s.speaker_name] = ParsedPerson(s.speaker_name, s.party, s.role, s.organisation)
    return list(seen.values())
