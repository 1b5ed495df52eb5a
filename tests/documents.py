"""Invented web pages and PDFs, generated for the extractor tests (no real texts copied).

Each builder returns bytes as a browser's "Save page as" or a case system's PDF export would
write them: the HTML with a site's chrome around the article, the PDFs with running headers,
footers, page numbers and words hyphenated across lines.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

# --- Web pages ----------------------------------------------------------------------------

ARTICLE_URL = "https://www.vestfjell.no/nyheiter/nytt-tak-pa-nordby-skule"


def article_page(
    *,
    lang: str = "nn",
    meta_dates: bool = True,
    byline_date: bool = True,
    canonical: bool = True,
    charset: str = "utf-8",
) -> bytes:
    """A Nynorsk county news article inside a full site: menu, cookie banner, breadcrumb, sidebar, footer."""
    meta = (
        '<meta property="article:published_time" content="2016-03-14T09:12:00+01:00">\n'
        '<meta property="article:modified_time" content="2016-03-16T08:30:00+01:00">\n'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Nytt tak på Nordby skule", "datePublished": "2016-03-14T09:12:00+01:00",'
        ' "dateModified": "2016-03-16T08:30:00+01:00", "author": {"@type": "Person", "name": "Ingrid Moe"}}</script>\n'
        if meta_dates
        else ""
    )
    link = f'<link rel="canonical" href="{ARTICLE_URL}">\n' if canonical else ""
    byline = (
        '<p class="byline">Av Ingrid Moe, kommunikasjonsrådgjevar. Publisert 14.03.2016</p>'
        if byline_date
        else '<p class="byline">Av Ingrid Moe, kommunikasjonsrådgjevar</p>'
    )
    html_lang = f' lang="{lang}"' if lang else ""
    page = f"""<!DOCTYPE html>
<html{html_lang}>
<head>
<meta charset="{charset}">
<title>Nytt tak på Nordby skule | Vestfjell fylkeskommune</title>
{link}<meta property="og:url" content="https://www.vestfjell.no/og/nytt-tak-pa-nordby-skule">
<meta property="og:title" content="Nytt tak på Nordby skule">
{meta}</head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>Vi brukar informasjonskapslar (cookies) for å gje deg ei betre
oppleving av nettstaden. Ved å halde fram godtek du dette.</p><button>Godta alle</button></div>
<header class="site-header"><a href="/" class="logo">Vestfjell fylkeskommune</a>
<nav class="main-menu"><ul><li><a href="/">Heim</a></li><li><a href="/utdanning">Utdanning</a></li>
<li><a href="/samferdsel">Samferdsel</a></li><li><a href="/politikk">Politikk og organisasjon</a></li></ul></nav>
</header>
<nav class="breadcrumb"><a href="/">Heim</a> › <a href="/nyheiter">Nyheiter</a> › Nytt tak på Nordby skule</nav>
<main>
<article>
<h1>Nytt tak på Nordby skule</h1>
{byline}
<p class="lead ingress">Fylkestinget set av fem millionar kroner til nytt tak på Nordby vidaregåande skule.
Arbeidet startar i juni.</p>
<figure><img src="/bilete/nordby-tak.jpg" alt="Skulen">
<figcaption>Fylkesordførar Marte Haug (H) på taket av skulen. Foto: Per Lie</figcaption></figure>
<p>– Vi kan ikkje la elevane sitje i klasserom der det regnar inn, seier fylkesordførar Marte Haug (H).</p>
<p>Taket skal vere ferdig før haustferien. Les meir i <a href="https://www.vestfjell.no/dokument/sak-12-16">saksframlegget
til fylkestinget</a>.</p>
<h2>Elevane har venta lenge</h2>
<p>Rektor Olav Brekke er letta over vedtaket i fylkestinget.</p>
<p>– Endeleg kan vi tenkje på undervisning i staden for bøtter, seier Brekke.</p>
<figure><img src="/bilete/brekke.jpg" alt="">
<figcaption>Rektor Olav Brekke i klasserommet som lek.</figcaption></figure>
</article>
<aside class="related"><h2>Les også</h2><ul>
<li><a href="/nyheiter/ny-bussrute">Ny bussrute til Nordby frå august</a></li>
<li><a href="/nyheiter/budsjett">Budsjettet for 2016 er vedteke</a></li></ul></aside>
</main>
<footer class="site-footer">
<p>Vestfjell fylkeskommune, Postboks 1, 6800 Førde. Telefon 57 00 00 00</p>
<p>Oppdatert 05/22/2015</p>
<p>Sist endret 22.05.2015 av nettredaksjonen</p>
<p>© 2015 Vestfjell fylkeskommune · <a href="/personvern">Personvern</a> ·
<a href="/tilgjengelegheit">Tilgjengelegheit</a></p>
</footer>
</body>
</html>
"""
    return page.encode(charset)


def saved_page(text: str, *, lang: str, url: str, published: str | None = None) -> bytes:
    """A plain-text fixture (title line, blank-line blocks) as a saved page of a public body's site.

    The page gets the chrome real sites have around an article: cookie banner, menu,
    breadcrumb, a "Les også" sidebar and a footer with a date of its own. A block whose first
    line is a byline label ("Publisert", "Sist endret") becomes a byline table. With
    `published` (ISO), the text's "Publisert …" line is left out and the date is only in the
    page's metadata, as many CMSs print it.
    """
    import html as html_lib

    blocks = [b.strip().split("\n") for b in text.strip().split("\n\n")]
    title = blocks[0][0]
    parts = []
    for lines in blocks[1:]:
        if published and len(lines) == 1 and lines[0].lower().startswith("publisert"):
            continue
        if lines[0].strip().lower() in {"publisert", "sist endret", "oppdatert", "skrevet av"}:
            rows = "".join(
                f"<tr><th>{html_lib.escape(k)}</th><td>{html_lib.escape(v)}</td></tr>"
                for k, v in zip(lines[::2], lines[1::2], strict=False)  # a label without a value is dropped
            )
            parts.append(f'<table class="byline">{rows}</table>')
        else:
            parts.append("<p>" + "<br>".join(html_lib.escape(line) for line in lines) + "</p>")
    meta = (
        f'<meta property="article:published_time" content="{published}T10:00:00+01:00">\n' if published else ""
    )
    body = "\n".join(parts)
    page = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{html_lib.escape(title)} | Nettstaden</title>
<link rel="canonical" href="{url}">
{meta}</head>
<body>
<div class="cookie-consent"><p>Vi bruker informasjonskapsler for å gi deg en bedre opplevelse.</p>
<button>Godta</button></div>
<header><nav class="main-menu"><ul><li><a href="/">Forside</a></li><li><a href="/tjenester">Tjenester</a></li>
<li><a href="/politikk">Politikk</a></li></ul></nav></header>
<nav class="breadcrumb"><a href="/">Forside</a> › <a href="/nyheter">Nyheter</a></nav>
<main><article>
<h1>{html_lib.escape(title)}</h1>
{body}
</article>
<aside class="related"><h2>Les også</h2>
<ul><li><a href="/nyheter/annen-sak">En annen sak fra i fjor</a></li></ul></aside>
</main>
<footer><p>Postboks 1, 9999 Nordby · Org.nr. 999 999 999</p><p>Sist endret 01.01.2020</p></footer>
</body>
</html>
"""
    return page.encode("utf-8")


MINUTES_URL = "https://www.nordby.kommune.no/politikk/moter/formannskapet-2024-03-12"


def minutes_page() -> bytes:
    """Bokmål minutes of a Formannskap meeting published as a web page (tables, case headings)."""
    page = f"""<!DOCTYPE html>
<html lang="nb-NO">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>Møteprotokoll Formannskapet 12.03.2024 - Nordby kommune</title>
<meta property="og:url" content="{MINUTES_URL}">
</head>
<body>
<div class="cookie-consent">Vi bruker informasjonskapsler. <button>OK</button></div>
<nav class="site-nav"><ul><li><a href="/">Forside</a></li><li><a href="/politikk">Politikk</a></li>
<li><a href="/tjenester">Tjenester</a></li></ul></nav>
<div id="content" class="content">
<h1>Møteprotokoll for Formannskapet</h1>
<table class="moteinfo">
<tr><th>Dato:</th><td>12.03.2024</td></tr>
<tr><th>Tid:</th><td>kl. 10.00 - 14.30</td></tr>
<tr><th>Sted:</th><td>Rådhuset, møterom Fjellet</td></tr>
</table>
<h2>Til stede</h2>
<table><thead><tr><th>Navn</th><th>Funksjon</th><th>Representerer</th></tr></thead>
<tbody><tr><td>Kari Nordmann</td><td>Ordfører</td><td>Ap</td></tr>
<tr><td>Ola Berg</td><td>Varaordfører</td><td>H</td></tr>
<tr><td>Siri Lund</td><td>Medlem</td><td>Sp</td></tr>
<tr><td>Jonas Aas</td><td>Medlem</td><td>SV</td></tr></tbody></table>
<h2>Forfall</h2>
<table><tr><th>Navn</th><th>Funksjon</th><th>Representerer</th></tr>
<tr><td>Per Strand</td><td>Medlem</td><td>FrP</td></tr></table>
<h2>Saksliste</h2>
<ul><li>PS 12/24 Godkjenning av protokoll fra forrige møte</li>
<li>PS 13/24 Kjøp av tomt til ny brannstasjon</li></ul>
<h3>PS 12/24 Godkjenning av protokoll fra forrige møte</h3>
<p><strong>Innstilling:</strong><br>Protokollen godkjennes.</p>
<p><strong>Vedtak:</strong><br>Protokollen ble enstemmig godkjent.</p>
<h3>PS 13/24 Kjøp av tomt til ny brannstasjon</h3>
<p><strong>Forslag til vedtak:</strong><br>Kommunen kjøper gnr. 12 bnr. 4 for inntil 3,2 millioner kroner.</p>
<p><strong>Vedtak:</strong><br>Vedtatt mot 1 stemme (SV).</p>
</div>
<footer><p>Nordby kommune · Sist endret 01.02.2020</p></footer>
</body>
</html>
"""
    return page.encode("cp1252")


# --- PDFs ---------------------------------------------------------------------------------

PAGE_BREAK = "<<page>>"

# The minutes body, pre-broken into lines as a word processor would set them; "" separates
# paragraphs and PAGE_BREAK starts a new page. "sam-"/"arbeid" and "kollektiv-"/"trafikken"
# are hyphenated across lines; "Nord-"/"Fron" and "Riis-Johansen" carry real hyphens.
MINUTES_LINES = [
    "Møteprotokoll",
    "",
    "Utvalg: Regionrådet",
    "Møtested: Kulturhuset, Vinstra",
    "Dato: 14.03.2016",
    "Tidspunkt: 09:00 - 15:00",
    "",
    "Følgende faste medlemmer møtte:",
    "Navn Funksjon Representerer",
    "Anne Riis-Johansen Leder Sp",
    "Per Kvam Medlem Ap",
    "Lise Moen Medlem H",
    "",
    "Saksliste",
    "Sak 12/16 Godkjenning av innkalling og saksliste",
    "Sak 13/16 Regionalt samarbeid om kollektivtrafikk",
    "Sak 14/16 Budsjett for regionrådet 2017",
    PAGE_BREAK,
    "Sak 12/16 Godkjenning av innkalling og saksliste",
    "",
    "Forslag til vedtak:",
    "Innkalling og saksliste godkjennes.",
    "",
    "Vedtak:",
    "Enstemmig vedtatt.",
    "",
    "Sak 13/16 Regionalt samarbeid om kollektivtrafikk",
    "",
    "Forslag til vedtak:",
    "Regionrådet ber kommunene styrke sam-",
    "arbeidet om kollektiv-",
    "trafikken mellom Sør-Fron og Nord-",
    "Fron fra høsten 2016.",
    PAGE_BREAK,
    "Vedtak:",
    "Regionrådet ber kommunene styrke samarbeidet om kollektivtrafikken, enstemmig vedtatt.",
    "",
    "Sak 14/16 Budsjett for regionrådet 2017",
    "",
    "Forslag til vedtak:",
    "Budsjettet vedtas som fremlagt.",
    "",
    "Vedtak:",
    "Enstemmig vedtatt.",
]
MINUTES_HEADER = "Gudbrandsdal regionråd – Møteprotokoll 14.03.2016"
MINUTES_FOOTER = "Gudbrandsdal regionråd, Postboks 12, 2640 Vinstra"


@dataclass(frozen=True)
class PdfLayout:
    header: str | None = MINUTES_HEADER
    footer: str | None = MINUTES_FOOTER
    page_numbers: str | None = "Side {n} av {total}"  # None: no page numbers
    title: str | None = "Møteprotokoll Regionrådet 14.03.2016"


def minutes_pdf(lines: list[str] | None = None, layout: PdfLayout | None = None) -> bytes:
    """The minutes above as a three-page PDF with running header, footer and page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    lines = MINUTES_LINES if lines is None else lines
    layout = layout or PdfLayout()
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == PAGE_BREAK:
            pages.append([])
        else:
            pages[-1].append(line)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    if layout.title:
        canvas.setTitle(layout.title)
    width, height = A4
    for number, page in enumerate(pages, 1):
        if layout.header:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(56, height - 40, layout.header)
        y = height - 90
        for line in page:
            if line == "":
                y -= 10  # paragraph spacing
                continue
            canvas.setFont("Helvetica-Bold" if line.startswith("Sak ") else "Helvetica", 11)
            canvas.drawString(56, y, line)
            y -= 14
        canvas.setFont("Helvetica", 8)
        if layout.footer:
            canvas.drawString(56, 40, layout.footer)
        if layout.page_numbers:
            canvas.drawRightString(width - 56, 28, layout.page_numbers.format(n=number, total=len(pages)))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages are only pictures (a scan): grey noise and dark bars where text would be."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    rng = random.Random(12)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(pages):
        image = Image.new("L", (420, 595), 245)
        draw = ImageDraw.Draw(image)
        for row in range(40, 560, 14):
            draw.rectangle((30, row, 30 + rng.randint(200, 360), row + 7), fill=rng.randint(20, 80))
        canvas.drawImage(ImageReader(image), 0, 0, *A4)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    """The minutes behind a user password."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("hemmelig", canPrint=0))
    canvas.drawString(56, 700, "Møteprotokoll Regionrådet")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
