"""The search caches' bounded map: a full cache forgets the entry used longest ago, only that one."""

from __future__ import annotations

from search.lru import Lru


def test_a_full_cache_forgets_the_least_recently_used_entry_only() -> None:
    # Given a cache of three: the default filter, then two one-off filters,
    cache: Lru[str, int] = Lru(3)
    cache.put("visibility", 1)
    cache.put("year=2008", 2)
    cache.put("party=ap", 3)
    # when the default filter is used again and a fourth one comes,
    assert cache.get("visibility") == 1
    cache.put("speaker=ryberg", 4)
    # then the one used longest ago leaves, and everything else stays.
    assert cache.get("year=2008") is None
    assert [cache.get(k) for k in ("visibility", "party=ap", "speaker=ryberg")] == [1, 3, 4]
    assert len(cache) == 3


def test_putting_a_key_again_replaces_its_value_and_makes_it_recent() -> None:
    cache: Lru[str, int] = Lru(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    cache.put("c", 3)
    assert cache.get("a") == 10 and cache.get("b") is None and cache.get("c") == 3
