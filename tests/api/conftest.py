"""A fresh app per scenario: temp data dir, its own tokens, a fake search index, TestClient."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from api.config import WebSettings
from api.main import create_app
from api.tokens import create_token
from archive.service import ArchiveService
from search.query import SearchHit, SearchParams, SearchResult


class FakeIndex:
    """Stands in for search.indexer.SearchProjection: substring match over the catalog.

    It honours the contract the web layer relies on: restricted (and withdrawn/unpublished)
    records are left out unless include_restricted, the snippet is escaped HTML with <mark>,
    and the answer is search.query's own SearchResult.
    """

    name = "search"

    def __init__(self, service: ArchiveService) -> None:
        self.service = service
        self.calls: list[SearchParams] = []

    def close(self) -> None:
        pass

    def query(self, params: SearchParams) -> SearchResult:
        from archive.readmodels.catalog import CatalogFilter

        self.calls.append(params)
        rows, _ = self.service.catalog.list(
            CatalogFilter(include_restricted=params.include_restricted, page_size=200,
                          kind=params.kind[0] if params.kind else None)
        )
        if not params.include_restricted:
            rows = [r for r in rows if r["status"] not in ("withdrawn", "unpublished")]
        needle = params.q.casefold()
        hits: list[SearchHit] = []
        kinds: dict[str, int] = {}
        for row in rows:
            text = " ".join(str(v) for v in row["state"].values() if isinstance(v, str))
            text += " " + " ".join(p for p in row["state"].get("paragraphs") or [] if isinstance(p, str))
            if needle and needle not in text.casefold():
                continue
            at = text.casefold().find(needle) if needle else 0
            piece = text[max(0, at - 40): at + 60]
            snippet = re.sub(
                re.escape(html.escape(params.q)) if params.q else "$^",
                lambda m: f"<mark>{m.group(0)}</mark>",
                html.escape(piece),
                flags=re.I,
            )
            hits.append(SearchHit(
                id=f"{row['id']}:{row['version']}", record_id=row["id"], version=row["version"],
                kind=row["kind"], reference=row["reference"], title=row["title"], snippet=snippet,
                speaker=None, party=None, role=None, organisation=[],
                dates={"date": row["date"]} if row["date"] else {}, score=1.0, status=row["status"],
            ))
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
        start = (params.page - 1) * params.page_size
        return SearchResult(total=len(hits), page=params.page, page_size=params.page_size,
                            hits=hits[start:start + params.page_size],
                            facets={"kind": sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))},
                            parsed_query=f"text:{params.q}")


@dataclass
class Scenario:
    client: TestClient
    service: ArchiveService
    settings: WebSettings
    archivist: dict[str, str]
    auditor: dict[str, str]
    index: FakeIndex

    def as_role(self, role: str) -> dict[str, str]:
        return {"public": {}, "archivist": self.archivist, "auditor": self.auditor}[role]

    def post(self, path: str, body: dict[str, Any], **headers: str) -> Any:
        response = self.client.post(path, json=body, headers={**self.archivist, **headers})
        assert response.status_code in (200, 201), response.text
        return response.json()


def make_scenario(tmp_path: Path, **overrides: Any) -> Iterator[Scenario]:
    settings = WebSettings(data_dir=tmp_path / "data", search_enabled=False, **overrides)
    service = ArchiveService(settings, search=False)
    index = FakeIndex(service)
    service.search = index  # type: ignore[assignment]  # the double stands in for SearchProjection
    archivist = create_token(settings.resolved_tokens_file, Role.ARCHIVIST, "arkivar-test")
    auditor = create_token(settings.resolved_tokens_file, Role.AUDITOR, "revisor-test")
    app = create_app(settings, service)
    # raise_server_exceptions: any 500 in a test fails loudly with its traceback.
    with TestClient(app, raise_server_exceptions=True) as client:
        yield Scenario(client, service, settings, {"Authorization": f"Bearer {archivist}"},
                       {"Authorization": f"Bearer {auditor}"}, index)
    service.close()


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Scenario]:
    yield from make_scenario(tmp_path)


@pytest.fixture
def indexed(tmp_path: Path) -> Iterator[Scenario]:
    """A scenario with the real Whoosh index instead of the fake."""
    settings = WebSettings(data_dir=tmp_path / "data", search_enabled=True)
    service = ArchiveService(settings, search=True)
    if service.search is None:
        pytest.skip("search module not installed")
    archivist = create_token(settings.resolved_tokens_file, Role.ARCHIVIST, "arkivar-test")
    auditor = create_token(settings.resolved_tokens_file, Role.AUDITOR, "revisor-test")
    with TestClient(create_app(settings, service), raise_server_exceptions=True) as client:
        yield Scenario(client, service, settings, {"Authorization": f"Bearer {archivist}"},
                       {"Authorization": f"Bearer {auditor}"}, FakeIndex(service))
    service.close()
