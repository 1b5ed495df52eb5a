"""Citable references (YYYY/NNNN): the claim each new record's save makes, and the old per-year counter."""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from archive.domain.checks import NAMESPACE


class ReferenceClaim(Aggregate):
    """One citable reference (YYYY/NNNN), claimed by the very save that creates its record.

    Its id is derived from the reference, so the event store's (originator_id, version)
    uniqueness lets only one save ever claim a number (see `archive/references.py`).
    """

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    @staticmethod
    def create_id(year: int, number: int) -> UUID:
        return claim_id(year, number)

    @event("Claimed")
    def __init__(self, year: int, number: int, record_id: str) -> None:
        self.year = year
        self.number = number
        self.record_id = record_id

    @property
    def reference(self) -> str:
        return format_reference(self.year, self.number)


def claim_id(year: int, number: int) -> UUID:
    """The id of the claim on reference `year/number` (one number, one id, on every node)."""
    return uuid5(NAMESPACE, f"reference:{year}/{number}")


def format_reference(year: int, number: int) -> str:
    return f"{year}/{number:04d}"


class ReferenceCounter(Aggregate):
    """Issued references (YYYY/NNNN) for one year until `ReferenceClaim` replaced it.

    No new events are written; archives that used it keep their `Issued` events, which still
    replay, and new numbers of such a year continue after its last one.
    """

    __module__ = "archive.domain"  # stored topics stay `archive.domain:<Class>.<Event>` (see the package docstring)

    @staticmethod
    def create_id(year: int) -> UUID:
        return uuid5(NAMESPACE, f"reference-counter:{year}")

    @event("Started")
    def __init__(self, year: int) -> None:
        self.year = year
        self.last = 0

    @event("Issued")
    def issue(self) -> None:
        self.last += 1

    @property
    def current(self) -> str:
        return f"{self.year}/{self.last:04d}"
