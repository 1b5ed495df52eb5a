"""One read model that cannot take an event stops alone, exactly before it, naming it; the rest go on.

The models share one domain replay per batch but commit in their own transactions, so a fault
in one model's handling of one record (here: people refusing one statement) does not hold back
the catalog, history, the ledger or the index, and the model resumes once the fault is gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from archive.config import Settings
from archive.readmodels.base import Change
from archive.readmodels.db import Cursor
from archive.readmodels.people import People
from archive.service import ArchiveService

ME = "arkivar@test"


def test_a_model_that_refuses_one_event_stops_alone_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data", projection_batch_size=3)
    with ArchiveService(settings, search=True) as svc:
        # Given a people model with a fault in its handling of one speaker's statements,
        original = People.apply

        def faulty(self: People, cur: Cursor, changes: Sequence[Change]) -> None:
            if any(c.view.get("speaker_name") == "Feil Feilesen" for c in changes):
                raise ValueError("people cannot index this speaker")
            original(self, cur, changes)

        monkeypatch.setattr(People, "apply", faulty)
        # when statements are recorded before, by and after that speaker,
        said = {"said_at": "2020-05-06", "recorded_by": ME}
        for n in range(4):
            svc.archive.record_statement(text=f"Vi trenger flere sykehjemsplasser, innlegg {n}.",
                                         speaker_name="Kari Nordmann", **said)
        bad = svc.archive.record_statement(text="Dette innlegget snubler i personregisteret.",
                                           speaker_name="Feil Feilesen", **said)
        for n in range(4):
            svc.archive.record_statement(text=f"Budsjettet for omsorg må økes, innlegg {n}.",
                                         speaker_name="Kari Nordmann", **said)
        svc.catch_up(strict=False)
        status = svc.status()
        # people stops exactly before the statement it refuses, naming the event, the record and the error,
        assert [stop["group"] for stop in status["stopped"]] == ["people"]
        stop = status["stopped"][0]
        assert stop["position"] == bad.position - 1 and status["read_models"]["people"]["position"] == bad.position - 1
        assert stop["event"]["notification_id"] == bad.position and stop["event"]["originator_id"] == bad.id
        assert stop["event"]["reference"] == bad.reference
        assert "cannot be applied to people" in stop["error"] and "ValueError" in stop["event"]["error"]
        # while the catalog, history, the ledger and the index reach the head,
        for name in ("catalog", "history", "ledger", "search"):
            assert status["read_models"][name] == {"position": status["head"], "lag": 0, "error": None}, name
        assert svc.catalog.get(bad.id) is not None
        # Once the fault is gone, people resumes from where it stopped (its own replay, behind the others)
        monkeypatch.setattr(People, "apply", original)
        svc.catch_up()
        status = svc.status()
        assert status["stopped"] == [] and status["read_models"]["people"]["lag"] == 0
        # and holds exactly what a fresh build from the log holds.
        resumed = svc.digests()
        assert svc.rebuild() == resumed
