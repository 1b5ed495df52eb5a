"""A saved web page (HTML) as a `SourceDocument`: the article's text and what the page says about it.

`trafilatura` finds the main text (title, lede, paragraphs, subheadings, lists, tables, links)
and `htmldate` the publication and update dates. Both are given the page with its site chrome
(navigation, cookie banner, breadcrumb, "Les også" boxes, site footer) already cut out,
because `htmldate` otherwise takes a footer's "Oppdatert 05/22/2015" for the article's date.
Captions and the visible byline, which `trafilatura` drops, are read from the page itself.

The text comes out in the layout the news and minutes parsers read: the title on the first
line, one block per paragraph with blank lines between, table rows as lines with their cells
separated by spaces, headings on their own lines.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import date
from urllib.parse import urlsplit

import htmldate
import lxml.etree as etree
import lxml.html
import trafilatura

from archive.importers.dates import find_publication_dates, parse_norwegian_date
from archive.importers.errors import ImportFormatError
from archive.importers.source import (
    DATE_FROM_METADATA,
    DATE_FROM_TEXT,
    DATE_FROM_URL,
    SourceDocument,
)
from archive.importers.text import normalise_text

MEDIA_TYPE = "text/html"

# How far into the bytes a charset declaration counts (browsers look at the first 1024).
_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
# ISO-8859-1 is decoded as windows-1252 by every browser (WHATWG encoding standard).
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
_LOOKS_LIKE_HTML = re.compile(rb"<\s*(?:!doctype|html|head|body|p|div|article|main|h1|table)\b", re.IGNORECASE)

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
_BYLINE_WORDS = re.compile(r"byline|author|forfatter|dateline|article-?meta|article-?info|published|publisert", re.I)
_CAPTION_WORDS = re.compile(r"caption|bildetekst|bilettekst|image-?text", re.IGNORECASE)
_AUTHOR_IN_BYLINE = re.compile(
    r"^(?:av|tekst|skrevet av|skrive av|tekst og foto|tekst og bilete)\s*:?\s*(?P<name>[A-ZÆØÅ][^,.|\d]{2,60})",
    re.IGNORECASE,
)
_IMAGE_NAME = re.compile(r"[^/?#]+\.(?:jpe?g|png|gif|webp|tiff?)$", re.IGNORECASE)
# A date in an address: /2016/03/14/, /2016-03-14-, /20160314/.
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[/-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)/"
)
_ISO_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})")
_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def extract_html(data: bytes, *, url: str | None = None) -> SourceDocument:
    """Read a saved web page; raises ImportFormatError when it is empty, binary or not HTML."""
    markup = decode_html(data)
    root = _parse(markup)
    warnings: list[str] = []
    canonical = url or _canonical_url(root)
    content = _without_chrome(root)
    captions = _captions(content)
    byline = _byline(content)
    blocks, meta = _main_text(content, captions)
    if not blocks:
        raise ImportFormatError("the page has no readable main text")
    title = meta.get("title") or None
    if title and _flat(blocks[0]) != _flat(title):
        blocks.insert(0, title)
    title = title or blocks[0].split("\n")[0]
    if byline.lines:
        blocks.insert(1, "\n".join(byline.lines))
    published, published_from, updated = _dates(content, byline, canonical, warnings)
    text = normalise_text("\n\n".join(blocks) + "\n")
    return SourceDocument(
        text=text,
        media_type=MEDIA_TYPE,
        sha256=hashlib.sha256(data).hexdigest(),
        url=canonical,
        language=_language(root),
        title=title,
        published=published,
        published_from=published_from,
        updated=updated,
        warnings=tuple(warnings),
    )


# --- Bytes to a tree ----------------------------------------------------------------------


def decode_html(data: bytes) -> str:
    """Decode by BOM, then the declared charset, then UTF-8, then windows-1252."""
    if not data.strip():
        raise ImportFormatError("empty file", 1)
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode_or_fail(data[len(bom) :], codec)
    if b"\x00" in data:
        raise ImportFormatError(
            "binary content (NUL byte): not a web page", data.count(b"\n", 0, data.index(b"\x00")) + 1
        )
    if not _LOOKS_LIKE_HTML.search(data[:_SNIFF_BYTES * 4]):
        raise ImportFormatError("no HTML markup found: not a web page")
    candidates: list[str] = []
    if not data.isascii() and _is_utf8(data):
        # Valid multi-byte UTF-8 is practically never windows-1252 text, and "Save page as"
        # often re-encodes a page to UTF-8 while leaving its old charset declaration in place.
        candidates.append("utf-8")
    declared = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        name = _CHARSET_ALIASES.get(name, name)
        with contextlib.suppress(LookupError):  # an unknown charset name: fall through to the usual guesses
            candidates.append(codecs.lookup(name).name)
    candidates += ["utf-8", "cp1252"]
    for codec in candidates:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")  # unreachable in practice: cp1252 maps almost every byte


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_or_fail(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"invalid {codec} at byte {exc.start}") from None


def _parse(markup: str) -> lxml.html.HtmlElement:
    # lxml refuses str input that carries an encoding declaration in an XML prolog.
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise ImportFormatError(f"cannot parse the HTML: {exc}") from None
    return root


# --- What the page's head says ------------------------------------------------------------


def _language(root: lxml.html.HtmlElement) -> str | None:
    """"nb"/"nn" from <html lang> (or og:locale); None when absent or another language."""
    values = [root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""]
    values += root.xpath("//meta[@property='og:locale']/@content")
    for value in values:
        primary = re.split(r"[-_]", value.strip().lower())[0] if value.strip() else ""
        if primary:
            return _LANGUAGES.get(primary)
    return None


def _canonical_url(root: lxml.html.HtmlElement) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        for value in root.xpath(xpath):
            value = str(value).strip()
            if urlsplit(value).scheme in {"http", "https"}:
                return value
    return None


# --- Chrome -------------------------------------------------------------------------------


def _without_chrome(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
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


# --- Captions and byline ------------------------------------------------------------------


def _captions(content: lxml.html.HtmlElement) -> dict[str, str]:
    """Image address → its caption ("… Foto: Per Lie"), for figures and captioned images."""
    out: dict[str, str] = {}
    for figure in content.iter("figure"):
        images = figure.xpath(".//img/@src")
        caption = figure.xpath(".//figcaption")
        if images and caption:
            out[str(images[0])] = _clean(caption[0].text_content())
    for element in content.iter():
        if not isinstance(element.tag, str) or element.tag == "figcaption":
            continue
        parent = element.getparent()
        if _CAPTION_WORDS.search(element.get("class", "")) and parent is not None:
            images = parent.xpath(".//img/@src")
            if images and str(images[0]) not in out:
                out[str(images[0])] = _clean(element.text_content())
    return {src: text for src, text in out.items() if text}


class _Byline:
    """The visible byline: the lines we show, the author, and the dates it prints."""

    def __init__(self, lines: list[str], published: date | None, updated: date | None) -> None:
        self.lines = lines
        self.published = published
        self.updated = updated


def _byline(content: lxml.html.HtmlElement) -> _Byline:
    for element in content.iter():
        if not isinstance(element.tag, str) or element.tag in {"html", "body", "main", "article"}:
            continue
        names = (
            f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')} {element.get('rel', '')}"
        )
        if not _BYLINE_WORDS.search(names):
            continue
        text = _clean(element.text_content())
        if not text or len(text) > 250:
            continue
        return _byline_from(text)
    return _Byline([], None, None)


def _byline_from(text: str) -> _Byline:
    lines: list[str] = []
    author = _AUTHOR_IN_BYLINE.match(text)
    if author:
        lines.append(f"Av: {author['name'].strip()}")
    published, updated = find_publication_dates(text)
    if published is None and updated is None:
        published = parse_norwegian_date(text)
    if published:
        lines.append(f"Publisert {published:%d.%m.%Y}")
    if updated:
        lines.append(f"Oppdatert {updated:%d.%m.%Y}")
    return _Byline(lines, published, updated)


# --- Main text ----------------------------------------------------------------------------


def _main_text(content: lxml.html.HtmlElement, captions: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Blocks of the main text (trafilatura's XML turned into our layout) and its metadata."""
    result: str | None = None
    for recall in (False, True):
        result = trafilatura.extract(
            copy.deepcopy(content),
            output_format="xml",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_links=True,
            include_formatting=True,
            favor_recall=recall,
            deduplicate=False,
        )
        if result:
            break
    if not result:
        return [], {}
    doc = etree.fromstring(result.encode("utf-8"))
    meta = {key: _clean(value) for key, value in doc.attrib.items()}
    main = doc.find("main")
    blocks = _glue_headings(list(_blocks(main if main is not None else doc, captions)))
    unplaced = [text for src, text in captions.items() if not any(text in block for block in blocks)]
    # Captions trafilatura did not place go after the lede, where pages usually put the top image.
    for offset, caption in enumerate(unplaced):
        blocks.insert(min(2, len(blocks)) + offset, caption)
    return [block for block in blocks if block.strip()], meta


def _glue_headings(blocks: list[tuple[str, str]]) -> list[str]:
    """A heading directly over a table or list heads it ("Til stede" over the members): one block.

    The minutes parser reads a section label with its rows below it; a news subheading over
    running text stays a block of its own, as the news parser expects.
    """
    out: list[str] = []
    previous = ""
    for tag, text in blocks:
        if tag in {"list", "table"} and previous == "head" and out:
            out[-1] = f"{out[-1]}\n{text}"
        else:
            out.append(text)
        previous = tag
    return out


def _blocks(parent: etree._Element, captions: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(kind, text) for each block of trafilatura's XML, in order."""
    for element in parent:
        tag = element.tag
        if tag in {"head", "p", "quote", "code"}:
            text = _lines(_inline(element))
            if text:
                kind = "p" if tag != "head" else "title" if element.get("rend") == "h1" else "head"
            yield kind, text
        elif tag == "list":
            items = [_lines(_inline(item)) for item in element.iter("item")]
            yield "list", "\n".join(item for item in items if item)
        elif tag == "table":
            # Cells separated by a space, as PDF text extraction prints table rows.
            rows = [" ".join(_clean(_inline(cell)) for cell in row.findall("cell")) for row in element.iter("row")]
            yield "table", "\n".join(row.strip() for row in rows if row.strip())
        elif tag == "graphic":
            caption = _caption_block(element.get("src") or "", captions)
            if caption:
                yield "caption", caption
        elif tag in {"div", "main"}:
            yield from _blocks(element, captions)


def _caption_block(src: str, captions: dict[str, str]) -> str | None:
    """A caption as the news parser knows one: with its photo credit, or after the image's file name."""
    caption = captions.get(src)
    if caption is None:
        return None
    if re.search(r"\b(?:foto|bilete|bilde|illustrasjon|photo)\s*:", caption, re.IGNORECASE):
        return caption
    name = _IMAGE_NAME.search(urlsplit(src).path)
    return f"{name.group(0)}\n{caption}" if name else caption


def _inline(element: etree._Element) -> str:
    """An element's text with line breaks (<lb/>) kept and everything else run together."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag == "graphic":
            pass
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _lines(text: str) -> str:
    return "\n".join(line for line in (_clean(part) for part in text.split("\n")) if line)


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- Dates --------------------------------------------------------------------------------


def _dates(
    content: lxml.html.HtmlElement, byline: _Byline, url: str | None, warnings: list[str]
) -> tuple[date | None, str | None, date | None]:
    """Publication date with where it came from, and the update date, from the page without chrome.

    Metadata (meta tags, JSON-LD, <time datetime>) first, then the visible byline, then the address.
    """
    markup_days = set(_markup_days(content))
    addresses = [url, *(str(v) for v in content.xpath("//meta[@property='og:url']/@content"))]
    url_day = next((day for day in (_url_date(a) for a in addresses if a) if day is not None), None)
    original = _htmldate(content, original=True)
    latest = _htmldate(content, original=False)
    published: date | None = None
    source: str | None = None
    if original is not None and original in markup_days:
        published, source = original, DATE_FROM_METADATA
    elif byline.published is not None:
        published, source = byline.published, DATE_FROM_TEXT
    elif original is not None and original == url_day:
        published, source = original, DATE_FROM_URL
    elif original is not None:
        # htmldate read it from a date element's visible text (class="date" and the like).
        published, source = original, DATE_FROM_TEXT
    elif url_day is not None:
        published, source = url_day, DATE_FROM_URL
    # Without any of these the importer decides (the article text may still print its date)
    # and warns only when the date stays unknown.
    updated = byline.updated
    if updated is None and latest is not None and latest in markup_days:
        updated = latest
    if updated is not None and published is not None and updated <= published:
        updated = None
    return published, source, updated


def _htmldate(content: lxml.html.HtmlElement, *, original: bool) -> date | None:
    # No url: a date in the address is weaker evidence and is labelled as such by _url_date.
    found = htmldate.find_date(copy.deepcopy(content), extensive_search=False, original_date=original)
    if not found:
        return None
    try:
        return date.fromisoformat(found)
    except ValueError:
        return None


def _markup_days(content: lxml.html.HtmlElement) -> Iterable[date]:
    """Days stated in machine-readable markup: meta content, <time datetime>, JSON-LD."""
    values: list[str] = [str(v) for v in content.xpath("//meta/@content|//time/@datetime|//abbr/@title")]
    # An address in og:url is the address, not a date statement: _url_date labels that one.
    values = [v for v in values if not urlsplit(v.strip()).scheme]
    for script in content.xpath("//script[@type='application/ld+json']"):
        values.append(script.text or "")
    for value in values:
        for match in _ISO_DAY.finditer(value):
            try:
                yield date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue


def _url_date(url: str) -> date | None:
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = (match["y"], match["m"], match["d"]) if match["y"] else (match["y2"], match["m2"], match["d2"])
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
