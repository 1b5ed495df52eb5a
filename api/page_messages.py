"""Error messages as people read them on pages (Norwegian), from the API's English messages.

The JSON API keeps its English, machine-readable messages; an HTML error page shows the
Norwegian sentence from the message catalogue, and the original only as a technical detail
when no sentence fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from api.formatting import norwegian_date, oslo_time
from api.i18n import N_, gettext

_Render = Callable[[re.Match[str]], str]


def _as_of(match: re.Match[str]) -> str:
    ref, valid, known = match["ref"], match["valid"] or "", match["known"] or ""
    has_valid, has_known = valid not in ("None", ""), known not in ("None", "")
    if has_valid and has_known:
        return gettext("%(ref)s had no version valid on %(day)s as the archive knew it at %(moment)s") % {
            "ref": ref, "day": norwegian_date(valid), "moment": oslo_time(known)}
    if has_known:
        return gettext("The archive knew no version of %(ref)s at %(moment)s") % {
            "ref": ref, "moment": oslo_time(known)}
    return gettext("%(ref)s has no version valid on %(day)s") % {"ref": ref, "day": norwegian_date(valid)}


def _fixed(message: str) -> _Render:
    return lambda match: gettext(message) % {k: v.strip("'\"") for k, v in match.groupdict().items()}


# Anchored patterns of the messages raised in api/ and archive/ that reach pages.
PATTERNS: tuple[tuple[re.Pattern[str], _Render], ...] = (
    (re.compile(r"a bearer token is required"), _fixed(N_("You must log in to see this page."))),
    (re.compile(r"unknown or revoked token"), _fixed(N_("The key is unknown or has been revoked. Log in again."))),
    (re.compile(r"the Authorization header must be .*"),
     _fixed(N_("The Authorization header must be «Bearer» followed by the key."))),
    (re.compile(r"writing needs the archivist role"), _fixed(N_("Only archivists may change the archive."))),
    (re.compile(r"the event log is for auditors"), _fixed(N_("Only auditors may read the event log."))),
    (re.compile(r"(?P<ref>\S+) has no version (?:valid at (?P<valid>\S+))? ?(?:known at (?P<known>\S+))?"), _as_of),
    (re.compile(r"(?P<ref>\S+) has no version (?P<n>\d+)"), _fixed(N_("%(ref)s has no version %(n)s"))),
    (re.compile(r"(?P<ref>\S+) has no history yet"), _fixed(N_("%(ref)s has no history yet"))),
    (re.compile(r"no record (?P<ref>.+)"), _fixed(N_("Found no record %(ref)s"))),
    (re.compile(r"no person (?P<ref>.+)"), _fixed(N_("Found no person %(ref)s"))),
    (re.compile(r"no organisation (?P<ref>.+)"), _fixed(N_("Found no organisation %(ref)s"))),
    (re.compile(r"not a record id: (?P<ref>.+)"), _fixed(N_("Found no record %(ref)s"))),
    (re.compile(r"no \.(?P<fmt>\S+) version of this page"), _fixed(N_("This page has no .%(fmt)s version"))),
    (re.compile(r"search is not available on this server"), _fixed(N_("Search is not available on this server."))),
    (re.compile(r"an unexpected error occurred"), _fixed(N_("An unexpected error occurred."))),
)
GENERIC = {
    401: N_("You must log in to see this page."),
    403: N_("You do not have access to this page."),
    404: N_("Found no such page."),
    409: N_("The record was changed by someone else in the meantime."),
    422: N_("Some of the values are not valid."),
    429: N_("Too many requests; try again in a little while."),
}


def page_message(status: int, message: str) -> tuple[str, str | None]:
    """The Norwegian sentence for a page, and the original message when none fits (as a detail)."""
    text = message.strip()
    for pattern, render in PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return render(match), None
    generic = GENERIC.get(status, N_("The request could not be completed."))
    return gettext(generic), text or None
