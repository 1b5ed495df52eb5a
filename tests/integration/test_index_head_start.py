"""An archive whose search index is lost (unreadable, or of an older schema after an upgrade)
gets it back in one bulk load from the read models, not one segment per batch of the log.

The archivist records statements over several units of work, more than one batch of the search
runner (1,000 events), so the index that followed the log holds several segments. Then the
index is damaged. Whether the next process is a command
(`catch_up`) or a server (`start`), the index comes back as one segment with exactly the
documents the followed index had, and it follows the log again from there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archive.config import Settings
from archive.service import ArchiveService
from search.query import SearchParams

BY = "arkivar@test"
PARTIES = ("Ap", "H", "Sp", "SV", "KrF")


def record_statements(service: ArchiveService, rounds: int, per_round: int) -> None:
    app = service.archive
    for r in range(rounds):
        with app.unit_of_work():
            for n in range(per_round):
                app.record_statement(
                    text=f"Runde {r} sak {n}: fylkeskommunen vil styrke samarbeidet om samferdsel i regionen.",
                    said_at=f"20{10 + r}-03-0{1 + n % 9}", speaker_name=f"Kari Nordbø {n % 4}",
                    party=PARTIES[n % len(PARTIES)], recorded_by=BY,
                )
        service.catch_up()  # each round reaches the index as its own commit


def segments(service: ArchiveService) -> int:
    assert service.search is not None
    with service.search.ix.reader() as reader:
        return len(list(reader.leaf_readers()))


def damage(index_dir: Path) -> None:
    for path in index_dir.iterdir():
        if path.is_file():
            path.write_bytes(b"garbage")


def answers(service: ArchiveService) -> dict[str, object]:
    assert service.search is not None
    result = service.search.query(SearchParams(q="samferdsel", party="Ap", page_size=100))
    return {"digest": service.search.digest(), "total": result.total, "ids": [h.id for h in result.hits]}


def test_a_lost_index_comes_back_in_one_segment_from_the_read_models(
    settings_factory: Callable[..., Settings],
) -> None:
    settings = settings_factory()
    with ArchiveService(settings, search=True) as service:
        record_statements(service, rounds=3, per_round=400)
        followed = answers(service)
        assert segments(service) > 1  # the log, followed commit by commit
    assert followed["total"] == 240  # every fifth statement speaks for Ap

    # A command finds the index unreadable: it is loaded in bulk before the log is followed.
    damage(settings.index_dir)
    with ArchiveService(settings, search=True) as service:
        assert service.search is not None and service.search.position() == 0
        service.catch_up()
        assert segments(service) == 1
        assert answers(service) == followed
        assert service.search.position() == service.runner.head()
        # ... and it follows the log from there.
        said = service.archive.record_statement(text="Ny uttalelse om bompenger.", said_at="2024-05-02",
                                                speaker_name="Ola Nordmann", party="Sp", recorded_by=BY)
        service.done(said)
        assert service.search.query(SearchParams(q="bompenger")).total == 1


def test_a_server_loads_a_lost_index_in_bulk_in_its_search_thread(settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory()
    with ArchiveService(settings, search=True) as service:
        record_statements(service, rounds=3, per_round=400)
        followed = answers(service)
    damage(settings.index_dir)
    with ArchiveService(settings, search=True) as service:
        service.start()  # as the web app's lifespan does: the load runs in the search runner's thread
        service.wait(service.runner.head(), timeout=60)
        assert segments(service) == 1
        assert answers(service) == followed
        said = service.archive.record_statement(text="Ny uttalelse om bompenger.", said_at="2024-05-02",
                                                speaker_name="Ola Nordmann", party="Sp", recorded_by=BY)
        service.done(said)
        assert service.search is not None
        assert service.search.query(SearchParams(q="bompenger")).total == 1
