"""A segment's files read with `pread` through a bounded cache of blocks, not mapped.

Whoosh maps a compound segment file and reads it in place (or, for a reader, copies each part
into a BytesIO). Mapped, every page a search touches stays in the server's resident set, and
the kernel maps the cached pages around each one read as well: 100 queries on a 100k-record
index left 585 MB of the 740 MB index mapped (bench/search.py). Read with `pread`, the file's
pages are the kernel's page cache (shared, dropped under pressure, as SQLite's pages are), and
the server keeps only what this module caches: the blocks read lately, up to BlockCache.limit
bytes, least recently used out first.

Whoosh reads a few bytes at a time (a query makes ~2,000 reads, mostly of 1–8 bytes, mostly
next to each other), so each part keeps the block it read last and answers from it without a
call into the cache; the cache saves the system calls of blocks read again (a lexicon's hash
directory, a column's offsets).
"""

from __future__ import annotations

import itertools
import os
import weakref
from collections import OrderedDict
from typing import Any

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile

__all__ = ["BlockCache", "SegmentFile", "PartStorage"]

BLOCK = 8192  # bytes, aligned in the file: two pages


class BlockCache:
    """Blocks of segment files by (file, block number), at most `limit` bytes (one per index;
    used under the index's lock, like the readers that read through it)."""

    def __init__(self, limit: int = 32 * 1024 * 1024) -> None:
        self.limit = limit
        self._blocks: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self._bytes = 0

    def block(self, file: SegmentFile, number: int) -> bytes:
        key = (file.serial, number)
        data = self._blocks.get(key)
        if data is not None:
            self._blocks.move_to_end(key)
            return data
        data = os.pread(file.fd, BLOCK, number * BLOCK)
        self._blocks[key] = data
        self._bytes += len(data)
        while self._bytes > self.limit and self._blocks:
            _, old = self._blocks.popitem(last=False)
            self._bytes -= len(old)
        return data


_SERIALS = itertools.count(1)


class SegmentFile:
    """An open descriptor of a compound segment file, closed when no reader uses it any more
    (a segment merged away stays readable through it until its last reader goes)."""

    def __init__(self, path: str, cache: BlockCache) -> None:
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        # Cache keys: unique, unlike descriptor numbers (a closed file's blocks are never asked
        # for again and leave the cache as the least recently used).
        self.serial = next(_SERIALS)
        self.cache = cache
        weakref.finalize(self, os.close, self.fd)


class _Part:
    """A read-only file over part of a segment file (no shared file position)."""

    def __init__(self, file: SegmentFile, offset: int, length: int) -> None:
        self._file, self._base, self._size, self._pos = file, offset, length, 0
        self.block, self.block_start = b"", 0  # the last block read, and where it starts in the part
        self.block_end = 0  # where the part's bytes in it end (a block may run past the part)

    def pread(self, start: int, end: int) -> bytes:
        start, end = max(0, start), min(self._size, end)
        if end <= start:
            return b""
        first, last = (self._base + start) // BLOCK, (self._base + end - 1) // BLOCK
        cache = self._file.cache
        blocks = [cache.block(self._file, n) for n in range(first, last + 1)]
        self.block = blocks[0] if len(blocks) == 1 else b"".join(blocks)
        self.block_start = first * BLOCK - self._base
        self.block_end = min(self._size, self.block_start + len(self.block))
        at = start - self.block_start
        return self.block[at : at + end - start]

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        if size is not None and size >= 0:
            offset = start - self.block_start  # the common case: a few bytes of the last block
            if offset >= 0 and start + size <= self.block_end:
                self._pos = start + size
                return self.block[offset : offset + size]
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        self._pos = max(start, end)
        return self.pread(start, end)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        limit = self._size if size is None or size < 0 else min(self._size, self._pos + size)
        pieces: list[bytes] = []
        while self._pos < limit:
            chunk = self.pread(self._pos, min(limit, self._pos + BLOCK))
            newline = chunk.find(b"\n")
            if newline != -1:
                chunk = chunk[: newline + 1]
            pieces.append(chunk)
            self._pos += len(chunk)
            if newline != -1 or not chunk:
                break
        return b"".join(pieces)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = 0 if whence == 0 else self._pos if whence == 1 else self._size
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class _PartFile(BufferFile):
    """Whoosh's BufferFile reading a `_Part` (not a BytesIO copy, not a memory map)."""

    def __init__(self, file: SegmentFile, offset: int, length: int, name: str) -> None:
        # Not BufferFile.__init__: it wants the part's bytes in memory.
        self.file = self._part = _Part(file, offset, length)
        self._name = name
        self.onclose = None
        self.is_real = False
        self.is_closed = False

    def get(self, position: int, length: int) -> bytes:
        part = self._part
        offset = position - part.block_start  # inside the last block read: no call, no system call
        if offset >= 0 and position + length <= part.block_end:
            return part.block[offset : offset + length]
        return part.pread(position, position + length)


class PartStorage(CompoundStorage):
    """A compound segment file whose parts are read through `segment_file` (see _PartFile)."""

    segment_file: SegmentFile | None = None

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.segment_file is None or self.is_closed:
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return _PartFile(self.segment_file, offset, length, name)
