"""A correction's day or instant is read as strictly as a new record's (archive.values).

Corrections carry free-form `changes`, so only the domain checks their values. Python's
fromisoformat alone would have stored a week date as some day nobody wrote.
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Scenario
from tests.api.records import load_records


def _refusal(s: Scenario, path: str, body: dict[str, Any]) -> str:
    response = s.client.post(path, json=body, headers=s.archivist)
    assert response.status_code == 422, response.text
    return str(response.json()["error"]["message"])


def test_a_correction_in_a_lax_date_form_is_refused_and_nothing_changes(scenario: Scenario) -> None:
    loaded = load_records(scenario)
    statement, meeting = loaded.statement, loaded.meeting
    # A statement's day as an ISO week date (Thursday of week 6 of 2016): refused, naming the field.
    message = _refusal(scenario, f"/api/statements/{statement['id']}/corrections", {
        "expected_version": statement["version"], "changes": {"said_at": "2016-W06-4"}, "reason": "Feil dato"})
    assert "said_at must be a date (YYYY-MM-DD), not '2016-W06-4'" in message
    # A meeting's start without an offset, and with an offset missing its colon: refused.
    path = f"/api/meetings/{meeting['id']}/corrections"
    assert "start must carry a UTC offset" in _refusal(scenario, path, {
        "expected_version": meeting["version"], "changes": {"start": "2016-02-10T11:00:00"}, "reason": "Ny tid"})
    assert "start must be an ISO datetime" in _refusal(scenario, path, {
        "expected_version": meeting["version"], "changes": {"start": "2016-02-10T11:00:00+0100"}, "reason": "Ny tid"})
    # Nothing was recorded: both records are at the version they had.
    for record in (statement, meeting):
        now = scenario.client.get(f"/api/records/{record['id']}").json()
        assert now["version"] == record["version"]
    # The same correction in the strict forms is taken, stored as given.
    scenario.post(f"/api/statements/{statement['id']}/corrections", {
        "expected_version": statement["version"], "changes": {"said_at": "2016-02-12"}, "reason": "Feil dato"})
    now = scenario.client.get(f"/api/records/{statement['id']}").json()
    assert (now["version"], now["state"]["said_at"]) == (statement["version"] + 1, "2016-02-12")
