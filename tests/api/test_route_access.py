"""Every route × every role against the checked-in allow/deny table (route_access.csv).

A route missing from the table, or a table row without a route, fails: adding a route means
deciding who may use it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from tests.api.conftest import Scenario
from tests.api.records import load_records

TABLE = Path(__file__).with_name("route_access.csv")
ROLES = ("public", "archivist", "auditor")
DENIED = (401, 403)


def load_table() -> dict[tuple[str, str], dict[str, str]]:
    with TABLE.open(encoding="utf-8") as fh:
        return {(row["method"], row["path"]): row for row in csv.DictReader(fh)}


def app_routes(scenario: Scenario) -> set[tuple[str, str]]:
    routes = set()
    for route in iter_route_contexts(scenario.client.app.routes):  # type: ignore[attr-defined]
        if isinstance(route.original_route, Mount):
            routes.add(("GET", f"{route.path}/{{path}}"))
            continue
        for method in route.methods or ():
            if method != "HEAD":
                routes.add((method, route.path))
    return routes


def test_every_route_is_in_the_table_and_every_row_is_a_route(scenario: Scenario) -> None:
    # Enumerate the app's routes and the table's rows.
    routes, table = app_routes(scenario), set(load_table())
    # Both directions: nothing unlisted, nothing stale.
    assert routes - table == set(), f"routes missing from {TABLE.name}"
    assert table - routes == set(), f"rows in {TABLE.name} without a route"


def concrete(path: str, ids: dict[str, str]) -> str:
    return (
        path.replace("{ref:path}", ids["agreement_ref"])
        .replace("{record_id}", ids["record_id"])
        .replace("{person_id}", ids["person_id"])
        .replace("{org_id}", ids["org_id"])
        .replace("{year}/{number}", ids["person_ref"] if "statements" in path else ids["agreement_ref"])
        .replace("{fmt}", "json")
        .replace("{path}", "style.css")
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(scenario: Scenario, role: str) -> None:
    # Load records so that every path parameter names something real.
    loaded = load_records(scenario)
    ids = {"agreement_ref": loaded.agreement["reference"], "record_id": loaded.agreement["id"],
           "person_id": loaded.person["id"], "org_id": loaded.org["id"], "person_ref": loaded.person["reference"]}
    headers = scenario.as_role(role)
    failures = []
    # Call every route as this role; writes get an empty body (422 proves they got past the guard).
    for (method, path), row in sorted(load_table().items()):
        url = concrete(path, ids)
        if path == "/login" and method == "POST":
            response = scenario.client.post(url, data={"token": "wrong"}, headers=headers)
        elif method == "POST":
            response = scenario.client.post(url, json={}, headers=headers, follow_redirects=False)
        else:
            response = scenario.client.get(url, headers=headers, follow_redirects=False)
        denied = response.status_code in DENIED and path != "/login"
        if (row[role] == "deny") != denied:
            failures.append(f"{method} {url} as {role}: {response.status_code}, table says {row[role]}")
        assert response.status_code < 500, f"{method} {url}: {response.text[:300]}"
    assert failures == []
