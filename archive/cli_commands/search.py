"""`protokoll search`: the journalists' search from the command line."""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated

import typer

from archive.cli import AsJson, CliError, DataDir, open_service
from archive.values import parse_day, parse_instant_or_utc


def _instant(value: str | None) -> datetime | None:
    """--known-at: an instant, UTC when typed without an offset (as this command has always read it)."""
    if value is None:
        return None
    try:
        return parse_instant_or_utc(value, "--known-at")
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value, "--valid-at")
    except ValueError as exc:
        raise CliError(str(exc)) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def search(
        query: Annotated[str, typer.Argument(help='e.g. lyttepost, "tett dialog", speaker:Hansen, avtale*')],
        kind: Annotated[
            list[str] | None, typer.Option(help="agreement, meeting, statement, news, person, organisation")
        ] = None,
        speaker: Annotated[str | None, typer.Option(help="person id or name")] = None,
        party: Annotated[str | None, typer.Option()] = None,
        organisation: Annotated[str | None, typer.Option()] = None,
        role: Annotated[str | None, typer.Option(help="the speaker's role, e.g. fylkesordfører")] = None,
        known_at: Annotated[
            str | None,
            typer.Option("--known-at", help="what the archive would have found then (an instant; UTC if no offset)"),
        ] = None,
        valid_at: Annotated[str | None, typer.Option("--valid-at", help="agreements in force on this date")] = None,
        sort: Annotated[str, typer.Option(help="relevance, date or -date")] = "relevance",
        page: Annotated[int, typer.Option(min=1)] = 1,
        data_dir: DataDir = None,
        as_json: AsJson = False,
    ) -> None:
        """Search statements and records (the public view: screened records are never shown)."""
        from search.query import SearchParams, SortOrder

        orders: dict[str, SortOrder] = {"relevance": "relevance", "date": "date", "-date": "-date"}
        if sort not in orders:
            raise CliError("sort must be relevance, date or -date")
        params = SearchParams(
            q=query, kind=kind or None, speaker=speaker, party=party, organisation=organisation, role=role,
            known_at=_instant(known_at), valid_at=_date(valid_at), sort=orders[sort], page=page,
        )
        with open_service(data_dir) as service:
            if service.search is None:
                raise CliError("search is not enabled")
            freshness = service.freshness()
            result = service.search.query(params)
        if as_json:
            typer.echo(json.dumps({**asdict(result), **freshness}, ensure_ascii=False, indent=2, default=str))
            return
        typer.echo(f"{result.total} treff for {result.parsed_query}")
        if freshness["stale"]:
            typer.echo(f"merk: søket er ikke à jour: {freshness['stale_reason']}", err=True)
        if result.error:
            typer.echo(f"merk: {result.error}", err=True)
        for hit in result.hits:
            who = f" — {hit.speaker}" + (f" ({hit.party})" if hit.party else "") if hit.speaker else ""
            snippet = html.unescape(hit.snippet.replace("<mark>", "[").replace("</mark>", "]"))
            typer.echo(f"{hit.reference}  {hit.kind}{who}\n    {snippet}")
