"""The auditors' ledger over HTTP, narrated: checkpoints, proofs, the export, the change log."""

from __future__ import annotations

import base64

from archive import audit
from archive.ledger.merkle import verify_consistency, verify_inclusion
from archive.ledger.verifier import read_export, verify_export
from archive.sample import load_sample
from tests.api.conftest import Scenario


def test_checkpoints_proofs_and_export_verify(scenario: Scenario) -> None:
    # An archive with records and one signed checkpoint.
    load_sample(scenario.service)
    audit.keygen(scenario.service.settings)
    audit.checkpoint(scenario.service)
    client = scenario.client

    # Anyone may fetch the signed checkpoints: they reveal only sizes and roots.
    checkpoints = client.get("/api/ledger/checkpoints").json()
    assert checkpoints["count"] == 1
    size = checkpoints["data"][0]["size"]
    root = base64.b64decode(checkpoints["data"][0]["root"])

    # Proofs are for auditors; they verify against the checkpoint's root.
    assert client.get(f"/api/ledger/proof/inclusion?leaf=3&size={size}").status_code in (401, 403)
    proof = client.get(f"/api/ledger/proof/inclusion?leaf=3&size={size}", headers=scenario.auditor).json()
    assert verify_inclusion(
        base64.b64decode(proof["leaf_hash"]), 3, size, [base64.b64decode(p) for p in proof["proof"]], root
    )
    consistency = client.get(f"/api/ledger/proof/consistency?from=5&to={size}", headers=scenario.auditor).json()
    assert verify_consistency(5, size, base64.b64decode(consistency["from_root"]), root,
                              [base64.b64decode(p) for p in consistency["proof"]])
    # Out-of-range proofs are a clear 422, not a 500.
    assert (
        client.get(f"/api/ledger/proof/inclusion?leaf={size}&size={size}", headers=scenario.auditor).status_code == 422
    )

    # The export is the standalone verifier's input, and it verifies against the checkpoint.
    export = client.get("/api/ledger/export", headers=scenario.auditor)
    assert export.status_code == 200
    report = verify_export(read_export(export.text.splitlines()), checkpoints=[checkpoints["data"][0]["checkpoint"]],
                           public_key=scenario.service.settings.resolved_public_key)
    assert report.ok, report.problems
    # And /api/events tells each event's leaf index.
    events = client.get("/api/events?after=0&limit=5", headers=scenario.auditor).json()
    assert [e["leaf_index"] for e in events["data"]] == [0, 1, 2, 3, 4]


def test_the_change_log_of_an_agreement(scenario: Scenario) -> None:
    load_sample(scenario.service)
    changes = scenario.client.get("/api/records/2020/0001/changes").json()["data"]
    kinds = {(c["kind"], c["field"]) for c in changes}
    assert ("revision", "text") in kinds and ("correction", "title") in kinds
    correction = next(c for c in changes if c["kind"] == "correction")
    assert correction["reason"] == "Tittelen var registrert ufullstendig" and correction["corrects_version"] == 2
    assert correction["new"].endswith("i fylket") and not correction["old"].endswith("i fylket")
    # The timeline page shows the same change log.
    page = scenario.client.get("/r/2020/0001/timeline").text
    assert "Endringslogg" in page and "Tittelen var registrert ufullstendig" in page
    # A screened record's change log is as hidden from the public as the record itself.
    assert scenario.client.get("/api/records/2022/0001/changes").status_code == 404
    assert scenario.client.get("/api/records/2022/0001/changes", headers=scenario.auditor).status_code == 200
