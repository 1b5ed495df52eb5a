"""The composition root: the archive, its read models and their runners, built from settings.

The CLI and the web app both build one `ArchiveService` and pass it on; nothing is created
at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from archive.application import Archive, CommandResult
from archive.config import Settings
from archive.exceptions import ProjectionTimeout
from archive.faults import PoisonEvent, StorageFailure, naming_storage
from archive.readmodels.base import Projection
from archive.readmodels.catalog import Catalog
from archive.readmodels.db import ReadDatabase, open_read_database
from archive.readmodels.history import History
from archive.readmodels.ledger import Ledger
from archive.readmodels.people import People
from archive.readmodels.records import ModelProjection, record_projections
from archive.readmodels.runner import ProjectionRunner

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # built in _make_search only when search is enabled (the composition root)
    from search.indexer import SearchProjection


class ArchiveService:
    """Owns the event-sourced archive and every read model that follows it."""

    def __init__(self, settings: Settings, *, search: bool | None = None) -> None:
        self.settings = settings
        if not settings.is_postgres:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        pg = settings.is_postgres
        with naming_storage("the event store " + ("in PostgreSQL" if pg else str(settings.events_path)),
                            None if pg else settings.events_path):
            self.archive = Archive(env=settings.eventsourcing_env())
        with naming_storage("the read models " + ("in PostgreSQL" if pg else str(settings.readmodels_path)),
                            None if pg else settings.readmodels_path):
            self.db: ReadDatabase = open_read_database(settings.database_url, settings.readmodels_path)
            self.catalog = Catalog(self.db)
            self.history = History(self.db)
            self.people = People(self.db, self.archive.record_at)
            self.ledger = Ledger(self.db)
            # One projection per model (each stops alone), the record models fed from one shared replay.
            self.records: list[ModelProjection] = record_projections(
                self.db, [self.catalog, self.history, self.people, self.ledger], load=self.archive.record_at
            )
        self.projections: list[Projection] = list(self.records)
        self.runner = ProjectionRunner(
            "readmodels",
            self.archive.recorder,
            self.archive.mapper.to_domain_event,
            self.projections,
            batch_size=settings.projection_batch_size,
        )
        self.archive.on_saved(self.runner.wake)
        self.search_runner: ProjectionRunner | None = None
        self.search: SearchProjection | None = None
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
            max_batch_size=self.search.max_batch_size,
            # The index re-derives a record's documents from history and the catalog, so it can
            # never be further on than they are: where they stop at a bad event, it waits too.
            upstream=self.runner,
            reads=(self.catalog.name, self.history.name),
        )
        self.runner.on_advance(self.search_runner.wake)

    @property
    def runners(self) -> list[ProjectionRunner]:
        return [r for r in (self.runner, self.search_runner) if r is not None]

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Follow the log in background threads (the web app's lifespan calls this); with
        `projector = "process"` the read models follow it in a child process instead."""
        if self.settings.projector == "process":
            from archive.readmodels.process import ProjectorLink

            self.runner.start(link=ProjectorLink.spawn(self.settings))
        self.runner.start(subscribe=self.settings.is_postgres)  # no-op when started above
        if self.search_runner is not None:
            self.search_runner.start(subscribe=self.settings.is_postgres, before=self.index_from_read_models)

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

    def caught_up(self, position: int | None, timeout: float | None = None) -> bool:
        """Like `wait`, but answers whether the read models got there (at once when one has stopped)."""
        try:
            self.wait(position, timeout)
        except ProjectionTimeout:
            return False
        return True

    def done(self, result: CommandResult) -> CommandResult:
        """Wait for a command's events to reach the read models, then hand back its result."""
        self.wait(result.position)
        return result

    def index_from_read_models(self) -> int:
        """Load an empty search index from the read models in bulk when they already hold records;
        returns the number of documents written (0: nothing to do).

        An index that is missing, unreadable or of an older schema starts empty (search.indexer)
        while the read models are far on: a first start after an upgrade, or a large first import.
        Following the log from position 0 would write a segment per batch (~60 for 100k records,
        and every search visits each); loaded as `protokoll rebuild` loads it, the index is one
        segment. The search runner then follows the log from the read models' position; records
        that moved on while the load ran are derived again from their events (ids are unique).
        """
        search, runner = self.search, self.search_runner
        if search is None or runner is None or not search.is_empty():
            return 0
        up_to = self.runner.position((self.catalog.name, self.history.name))
        if up_to <= 0:
            return 0
        written = search.build(up_to)
        runner.reload_positions()
        log.info("search index loaded in bulk from the read models: %d documents up to %d", written, up_to)
        return written

    def catch_up(self, progress: Callable[[int], None] | None = None, *, strict: bool = True) -> None:
        """Process the log to its head; `strict=False` leaves a stopped projection stopped (status reports it)."""
        for runner in self.runners:
            if runner is self.search_runner:
                self.index_from_read_models()
            try:
                runner.catch_up(progress)
            except Exception:  # noqa: BLE001 - recorded on the projection that stopped; status reports it
                if strict:
                    raise

    # Operations ----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """The log's head, every read model's position and lag, and why any of them stopped.

        Each projection stops on its own: `stopped` has one entry per stopped projection, naming
        the event (notification id, record, reference) and the error.
        """
        head = self.runner.head()
        models: dict[str, Any] = {}
        stopped: list[dict[str, Any]] = []
        for runner in self.runners:
            errors = runner.errors()
            waiting = runner.upstream_error()  # waiting at the point where the models it reads stopped
            for projection in runner.projections:
                position = projection.position()
                error = errors.get(projection.name)
                reason = str(error) if error is not None else None
                if reason is None and waiting is not None:
                    reason = f"waits where the read models it reads stopped: {waiting}"
                models[projection.name] = {"position": position, "lag": head - position, "error": reason}
                if error is not None:
                    stopped.append(self._stop_report(projection.name, position, error))
        return {"head": head, "backend": "postgresql" if self.settings.is_postgres else "sqlite",
                "read_models": models, "stopped": stopped}

    def _stop_report(self, name: str, position: int, error: BaseException) -> dict[str, Any]:
        report: dict[str, Any] = {"group": name, "position": position, "error": str(error)}
        if isinstance(error, PoisonEvent):
            report["event"] = error.as_dict()
            try:  # the record's citable reference, when its earlier events made it into the catalog
                entry = self.catalog.get(error.originator_id)
            except Exception:  # noqa: BLE001 - the report must come out even if the catalog cannot answer
                entry = None
            report["event"]["reference"] = entry.get("reference") if entry else None
        elif isinstance(error, StorageFailure):
            report["storage"] = {"where": error.where, "kind": error.kind}
        return report

    def freshness(self) -> dict[str, Any]:
        """How far the search index has come, for every search answer: position, head, stale and why."""
        head = self.runner.head()
        runner = self.search_runner
        position = runner.position() if runner is not None else 0
        error = None
        if runner is not None:
            error = runner.error or runner.upstream_error()
        reason = None
        if error is not None:
            reason = f"the search index stopped at {position}: {error}"
        elif position < head:
            reason = f"the search index has processed {position} of {head} events"
        return {"index_position": position, "log_head": head, "stale": reason is not None, "stale_reason": reason}

    def readiness(self) -> tuple[bool, str]:
        """Whether this node should get traffic: nothing stopped, nothing behind by more than the limit."""
        data = self.status()
        if data["stopped"]:
            first = data["stopped"][0]
            return False, f"{first['group']} read models stopped at {first['position']}: {first['error']}"
        lagging = {name: m["lag"] for name, m in data["read_models"].items() if m["lag"] > self.settings.max_lag}
        if lagging:
            worst = max(lagging, key=lambda n: lagging[n])
            return False, (f"{worst} is {lagging[worst]} events behind the log head {data['head']} "
                           f"(the limit is {self.settings.max_lag})")
        return True, "ok"

    def digests(self) -> dict[str, str]:
        out = {p.name: p.digest() for p in self.projections}
        if self.search is not None:
            out[self.search.name] = self.search.digest()
        return out

    def rebuild(self, progress: Callable[[int], None] | None = None) -> dict[str, str]:
        """Replay the whole log into fresh read models and swap them in on success; returns the new digests.

        The live read models keep serving until the swap and are untouched when the replay fails.
        """
        from archive.readmodels.rebuild import rebuild

        digests = rebuild(self, progress)
        for projection in self.records:
            if projection.replay is not None:
                projection.replay.forget()
        return digests
