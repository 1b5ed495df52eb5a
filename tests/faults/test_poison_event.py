"""A stored event nobody can read stops the projections that read it; the archive keeps serving and says so.

The record read models (catalog, history, people) need the decoded event and stop exactly before
it, each with its own position and error; the ledger hashes the stored bytes and goes on to the
head; the search index reads history, so it waits where history stopped.

The poison is an event written behind the application's back (another program, a bad restore):
a copy of a real statement event with its timestamp removed, appended to events.sqlite with
sqlite3 while the server runs — the fault the issue saw as `AttributeError: 'AgendaItemAdded'
object has no attribute 'timestamp'` with no event named.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.faults.live import live_archive, protokoll


def append_poison(events: Path) -> tuple[int, str]:
    """Append a statement event without its timestamp; returns (notification id, originator id)."""
    with sqlite3.connect(events, timeout=30) as db:
        topic, state = db.execute(
            "SELECT topic, state FROM stored_events WHERE topic LIKE '%Statement%' ORDER BY rowid LIMIT 1"
        ).fetchone()
        broken = json.loads(state)
        del broken["timestamp"]
        originator = uuid.uuid4()
        cursor = db.execute(
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, 1, ?, ?)",
            (originator.hex, topic, json.dumps(broken).encode()),
        )
        return int(cursor.lastrowid or 0), str(originator)


@pytest.mark.parametrize("projector", ["thread", "process"])
def test_a_poison_event_is_named_and_stops_nothing_else(
    tmp_path: Path, figures: Callable[[str], None], projector: str
) -> None:
    # The read models follow the log in the server's own thread, or in a projector process
    # that reports positions and errors back (archive.readmodels.process): the same answers.
    data = tmp_path / "data"
    with live_archive(data, write_wait_timeout=2.0, projector=projector) as live:
        # Given an archive with three statements, all searchable,
        for n in range(3):
            assert live.statement(f"Fylket satser på kollektivtrafikk, sa hun i innlegg {n}.").status_code == 201
        records_before = live.client.get("/api/records").json()["count"]
        # when an unreadable event is appended behind the application's back,
        poison_id, poison_record = append_poison(data / "events.sqlite")
        # a write after it is stored and acknowledged as stored: 202 with where to look, not a 5xx,
        later = live.statement("Dette innlegget kommer etter den ødelagte hendelsen.")
        assert later.status_code == 202, later.text
        body = later.json()
        assert body["position"] > poison_id and body["reference"] and body["id"]
        assert later.headers["Location"] == f"/api/records/{body['id']}"
        assert f"stored event {poison_id}" in body["pending"]["reason"]
        # and so is the next one (it was 503 "search stopped" for every write after the poison).
        assert live.statement("Og enda ett innlegg.").status_code == 202
        # Reads carry on with what was projected before the poison,
        assert live.client.get("/api/records").json()["count"] == records_before
        # search says it is behind instead of answering short without a word,
        found = live.client.get("/api/search", params={"q": "kollektivtrafikk"}).json()
        assert found["count"] == 3 and found["stale"] is True and found["index_position"] < found["log_head"]
        page = live.client.get("/search", params={"q": "kollektivtrafikk"})
        assert page.status_code == 200 and "Søket er ikke à jour" in page.text
        # in every format: CSV and Atom, which have no place for it in the body, say it in headers.
        for fmt in ("", ".json", ".csv", ".atom"):
            headers = live.client.get(f"/search{fmt}", params={"q": "kollektivtrafikk"}).headers
            assert headers["X-Search-Stale"] == "true", fmt
            assert (int(headers["X-Index-Position"]), int(headers["X-Log-Head"])) == (
                found["index_position"], found["log_head"]), fmt
        # and /health and /ready answer 503 naming the event and the record, once for each model it stopped.
        for route in ("/health", "/ready"):
            health = live.client.get(route)
            assert health.status_code == 503
            stopped = {stop["group"]: stop for stop in health.json()["stopped"]}
            assert sorted(stopped) == ["catalog", "history", "people"]
            for stop in stopped.values():
                assert stop["position"] == poison_id - 1
                assert stop["event"]["notification_id"] == poison_id
                assert stop["event"]["originator_id"] == poison_record
                assert "timestamp" in stop["event"]["error"]
        # The ledger did not stop: it hashed the poison's stored bytes and every write after it,
        models = live.client.get("/health").json()["read_models"]
        head = live.service.runner.head()
        assert models["ledger"] == {"position": head, "lag": 0, "error": None}
        assert live.service.ledger.head()[0] == head
        # the record models each stopped exactly before the poison with their own error,
        for name in ("catalog", "history", "people"):
            assert models[name]["position"] == poison_id - 1
            assert f"stored event {poison_id}" in models[name]["error"]
        # and the index waits where history stopped, saying why.
        assert models["search"]["position"] == poison_id - 1
        assert "waits where the read models it reads stopped" in models["search"]["error"]
        figures(f"poison at notification {poison_id}: writes after it 202 x2, reads served "
              f"{records_before} records, search stale at {found['index_position']}/{found['log_head']}")

    # The operator's tools: status names the event, record and error (exit 1, no traceback),
    status = protokoll(data, "status", "--json")
    assert status.returncode == 1 and "Traceback" not in status.stderr
    report = json.loads(status.stdout)
    assert [stop["group"] for stop in report["stopped"]] == ["catalog", "history", "people"]
    for stopped in report["stopped"]:
        assert stopped["event"]["notification_id"] == poison_id and stopped["event"]["originator_id"] == poison_record
    assert report["read_models"]["ledger"]["position"] == report["head"]
    human = protokoll(data, "status")
    assert f"stored event {poison_id}" in human.stdout and poison_record in human.stdout
    # rebuild refuses in one line and leaves the live read models exactly as they were,
    digests_before = json.loads(protokoll(data, "status", "--json").stdout)["read_models"]
    rebuild = protokoll(data, "rebuild")
    assert rebuild.returncode == 1 and "Traceback" not in rebuild.stderr
    assert f"stored event {poison_id}" in rebuild.stderr and "left as they were" in rebuild.stderr
    assert json.loads(protokoll(data, "status", "--json").stdout)["read_models"] == digests_before
    assert not (data / "readmodels.rebuild.sqlite").exists() and not (data / "index.rebuild").exists()
    show = protokoll(data, "search", "kollektivtrafikk", "--json")
    assert show.returncode == 0 and json.loads(show.stdout)["total"] == 3
    # and verify names the damaged leaf (leaf index = notification id - 1), not leaf 0.
    verify = protokoll(data, "verify", "--json")
    report = json.loads(verify.stdout)
    assert verify.returncode == 1 and report["first_bad"]["notification_id"] == poison_id
    assert report["first_bad"]["leaf_index"] == poison_id - 1 and "cannot be decoded" in report["first_bad"]["reason"]
    figures(f"status, rebuild and verify name notification {poison_id} (record {poison_record})")
