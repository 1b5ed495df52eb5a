"""Between batches the collector stays paused; the young are collected only once batches leave garbage."""

from __future__ import annotations

import gc
import weakref

import pytest

from archive.readmodels import runner
from archive.readmodels.runner import collection_paused, young_collection


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: reference counting never frees it


def collections_of_young() -> int:
    return int(gc.get_stats()[1]["collections"])


def test_batches_whose_objects_die_by_reference_counting_walk_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "YOUNG_COLLECTION_AT", 1_000)
    with collection_paused():
        gc.collect(1)
        before = collections_of_young()
        for _ in range(50):  # a batch's records replace the ones before them, as the replay's cache does
            records = [{"id": str(i), "roles": []} for i in range(300)]  # tracked, like the cache's records
            young_collection()
        del records
        assert collections_of_young() == before


def test_cycles_left_by_batches_are_collected_once_they_pass_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "YOUNG_COLLECTION_AT", 1_000)
    with collection_paused():
        gc.collect(1)
        first = Node()
        alive = weakref.ref(first)
        del first
        young_collection()
        assert alive() is not None  # one cycle: under the limit, not walked for it
        for _ in range(3):
            for _ in range(500):
                Node()  # each one garbage at once, kept only by its own cycle
            young_collection()
        assert alive() is None
