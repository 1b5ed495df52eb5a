"""`Agreement`: an agreement's text and parties over valid time, revision by revision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate, event

from archive.domain.checks import Source, require_date, require_reason, require_text
from archive.domain.record import Record
from archive.exceptions import InvalidCommand


class Agreement(Record):
    """An agreement (avtale), e.g. a partnership agreement between a county and its regions."""

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    KIND = "agreement"
    CORRECTABLE: ClassVar[dict[str, str]] = {"title": "text", "text": "text", "parties": "list"}

    if TYPE_CHECKING:
        # The event classes `@event` defines below, named for the type checker: the history
        # read model has one handler per event class.
        class Registered(Aggregate.Created): ...

        class Revised(Aggregate.Event): ...

        class Terminated(Aggregate.Event): ...

        class Corrected(Aggregate.Event):
            corrects_version: int

    @event("Registered")
    def __init__(
        self,
        key: str,
        reference: str,
        title: str,
        parties: list[str],
        text: str,
        effective_from: str,
        recorded_by: str,
        source: Source | None = None,
        reason: str | None = None,
    ) -> None:
        self.key = require_text(key, "key")
        self.reference = reference
        self.title = require_text(title, "title")
        self.text = require_text(text, "text")
        self.parties = _parties(parties)
        self.effective_from = require_date(effective_from, "effective_from")
        self.effective_to: str | None = None
        self.status = "in_force"
        self._start_public()
        self.revisions: list[dict[str, Any]] = [
            {
                "number": 1,
                "versions": [1],
                "title": self.title,
                "text": self.text,
                "parties": list(self.parties),
                "effective_from": self.effective_from,
                "effective_to": None,
            }
        ]

    @event("Revised")
    def revise(
        self,
        effective_from: str,
        reason: str,
        recorded_by: str,
        title: str | None = None,
        text: str | None = None,
        parties: list[str] | None = None,
        source: Source | None = None,
    ) -> None:
        if self.status == "terminated":
            raise InvalidCommand("a terminated agreement cannot be revised")
        require_reason(reason, "a revision")
        effective_from = require_date(effective_from, "effective_from")
        previous = self.revisions[-1]
        if effective_from < previous["effective_from"]:
            raise InvalidCommand(
                f"effective_from {effective_from} is earlier than the previous revision's "
                f"{previous['effective_from']}"
            )
        new_title = self.title if title is None else require_text(title, "title")
        new_text = self.text if text is None else require_text(text, "text")
        new_parties = self.parties if parties is None else _parties(parties)
        if (new_title, new_text, new_parties) == (self.title, self.text, self.parties):
            raise InvalidCommand("a revision must change the title, text or parties")
        previous["effective_to"] = effective_from
        self.title, self.text, self.parties = new_title, new_text, list(new_parties)
        self.effective_from = effective_from
        self.revisions.append(
            {
                "number": len(self.revisions) + 1,
                "versions": [self.version + 1],
                "title": new_title,
                "text": new_text,
                "parties": list(new_parties),
                "effective_from": effective_from,
                "effective_to": None,
            }
        )

    @event("Terminated")
    def terminate(
        self, effective_to: str, reason: str, recorded_by: str, source: Source | None = None
    ) -> None:
        if self.status == "terminated":
            raise InvalidCommand("the agreement is already terminated")
        require_reason(reason, "a termination")
        effective_to = require_date(effective_to, "effective_to")
        if effective_to < self.effective_from:
            raise InvalidCommand("an agreement cannot end before its current revision began")
        self.status = "terminated"
        self.effective_to = effective_to
        self.revisions[-1]["effective_to"] = effective_to

    @event("Corrected")
    def correct(
        self,
        corrects_version: int,
        changes: dict[str, Any],
        reason: str,
        recorded_by: str,
        source: Source | None = None,
    ) -> None:
        require_reason(reason, "a correction")
        revision = self.revision_of_version(corrects_version)
        if not isinstance(changes, dict) or not changes:
            raise InvalidCommand("a correction must change at least one field")
        for name, value in changes.items():
            if name not in self.CORRECTABLE:
                raise InvalidCommand(f"agreement has no correctable field {name!r}")
            value = _parties(value) if name == "parties" else require_text(value, name)
            if revision[name] == value:
                raise InvalidCommand(f"correction of {name!r} does not change anything")
            revision[name] = value
        revision["versions"].append(self.version + 1)
        if revision is self.revisions[-1]:
            self.title, self.text = revision["title"], revision["text"]
            self.parties = list(revision["parties"])

    def revision_of_version(self, version: object) -> dict[str, Any]:
        """The revision whose content the given aggregate version recorded."""
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidCommand("corrects_version must be a version number")
        for revision in self.revisions:
            if version in revision["versions"]:
                return revision
        raise InvalidCommand(
            f"version {version} does not exist or did not record agreement text "
            f"(versions 1–{self.version} exist)"
        )

    def valid_from(self) -> str | None:
        return self.effective_from


def _parties(value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidCommand("parties must be a non-empty list of organisation ids")
    parties = [require_text(p, "party").strip() for p in value]
    if len(set(parties)) != len(parties):
        raise InvalidCommand("parties must not repeat")
    return parties
