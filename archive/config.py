"""Configuration: one validated settings object, passed in, never read ad hoc."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything Protokoll needs to know about where it runs.

    Values come from the constructor, then `PROTOKOLL_*` environment variables, then defaults.
    """

    model_config = SettingsConfigDict(env_prefix="PROTOKOLL_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="SQLite files, search index, keys")
    database_url: str | None = Field(
        default=None, description="postgresql://user:pw@host:port/db selects PostgreSQL"
    )
    tokens_file: Path | None = Field(default=None, description="bearer token hashes → roles")
    signing_key: Path | None = Field(default=None, description="Ed25519 private key (PEM)")
    public_key: Path | None = Field(default=None, description="Ed25519 public key (PEM)")
    ledger_origin: str = Field(default="protokoll.local/archive", description="checkpoint origin")
    projection_batch_size: int = Field(default=1000, ge=1, le=10_000)
    projector: Literal["thread", "process"] = Field(
        default="thread",
        description="where a server follows the log into the read models: a thread of its own, or a child"
        " process on another core, for sustained ingest (archive.readmodels.process)",
    )
    write_wait_timeout: float = Field(default=10.0, gt=0)
    max_lag: int = Field(
        default=100, ge=0, description="events a read model may be behind before /health and /ready fail"
    )
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    write_rate_per_minute: int = Field(default=600, ge=1)
    search_rate_per_minute: int = Field(default=1200, ge=1)
    search_enabled: bool = True
    shared_dir: Path | None = Field(
        default=None, description="the shared folder (../shared) whose schemas/ holds Arkivverket's Noark 5 schemas"
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("database_url must start with postgresql://")
        return value or None

    @property
    def is_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def events_path(self) -> Path:
        return self.data_dir / "events.sqlite"

    @property
    def readmodels_path(self) -> Path:
        return self.data_dir / "readmodels.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def resolved_tokens_file(self) -> Path:
        return self.tokens_file or self.data_dir / "tokens.json"

    @property
    def resolved_signing_key(self) -> Path:
        return self.signing_key or self.data_dir / "keys" / "ledger.key"

    @property
    def resolved_public_key(self) -> Path:
        return self.public_key or self.data_dir / "keys" / "ledger.pub"

    @property
    def checkpoints_path(self) -> Path:
        return self.data_dir / "checkpoints.log"

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment mapping eventsourcing's persistence modules understand."""
        if self.database_url is None:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.events_path),
                "SQLITE_LOCK_TIMEOUT": "30",
                "APPLICATION_RECORDER_TOPIC": "archive.recorders:SQLiteEventStore",
            }
        url = urlparse(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/") or "protokoll",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_CREATE_TABLE": "y",
            "APPLICATION_RECORDER_TOPIC": "archive.recorders:PostgresEventStore",
        }
