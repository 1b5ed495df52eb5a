"""The composition root: the archive, its read models and their runners, built from settings.

The CLI and the web app both build one `ArchiveService` and pass it on; nothing is created
at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive.application import Archive, CommandResult
from archive.config import Settings
from archive.readmodels.base import Projection
from archive.readmodels.catalog import Catalog
from archive.readmodels.db import ReadDatabase, open_read_database
from archive.readmodels.history import History
from archive.readmodels.ledger import Ledger
from archive.readmodels.people import People
from archive.readmodels.records import RecordProjections
from archive.readmodels.runner import ProjectionRunner


class ArchiveService:
    """Owns the event-sourced archive and every read model that follows it."""

    def __init__(self, settings: Settings, *, search: bool | None = None) -> None:
        self.settings = settings
        if not settings.is_postgres:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.archive = Archive(env=settings.eventsourcing_env())
        self.db: ReadDatabase = open_read_database(settings.database_url, settings.readmodels_path)
        self.catalog = Catalog(self.db)
        self.history = History(self.db)
        self.people = People(self.db)
        self.ledger = Ledger(self.db)
        self.records = RecordProjections(
            self.db, [self.catalog, self.history, self.people, self.ledger], load=self.archive.record_at
        )
        self.projections: list[Projection] = [self.records]
        self.runner = ProjectionRunner(
            "readmodels",
            self.archive.recorder,
            self.archive.mapper.to_domain_event,
            self.projections,
            batch_size=settings.projection_batch_size,
        )
        self.archive.on_saved(self.runner.wake)
        self.search_runner: ProjectionRunner | None = None
        self.search: Any = None
        if settings.search_enabled if search is None else search:
            self._make_search()

    def _make_search(self) -> None:
        try:
            from search.indexer import SearchProjection
        except ImportError:
            return
        self.search = SearchProjection(self.settings.index_dir, self.history, self.catalog)
        self.search_runner = ProjectionRunner(
            "search",
            self.archive.recorder,
            self.archive.mapper.to_domain_event,
            [self.search],
            batch_size=max(self.settings.projection_batch_size, 1000),
            upstream=self.runner,
        )
        self.runner.on_advance(self.search_runner.wake)

    @property
    def runners(self) -> list[ProjectionRunner]:
        return [r for r in (self.runner, self.search_runner) if r is not None]

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Follow the log in background threads (the web app's lifespan calls this)."""
        for runner in self.runners:
            runner.start(subscribe=self.settings.is_postgres)

    def stop(self) -> None:
        for runner in reversed(self.runners):
            runner.stop()

    def close(self) -> None:
        self.stop()
        if self.search is not None:
            self.search.close()
        self.db.close()
        self.archive.close()

    def __enter__(self) -> ArchiveService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reading one's writes ------------------------------------------------------------------

    def wait(self, position: int | None, timeout: float | None = None) -> None:
        """Return once every read model (and the index) has processed `position`."""
        limit = timeout or self.settings.write_wait_timeout
        for runner in self.runners:
            runner.wait(position, limit)

    def done(self, result: CommandResult) -> CommandResult:
        """Wait for a command's events to reach the read models, then hand back its result."""
        self.wait(result.position)
        return result

    def catch_up(self, progress: Callable[[int], None] | None = None) -> None:
        for runner in self.runners:
            runner.catch_up(progress)

    # Operations ----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        head = self.runner.head()
        models: dict[str, Any] = {}
        for runner in self.runners:
            for projection in runner.projections:
                parts = projection.parts() if hasattr(projection, "parts") else {projection.name: projection.position()}
                for name, position in parts.items():
                    models[name] = {"position": position, "lag": head - position, "error": str(runner.error) if runner.error else None}
        return {"head": head, "backend": "postgresql" if self.settings.is_postgres else "sqlite", "read_models": models}

    def digests(self) -> dict[str, str]:
        out = {m.name: m.digest() for m in self.records.models}
        out.update({p.name: p.digest() for p in self.projections if p is not self.records})
        if self.search is not None:
            out[self.search.name] = self.search.digest()
        return out

    def rebuild(self, progress: Callable[[int], None] | None = None) -> dict[str, str]:
        """Drop every read model and replay the whole log into it; returns the new digests."""
        self.stop()
        for projection in self.projections:
            projection.reset()
        if self.search is not None:
            self.search.reset()
        for runner in self.runners:
            runner.reload_positions()
        self.catch_up(progress)
        return self.digests()
