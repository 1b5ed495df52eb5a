"""The index writer under a stream of small commits: bounded segments, nothing lost or doubled."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from search.index import TINY_SEGMENT_MERGE, create_index, read_meta, write_batch, write_bulk
from search.query import SearchParams, search


def doc(i: int, version: int = 1, body: str = "") -> dict[str, object]:
    return {"id": f"r{i}:{version}", "record_id": f"r{i}", "version": version, "kind": "statement",
            "title": f"Sak {i}", "body": body or f"Uttalelse nummer {i} om samferdsel",
            "recorded_at": datetime(2020, 1, 1), "date": datetime(2020, 1, 1)}


def segment_sizes(ix_dir: Path) -> list[int]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(ix_dir))
    try:
        return [s.doc_count_all() for s in ix._segments()]
    finally:
        ix.close()


def test_many_single_document_commits_keep_few_segments_and_every_document(tmp_path: Path) -> None:
    # Given an index that takes 200 commits of one document each (a busy archive, live),
    ix = create_index(tmp_path / "ix")
    for i in range(200):
        write_batch(ix, [doc(i)], [], {"position": str(i + 1)})
    # tiny segments are merged by order of magnitude: at most TINY_SEGMENT_MERGE - 1 per group,
    sizes = segment_sizes(tmp_path / "ix")
    groups = Counter(len(str(n)) for n in sizes)
    assert all(count < TINY_SEGMENT_MERGE for count in groups.values()), sizes
    assert len(sizes) < 3 * TINY_SEGMENT_MERGE
    # and nothing is lost or doubled: every document is found once, the meta is the last one.
    found = search(ix, SearchParams(q="samferdsel", page_size=100))
    assert found.total == 200
    assert read_meta(ix)["position"] == "200"


def test_replacing_a_version_in_an_old_segment_leaves_one_copy(tmp_path: Path) -> None:
    # Given documents spread over many segments,
    ix = create_index(tmp_path / "ix")
    for i in range(30):
        write_batch(ix, [doc(i)], [], {"position": str(i + 1)})
    # when the first one is written again with new text (a replay or an update),
    write_batch(ix, [doc(0, body="Ny tekst om jernbane")], [], {"position": "31"})
    # the old text is gone and the new one is found exactly once.
    assert search(ix, SearchParams(q="jernbane")).total == 1
    assert [h.id for h in search(ix, SearchParams(q="samferdsel", page_size=50)).hits].count("r0:1") == 0


def test_a_bulk_load_is_one_segment_and_only_fills_an_empty_index(tmp_path: Path) -> None:
    # A rebuild loads 3,000 documents at once (more than one batch would hold):
    ix = create_index(tmp_path / "ix")
    assert write_bulk(ix, (doc(i) for i in range(3000)), {"position": "3000"}) == 3000
    # one segment, every document found once, the position stored with them;
    assert segment_sizes(tmp_path / "ix") == [3001]  # and the metadata document
    assert search(ix, SearchParams(q="samferdsel")).total == 3000
    assert read_meta(ix)["position"] == "3000"
    # a bulk load never lands on top of an index that has documents (it cannot replace them),
    with pytest.raises(ValueError, match="empty index"):
        write_bulk(ix, [doc(5000)], {"position": "3001"})
    # and it refuses what write_batch refuses: an id twice.
    other = create_index(tmp_path / "other")
    with pytest.raises(ValueError, match="twice"):
        write_bulk(other, [doc(1), doc(1)], {"position": "2"})
