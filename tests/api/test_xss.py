"""A hostile payload in every text field is rendered escaped on every page and never becomes a link."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.api.conftest import Scenario

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
JS_URL = "javascript:alert(1)"


def load_hostile(s: Scenario) -> list[str]:
    p = PAYLOAD
    org = s.post("/api/organisations", {"name": f"Org {p}", "organisation_kind": "kommune"})
    person = s.post("/api/people", {"name": f"Person {p}", "party": f"Parti {p}"})
    person = s.post(f"/api/people/{person['id']}/roles", {
        "expected_version": 1, "role": f"rolle {p}", "organisation_id": org["id"], "organisation_name": f"O {p}",
        "valid_from": "2016-01-01"})
    st = s.post("/api/statements", {
        "text": f"Sitat {p}", "said_at": "2016-02-11", "speaker_id": person["id"], "speaker_name": f"Navn {p}",
        "speaker_role": f"rolle {p}", "party": f"parti {p}", "organisation_name": f"org {p}",
        "attribution": {"method": f"m {p}", "confidence": 0.5, "flagged": True}})
    news = s.post("/api/news", {
        "title": f"Tittel {p}", "kicker": f"Kicker {p}", "lede": f"Ingress {p}",
        "paragraphs": [f"Avsnitt {p}", f"Sitat {p}"], "published_at": "2016-02-11",
        "organisation_name": f"org {p}", "source_url": JS_URL, "statement_ids": [st["id"]],
        "related_links": [{"title": f"Lenke {p}", "url": JS_URL}, {"title": "data", "url": "data:text/html,x"},
                          f"Tekstlenke {p}"],
        "cited_documents": [{"title": f"Dok {p}", "source": f"Kilde {p}", "text": f"Tekst {p}"}]})
    st = s.post(f"/api/statements/{st['id']}/corrections", {
        "expected_version": 1, "changes": {"text": f"Rettet {p}"}, "reason": f"Grunn {p}"})
    s.client.post(f"/api/statements/{st['id']}/corrections", json={"expected_version": 2,
                  "changes": {"text": f"Rettet {p}"}, "reason": "r"}, headers=s.archivist)
    part = s.post("/api/organisations", {"name": f"Part {p}", "organisation_kind": "kommune"})
    ag = s.post("/api/agreements", {"title": f"Avtale {p}", "parties": [org["id"], part["id"]],
                                    "text": f"Tekst {p}", "effective_from": "2016-01-01"})
    ag = s.post(f"/api/agreements/{ag['id']}/revisions", {"expected_version": 1, "effective_from": "2016-06-01",
                                                           "reason": f"Grunn {p}", "text": f"Ny {p} tekst"})
    m = s.post("/api/meetings", {"title": f"Møte {p}", "start": "2016-02-10T10:00:00+01:00", "place": f"Sted {p}",
                                 "organiser_name": f"Arr {p}"})
    m = s.post(f"/api/meetings/{m['id']}/details", {
        "expected_version": 1, "agenda": [{"number": "1", "title": f"Sak {p}", "proposal": f"Forslag {p}",
                                           "decision": f"Vedtak {p}"}],
        "participants": [{"name": f"Deltaker {p}", "role": f"rolle {p}", "party": f"parti {p}",
                          "person_id": person["id"]}], "minutes": f"Protokoll {p}"})
    r = s.post(f"/api/records/{ag['id']}/restriction", {"expected_version": 2, "legal_basis": f"Hjemmel {p}",
                                                         "public_title": f"Offentlig {p}"})
    refs = [x["reference"] for x in (org, person, st, news, ag, m)]
    assert r["version"] == 3
    return refs


def pages_for(refs: list[str]) -> list[str]:
    urls = ["/", "/records", "/records?kind=agreement", f"/search?q={PAYLOAD}", "/search?q=Sitat", "/status",
            "/events", f"/search?q=x&party={PAYLOAD}&speaker={JS_URL}", "/login"]
    for ref in refs:
        urls += [f"/r/{ref}", f"/r/{ref}/timeline", f"/r/{ref}/timeline?from=1&to=2",
                 f"/r/{ref}?valid_at=2016-07-01"]
    return urls


class TagAudit(HTMLParser):
    """Collects what a browser would actually build from the page: tags and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "img", "iframe", "object", "embed"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{tag} {name}={value}")


def assert_safe(html: str, url: str) -> None:
    assert SCRIPT not in html, url
    audit = TagAudit()
    audit.feed(html)
    assert audit.problems == [], url


def test_payload_is_escaped_on_every_page_for_every_role(scenario: Scenario) -> None:
    refs = load_hostile(scenario)
    for role in ("public", "auditor"):
        for url in pages_for(refs):
            response = scenario.client.get(url, headers=scenario.as_role(role))
            assert response.status_code in (200, 401, 404), (url, response.status_code)
            if response.status_code == 200 and response.headers["content-type"].startswith("text/html"):
                assert_safe(response.text, url)
    # The payload is really shown (escaped), not silently dropped.
    page = scenario.client.get(f"/r/{refs[3]}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:alert(1)" in page  # shown as text, not as a link


def test_feeds_and_csv_carry_the_payload_as_data(scenario: Scenario) -> None:
    refs = load_hostile(scenario)
    atom = scenario.client.get(f"/r/{refs[1]}/statements.atom")
    assert atom.status_code == 200 and SCRIPT not in atom.text and "&lt;script&gt;" in atom.text
    csv = scenario.client.get("/records.csv", headers=scenario.auditor)
    assert csv.headers["content-type"].startswith("text/csv")
