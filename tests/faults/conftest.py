"""The fault suite prints its figures: collected by the `figures` fixture, shown in pytest's summary.

They appear in `.ci/run` output without `-s` (a "fault suite figures" section at the end).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

FIGURES = pytest.StashKey[list[str]]()


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Record one line of measured figures for the summary (test name prefixed)."""
    lines = request.config.stash.setdefault(FIGURES, [])

    def record(line: str) -> None:
        lines.append(f"{request.node.name}: {line}")

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("fault suite figures")
        for line in lines:
            terminalreporter.write_line(line)
