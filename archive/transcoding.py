"""The event store's JSON transcoding: the library's format, decoded faster.

Events are encoded exactly as eventsourcing's `JSONTranscoder` encodes them (so stored
bytes, and the ledger's leaves, do not depend on this class); decoding uses orjson and
revives `{"_type_", "_data_"}` objects bottom-up, as the library's object hook does.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class FastJSONTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(data)  # e.g. integers beyond 64 bits: the slow path reads them
        return self._revive(value)

    def _revive(self, value: Any) -> Any:
        # `type(...) is`, not isinstance: JSON gives exact dicts and lists, and this runs for
        # every value of every event a catch-up reads.
        if type(value) is dict:
            for key, item in value.items():
                kind = type(item)
                if kind is dict or kind is list:
                    value[key] = self._revive(item)
            return self._decode_obj(value) if len(value) == 2 and "_type_" in value else value
        if type(value) is list:
            return [self._revive(item) if type(item) is dict or type(item) is list else item for item in value]
        return value
