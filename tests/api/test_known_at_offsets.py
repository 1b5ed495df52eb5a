"""known_at is an instant: the same moment written with any offset finds the same records.

The index keeps UTC; a known_at given in another offset must be brought to UTC, not have its
offset dropped (which would move it by hours).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tests.api.conftest import Scenario

WORD = "tussefløyte"  # invented: no other record says it


def _in(moment: datetime, hours: int) -> str:
    return moment.astimezone(timezone(timedelta(hours=hours))).isoformat(timespec="seconds")


def _count(s: Scenario, known_at: str) -> int:
    answer = s.client.get("/api/search", params={"q": WORD, "known_at": known_at})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["count"])


def test_known_at_in_any_offset_is_the_same_moment(indexed: Scenario) -> None:
    # A moment before the statement is recorded, and one after it.
    before = datetime.now(UTC) - timedelta(seconds=2)
    person = indexed.post("/api/people", {"name": "Kari Nordmann", "party": "H"})
    indexed.post("/api/statements", {
        "text": f"En {WORD} i hver skole, sa hun.", "said_at": "2016-03-01",
        "speaker_id": person["id"], "speaker_name": "Kari Nordmann", "party": "H"})
    after = datetime.now(UTC) + timedelta(seconds=2)
    # Before, written in Oslo summer time (+02:00, a wall clock two hours later): not known yet.
    assert _count(indexed, _in(before, 2)) == 0
    # After, written west of UTC (-03:00, a wall clock three hours earlier): known.
    assert _count(indexed, _in(after, -3)) == 1
    # The same two moments in UTC answer the same (asked after the others, which the result
    # cache, keyed by the moment, might otherwise have answered).
    assert (_count(indexed, _in(before, 0)), _count(indexed, _in(after, 0))) == (0, 1)
