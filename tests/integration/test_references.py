"""Citable references, narrated: claimed by the save itself, gap-free, the same after a rebuild,
continuing archives numbered by the old per-year counter — per backend, and on two nodes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archive.config import Settings
from archive.domain import ReferenceCounter, Statement
from archive.exceptions import InvalidCommand
from archive.service import ArchiveService

ME = "arkivar@test"


def statement(svc: ArchiveService, text: str, said_at: str = "2016-02-11") -> str:
    return svc.archive.record_statement(
        text=text, said_at=said_at, speaker_name="Kari Nordmann", recorded_by=ME
    ).reference


def test_an_archive_numbered_by_the_old_counter_continues_after_its_last_number(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    with ArchiveService(settings, search=False) as svc:
        # An archive written before claims existed: the 2016 counter issued 2016/0001 … 2016/0003,
        # each saved with its statement, as the old code did.
        counter = ReferenceCounter(year=2016)
        for n in range(1, 4):
            counter.issue()
            old = Statement(key=f"gammel-{n}", reference=counter.current, text=f"Gammelt sitat {n}",
                            speaker_id=None, speaker_name="Ola", speaker_role=None, party=None,
                            organisation_id=None, organisation_name=None, said_at="2016-01-05", recorded_by=ME)
            svc.archive.save(counter, old)
        # The old counter's events still replay.
        assert svc.archive.repository.get(ReferenceCounter.create_id(2016)).current == "2016/0003"
    # A new process (nothing remembered) numbers the next statement after the counter's last.
    with ArchiveService(settings, search=False) as svc:
        assert statement(svc, "Nytt sitat") == "2016/0004"
        assert statement(svc, "Enda et sitat") == "2016/0005"
        svc.catch_up()
        # The read models see the five statements, not the counter's or the claims' events.
        assert svc.catalog.counts()["statement"] == 5
        assert svc.catalog.get("2016/0004")["state"]["text"] == "Nytt sitat"
        # A rebuild from the log reproduces the same references and digests.
        before = svc.digests()
        assert svc.rebuild() == before
        assert svc.catalog.get("2016/0005")["state"]["text"] == "Enda et sitat"


def test_numbers_not_saved_are_handed_out_again(settings_factory: Callable[..., Settings]) -> None:
    with ArchiveService(settings_factory(), search=False) as svc:
        assert statement(svc, "Sitat en") == "2016/0001"
        # An invalid command takes no number.
        with pytest.raises(InvalidCommand):
            svc.archive.record_statement(text="  ", said_at="2016-02-11", recorded_by=ME)
        # A unit of work that fails half way saves nothing, and its numbers are not lost.
        with pytest.raises(RuntimeError), svc.archive.unit_of_work():
            assert statement(svc, "Sitat i en import") == "2016/0002"
            assert statement(svc, "Sitat to i en import") == "2016/0003"
            raise RuntimeError("the file's last line is bad")
        # The next creates get exactly those numbers: no gaps.
        assert [statement(svc, "Sitat to"), statement(svc, "Sitat tre")] == ["2016/0002", "2016/0003"]
        # A unit of work that succeeds keeps its numbers; each year counts for itself.
        with svc.archive.unit_of_work():
            refs = [statement(svc, "Sitat fire"), statement(svc, "Sitat fra 2017", said_at="2017-05-02")]
        assert refs == ["2016/0004", "2017/0001"]


def test_a_new_process_continues_the_numbering(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    # 37 statements in one process (enough for the probe to search, not just step).
    with ArchiveService(settings, search=False) as svc:
        refs = [statement(svc, f"Sitat {n}") for n in range(37)]
    assert refs[-1] == "2016/0037"
    # Another process, knowing nothing, finds the next free number from the log.
    with ArchiveService(settings, search=False) as svc:
        assert statement(svc, "Sitat etter omstart") == "2016/0038"


@pytest.mark.postgres
def test_sixteen_writers_on_two_postgresql_nodes_never_fail(pg_cluster: Any, tmp_path: Path) -> None:
    # Two API nodes share one PostgreSQL event store, eight writers each.
    url = pg_cluster.create_database()
    nodes = [ArchiveService(Settings(data_dir=tmp_path / name, database_url=url), search=False) for name in "ab"]
    try:
        # Each node has already numbered a statement, so both remember the year.
        assert [statement(node, f"Oppvarming {i}") for i, node in enumerate(nodes)] == ["2016/0001", "2016/0002"]
        barrier = threading.Barrier(16)
        references: list[str] = []
        failures: list[BaseException] = []

        def writer(node: ArchiveService, n: int) -> None:
            barrier.wait()
            for round_ in range(5):
                try:
                    references.append(statement(node, f"Sitat {n}.{round_}"))
                except BaseException as exc:  # noqa: BLE001 - any failure is what this test counts
                    failures.append(exc)

        threads = [threading.Thread(target=writer, args=(nodes[n % 2], n)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # All 80 creates succeeded, with 80 distinct references and no gap.
        assert failures == []
        assert sorted(references) == [f"2016/{n:04d}" for n in range(3, 83)]
    finally:
        for node in nodes:
            node.close()
