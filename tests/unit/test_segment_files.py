"""Segment files read with pread through a bounded block cache (search.segment_files) give the
bytes Whoosh's own mapped reading gives: the part's bytes, at any offset and length, across
block boundaries and past the end, with a cache too small to hold them all."""

from __future__ import annotations

import io
import random
from datetime import datetime
from pathlib import Path

from search.index import open_index, write_batch
from search.readers import cached_searcher
from search.segment_files import BLOCK, BlockCache, SegmentFile, _PartFile


def test_a_part_reads_the_bytes_of_its_range_wherever_a_read_falls(tmp_path: Path) -> None:
    rng = random.Random(5)
    data = rng.randbytes(7 * BLOCK + 123)
    path = tmp_path / "segment.seg"
    path.write_bytes(data)
    cache = BlockCache(limit=3 * BLOCK)  # smaller than the part: blocks leave and are read again
    offset, length = 1000, 5 * BLOCK + 17
    part = _PartFile(SegmentFile(str(path), cache), offset, length, "part")
    expected = data[offset : offset + length]
    # Random reads, many across a block boundary or past the end, as get() and as read():
    for _ in range(2000):
        position = rng.randrange(0, length + 50)
        size = rng.choice([1, 2, 4, 8, rng.randrange(0, 3 * BLOCK)])
        assert part.get(position, size) == expected[position : position + size]
    same = io.BytesIO(expected)
    for _ in range(500):
        position = rng.randrange(0, length)
        size = rng.choice([1, 8, rng.randrange(0, 2 * BLOCK), -1])
        part.seek(position)
        same.seek(position)
        assert part.read(size) == same.read(size) and part.tell() == same.tell()
    # Lines, as Whoosh reads its own headers:
    lines = tmp_path / "lines.seg"
    text = b"".join(b"line %d %s\n" % (i, b"x" * rng.randrange(0, 3 * BLOCK)) for i in range(20))
    lines.write_bytes(text)
    part = _PartFile(SegmentFile(str(lines), cache), 0, len(text), "lines")
    assert [part.file.readline() for _ in range(21)] == io.BytesIO(text).readlines() + [b""]


def test_searches_read_every_stored_document_as_whoosh_does(tmp_path: Path) -> None:
    # An index of several commits (several segment files), read by the archive's shared readers
    # and by Whoosh's own searcher: the same documents, field for field.
    ix = open_index(tmp_path / "ix")
    for commit in range(4):
        write_batch(ix, [
            dict(id=f"n{commit}-{i}:1", record_id=f"n{commit}-{i}", version=1, kind="news",
                 title=f"Sak {i} i runde {commit}", body=" ".join(["Fylkestinget vedtok budsjettet."] * (i * 40 + 1)),
                 date=datetime(2020, 1, 1 + i), recorded_at=datetime(2020, 1, 1 + i))
            for i in range(25)
        ])
    with cached_searcher(ix) as ours:
        mine = sorted(map(dict, ours.all_stored_fields()), key=lambda d: str(d["id"]))
        assert ours.doc_count() == 100
    with ix.searcher() as whoosh:
        theirs = sorted(map(dict, whoosh.all_stored_fields()), key=lambda d: str(d["id"]))
    assert mine == theirs and len(mine) == 100
    ix.close()
