"""What the page's head says (language, canonical address) and the site chrome cut before anything is read.

`htmldate` and `trafilatura` are given the page without navigation, cookie banners, "Les også"
boxes and site footers, which otherwise lend the article their dates and text.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import urlsplit

import lxml.html

_LANGUAGES = {
    "nb": "nb", "nob": "nb", "no": "nb", "nor": "nb",
    "nn": "nn", "nno": "nn",
}  # fmt: skip

# Class or id words that mark site chrome rather than the article.
_CHROME_WORDS = re.compile(
    r"cookie|consent|gdpr|breadcrumb|brodsmule|related|relatert|les-?ogs|lesogs|share|sharing|social|"
    r"deling|newsletter|nyhetsbrev|sidebar|navbar|skip-?link|site-?footer|page-?footer|global-?footer|"
    r"site-?header|page-?header|mainmenu|main-?menu|megamenu|topmenu|top-?nav|site-?nav|subnav",
    re.IGNORECASE,
)
_CHROME_TAGS = {"nav", "script", "style", "noscript", "template", "form", "button", "iframe", "svg", "select"}
# Tags that are chrome when they belong to the site rather than to the article.
_SITE_TAGS = {"footer", "aside", "header"}
_RELATED_HEADING = re.compile(
    r"^\s*(?:les også|les og så|les òg|les meir|les mer|relaterte (?:saker|artikler)|fleire nyheiter|flere nyheter|"
    r"andre saker|siste nytt|mest lest)\b",
    re.IGNORECASE,
)


def page_language(root: lxml.html.HtmlElement) -> str | None:
    """"nb"/"nn" from <html lang> (or og:locale); None when absent or another language."""
    values = [root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""]
    values += root.xpath("//meta[@property='og:locale']/@content")
    for value in values:
        primary = re.split(r"[-_]", value.strip().lower())[0] if value.strip() else ""
        if primary:
            return _LANGUAGES.get(primary)
    return None


def canonical_url(root: lxml.html.HtmlElement) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        for value in root.xpath(xpath):
            value = str(value).strip()
            if urlsplit(value).scheme in {"http", "https"}:
                return value
    return None


def without_chrome(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page without navigation, banners, sidebars and the site's footer."""
    content = copy.deepcopy(root)
    doomed: list[lxml.html.HtmlElement] = []
    for element in content.iter():
        if not isinstance(element.tag, str) or element.tag in {"html", "body", "main", "article"}:
            continue
        if _is_chrome(element):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            _drop(element)
    return content


def _is_chrome(element: lxml.html.HtmlElement) -> bool:
    tag = element.tag
    if tag == "script" and element.get("type") == "application/ld+json":
        return False  # the page's structured metadata: htmldate reads its dates
    if tag in _CHROME_TAGS:
        return True
    inside_article = bool(element.xpath("ancestor::article"))
    holds_article = bool(element.xpath(".//article|.//h1"))
    if tag in _SITE_TAGS and not inside_article and not holds_article:
        return True
    names = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"
    if element.get("role") in {"navigation", "banner", "contentinfo", "complementary"} and not holds_article:
        return True
    if _CHROME_WORDS.search(names) and not holds_article:
        return True
    if tag in {"aside", "section", "div"} and not holds_article:
        heading = element.xpath("(.//h2|.//h3|.//h4|.//strong)[1]")
        if heading and _RELATED_HEADING.match(heading[0].text_content()):
            return True
    return False


def _drop(element: lxml.html.HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
