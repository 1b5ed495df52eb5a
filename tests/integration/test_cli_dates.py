"""`protokoll search` reads --known-at and --valid-at with archive.values, as the API does.

On the command line an instant typed without an offset is UTC (the archive's own clock);
with an offset it is that moment. Lax forms are one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from tests.integration.test_cli import protokoll

WORDS = "avtale*"  # the invented sample's agreement and the meeting about it


def test_search_reads_known_at_as_one_moment_and_refuses_lax_dates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # The sample is recorded between two moments we note.
    before = datetime.now(UTC) - timedelta(seconds=1)
    assert protokoll(data, "sample").returncode == 0
    after = datetime.now(UTC) + timedelta(seconds=1)

    def total(known_at: str) -> int:
        run = protokoll(data, "search", WORDS, "--known-at", known_at, "--json")
        assert run.returncode == 0, run.stderr
        return int(json.loads(run.stdout)["total"])

    # After the sample, typed as UTC wall-clock time without an offset, and in Oslo summer time
    # (+02:00): the same moment, so the same records. Were the bare time Oslo's, it would fall
    # before the sample and find nothing.
    found = total(after.strftime("%Y-%m-%dT%H:%M:%S"))
    assert found > 0
    assert total(after.astimezone(timezone(timedelta(hours=2))).isoformat(timespec="seconds")) == found
    # Before the sample, written west of UTC (a wall clock hours earlier, later as a bare time): nothing.
    assert total(before.astimezone(timezone(timedelta(hours=-3))).isoformat(timespec="seconds")) == 0
    # A week date, an offset without its colon: refused in one line naming the option.
    for option, value, form in (("--valid-at", "2016-W06-4", "a date (YYYY-MM-DD)"),
                                ("--known-at", "2016-10-01T12:00+0200", "an ISO datetime")):
        run = protokoll(data, "search", WORDS, option, value)
        assert run.returncode != 0
        assert run.stderr.strip().splitlines() == [f"error: {option} must be {form}, not {value!r}"]
