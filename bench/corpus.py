"""A bench corpus that behaves like real text, and the queries to run on it (bench only).

Words are drawn from real Bokmål frequencies (the `wordfreq` package ships them; nothing is
downloaded at run time: `pip install -e .[bench]`), blended with a small local-government
vocabulary (DOMAIN) the way council text over-uses "kommunestyret" and "vedtak". Record
lengths follow the kind: statements 1–3 sentences, news 300–800 words, minutes 1–5k words and
agreements 1–10k words (log-uniform, so most long records sit at the short end, as in a real
archive). The kind mix is statement 55 %, news 35 %, meeting 5 %, agreement 5 %. Speakers are
invented people with real-looking Norwegian names and a party each, speaking Zipf-often;
organisations are real municipality and county names; dates span 20 years (2006–2025).

Everything comes from one seed, so every engine in bench/search.py sees the same records and
the same queries. Queries (see `queries`) come in classes:
  mid       100 mid-frequency words (the journalist's typical query)
  two       20: ten pairs of words that occur together, ten quoted phrases taken from records
  common    20 very common non-stop words, each in >= 20 % of a sample of records
  filter    20 mid-frequency words with a party, person or year filter
  fuzzy     20: ten prefixes (word*), ten misspellings (word~1)
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

__all__ = ["Query", "Vocabulary", "corpus", "queries", "QUERY_CLASSES"]

QUERY_CLASSES = ("mid", "two", "common", "filter", "fuzzy")
KIND_MIX = (("statement", 0.55), ("news", 0.35), ("meeting", 0.05), ("agreement", 0.05))
DOMAIN_SHARE = 0.06  # of the words of a text, from DOMAIN
FIRST_DAY = datetime(2006, 1, 1)
DAYS = 20 * 365

DOMAIN = """kommunestyret kommunestyre formannskapet vedtak vedtaket saken saksframlegg ordføreren
ordfører rådmannen kommunedirektøren budsjettet budsjett økonomiplan tilskudd tilskuddet høring
høringen reguleringsplan reguleringsplanen arealplan barnehage barnehagen skolen skole sykehjem
helsetjenester omsorg eldreomsorg innbyggerne innbyggere fylkeskommunen fylkestinget samferdsel
veien veier vann avløp brannvesen beredskap klima miljø næringsliv næringsutvikling boliger
utbygging eiendom eiendomsskatt kontrollutvalget revisjon interpellasjon representanten
representantene forslaget forslag flertallet mindretallet samarbeid samarbeidsavtale avtalen
avtale partene leverandør anskaffelse kontrakt oppdraget tjenesten tjenester rapporten
utvalget administrasjonen folkehelse idrettshall kulturhus bibliotek havn ferje kollektivtilbud
""".split()

FIRST_NAMES = """Anne Kari Ingrid Marit Liv Hilde Silje Ida Nora Emma Ingvild Tone Randi Hanne Berit Siri
Kristin Camilla Marianne Astrid Ole Lars Jan Per Bjørn Kjell Arne Knut Svein Geir Tor Hans Morten
Jon Trond Erik Espen Håkon Magnus Sindre Eirik Odd Vidar Rune Øystein Åse Solveig Gunnar""".split()
SURNAMES = """Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen
Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen
Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen
Paulsen Bakken Kristoffersen Mathisen Lie Amundsen Nguyen Rasmussen Ali Lunde Solheim Berge Moe
Nygård Bakke Kristensen Fredriksen Holm Lien Hauge Christensen Andresen Nielsen Knudsen Evensen Sæther
Aas Myhre Hanssen Ahmed Haugland Thomassen Sivertsen Simonsen Danielsen Berntsen Sandvik Rønning
Arnesen Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen Birkeland Isaksen Gulbrandsen Ruud
Aasen Strøm Myklebust Tangen Ødegård Eliassen Helland Bøe Jenssen Aune Mikkelsen Tveit Brekke
Abrahamsen Madsen""".split()
PARTIES = ("Ap", "H", "Sp", "FrP", "SV", "KrF", "V", "MDG", "R", "INP")
PARTY_WEIGHTS = (26, 22, 13, 12, 7, 5, 5, 4, 4, 2)
ROLES = ("ordfører", "varaordfører", "kommunestyrerepresentant", "gruppeleder", "fylkesordfører",
         "leder i formannskapet", "kommunedirektør", "fylkesrådsleder", "rådmann", "stortingsrepresentant")
PLACES = """Oslo Bergen Trondheim Stavanger Kristiansand Drammen Fredrikstad Sandnes Tromsø Sarpsborg
Skien Bodø Ålesund Larvik Tønsberg Arendal Karmøy Haugesund Porsgrunn Sandefjord Moss Halden
Lillehammer Hamar Gjøvik Molde Harstad Kongsberg Ringerike Hole Lier Modum Asker Bærum Lillestrøm
Ullensaker Nordre Follo Steinkjer Levanger Verdal Narvik Alta Hammerfest Vadsø Kirkenes Elverum
Kongsvinger Notodden Voss Førde Florø Stord Os Askøy Sola Time Klepp Eigersund Egersund Mandal
Grimstad Lyngdal Flekkefjord Namsos Orkland Melhus Malvik Stjørdal Rana Vefsn Sortland Vågan""".split()
COUNTIES = ("Viken", "Vestland", "Rogaland", "Trøndelag", "Nordland", "Innlandet", "Agder",
            "Vestfold og Telemark", "Troms og Finnmark", "Møre og Romsdal")
COMPANIES = ("Energi AS", "Renovasjon IKS", "Havn KF", "Eiendom KF", "Vann og avløp IKS", "Kollektivtrafikk AS",
             "Næringsforening", "Idrettsråd", "Brann og redning IKS", "Parkering AS")


@dataclass
class Query:
    """One query, the same for every engine; `fts` is its SQLite FTS5 MATCH text."""

    cls: str
    q: str
    fts: str
    party: str | None = None
    speaker: str | None = None
    year: int | None = None
    fuzzy_word: str | None = None  # for FTS5: expand to index words within distance 1
    prefix: str | None = None


@dataclass
class Vocabulary:
    """Bokmål words and cumulative weights (wordfreq 'nb'), plus the domain words."""

    words: list[str]
    cum: list[float]
    stop: frozenset[str]
    rank: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, size: int = 60_000, stop: frozenset[str] = frozenset()) -> Vocabulary:
        from wordfreq import get_frequency_dict

        freqs = get_frequency_dict("nb")
        words: list[str] = []
        weights: list[float] = []
        for word, freq in freqs.items():
            if word.isalpha() and (len(word) > 1 or word in ("i", "å", "e")):
                words.append(word)
                weights.append(freq)
                if len(words) >= size:
                    break
        return cls(words, list(accumulate(weights)), stop, {w: i for i, w in enumerate(words)})

    def draw(self, rng: random.Random, k: int) -> list[str]:
        out = rng.choices(self.words, cum_weights=self.cum, k=k)
        domain = int(k * DOMAIN_SHARE)
        for _ in range(domain):  # Zipf-ish over DOMAIN: early words are the commonest
            out[rng.randrange(k)] = DOMAIN[min(int(rng.paretovariate(1.1)) - 1, len(DOMAIN) - 1)]
        return out


def _sentences(vocab: Vocabulary, rng: random.Random, words: int) -> list[str]:
    drawn = vocab.draw(rng, words)
    out, i = [], 0
    while i < len(drawn):
        n = rng.randint(7, 22)
        chunk = drawn[i : i + n]
        i += n
        text = " ".join(chunk)
        if rng.random() < 0.3 and len(chunk) > 8:  # a comma now and then
            cut = text.find(" ", len(text) // 2)
            text = text[:cut] + "," + text[cut:]
        out.append(text[:1].upper() + text[1:] + ".")
    return out


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    paras, i = [], 0
    while i < len(sentences):
        n = rng.randint(3, 7)
        paras.append(" ".join(sentences[i : i + n]))
        i += n
    return "\n\n".join(paras)


def _log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _people(rng: random.Random, n: int = 400) -> list[dict[str, str]]:
    seen: set[str] = set()
    people = []
    while len(people) < n:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if name in seen:
            continue
        seen.add(name)
        party = rng.choices(PARTIES, weights=PARTY_WEIGHTS)[0]
        people.append({"id": f"person-{len(people):04d}", "name": name, "party": party,
                       "role": rng.choice(ROLES), "organisation": f"{rng.choice(PLACES)} kommune"})
    return people


def _organisations(rng: random.Random) -> list[str]:
    orgs = [f"{p} kommune" for p in PLACES] + [f"{c} fylkeskommune" for c in COUNTIES]
    orgs += [f"{rng.choice(PLACES)} {c}" for c in COMPANIES for _ in range(3)]
    return orgs


def corpus(n: int, seed: int, vocab: Vocabulary) -> Iterator[dict[str, Any]]:
    """`n` index documents (the fields search.indexer.documents_for writes), one version each."""
    rng = random.Random(seed)
    people = _people(rng)
    person_cum = list(accumulate(1 / (i + 1) for i in range(len(people))))  # a few speak often
    orgs = _organisations(rng)
    kinds, kind_weights = zip(*KIND_MIX, strict=True)
    counters: Counter[int] = Counter()
    for i in range(n):
        kind = rng.choices(kinds, weights=kind_weights)[0]
        when = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        counters[when.year] += 1
        doc: dict[str, Any] = {
            "id": f"r{i:06d}:1", "record_id": f"r{i:06d}", "version": 1, "kind": kind,
            "reference": f"{when.year}/{counters[when.year]:05d}",
            "date": when, "recorded_at": when + timedelta(hours=rng.randint(8, 20)),
            "restricted": False, "visibility": "public",
        }
        if rng.random() < 0.02:  # screened records: staff only
            doc["restricted"], doc["visibility"] = True, "screened"
        title_words = vocab.draw(rng, rng.randint(4, 10))
        doc["title"] = " ".join(title_words).capitalize()
        if kind == "statement":
            p = rng.choices(people, cum_weights=person_cum)[0]
            doc["body"] = " ".join(_sentences(vocab, rng, rng.randint(8, 16) * rng.randint(1, 3)))
            doc.update(speaker=p["name"], speaker_id=p["id"], party=p["party"], role=p["role"],
                       organisation=[p["organisation"]])
            doc["title"] = f"{p['name']} ({p['party']}): {doc['title'].lower()}"
        elif kind == "news":
            doc["body"] = _paragraphs(_sentences(vocab, rng, rng.randint(300, 800)), rng)
            doc["organisation"] = [rng.choice(orgs)]
        elif kind == "meeting":
            org = rng.choice(orgs)
            words = _log_uniform(rng, 1000, 5000)
            items = rng.randint(3, 15)
            parts = [f"Møte i kommunestyret, {org}", rng.choice(PLACES) + " rådhus"]
            per_item = _sentences(vocab, rng, words)
            step = max(1, len(per_item) // items)
            for k in range(items):
                parts.append(f"Sak {k + 1}/{when.year % 100:02d} " + " ".join(vocab.draw(rng, 5)).capitalize())
                parts.append(" ".join(per_item[k * step : (k + 1) * step]))
            doc["body"] = "\n\n".join(parts)
            doc["title"] = f"Kommunestyret i {org} {when:%d.%m.%Y}"
            doc["organisation"] = [org]
        else:  # agreement
            a, b = rng.sample(orgs, 2)
            doc["body"] = _paragraphs(_sentences(vocab, rng, _log_uniform(rng, 1000, 10_000)), rng)
            doc["title"] = f"Samarbeidsavtale mellom {a} og {b}: {doc['title'].lower()}"
            doc["organisation"] = [a, b]
            doc["valid_from"] = when
        yield doc


# ---------------------------------------------------------------- queries


def _fts_word(w: str) -> str:
    return '"' + w.replace('"', "") + '"'


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    letters = "abdefgiklmnoprstuvæøå"
    return word[:i] + rng.choice([c for c in letters if c != word[i]]) + word[i + 1 :]


def queries(docs: list[dict[str, Any]], vocab: Vocabulary, seed: int) -> list[Query]:
    """The query set for `docs`: the same for every engine (see the module docstring)."""
    rng = random.Random(seed + 1)
    stop = vocab.stop
    # Mid-frequency: rank 1,500–15,000 in Bokmål, 5+ letters, not a stop word.
    mid_pool = [w for w in vocab.words[1500:15_000] if len(w) >= 5 and w not in stop]
    mid = rng.sample(mid_pool, 160)
    out = [Query("mid", w, _fts_word(w)) for w in mid[:100]]

    # Two words: pairs and phrases taken from real records (so they match something).
    long_docs = [d for d in docs if d["kind"] in ("news", "meeting", "agreement")]
    pairs: list[Query] = []
    phrases: list[Query] = []
    while len(pairs) < 10 or len(phrases) < 10:
        words = rng.choice(long_docs)["body"].replace(",", "").replace(".", "").lower().split()
        j = rng.randrange(len(words) - 1)
        a, b = words[j], words[j + 1]
        if a in stop or b in stop or len(a) < 4 or len(b) < 4 or not (a + b).isalpha():
            continue
        if len(phrases) < 10:
            phrases.append(Query("two", f'"{a} {b}"', f'"{a} {b}"'))
        else:
            c = rng.choice([w for w in words if len(w) >= 5 and w not in stop and w.isalpha()] or [b])
            if c != a:
                pairs.append(Query("two", f"{a} {c}", f"{_fts_word(a)} {_fts_word(c)}"))
    out += pairs + phrases

    # Very common: non-stop words found in >= 20 % of a sample of records.
    sample = rng.sample(docs, min(len(docs), 2000))
    df: Counter[str] = Counter()
    for d in sample:
        df.update({w for w in (d["title"] + " " + d["body"]).lower().replace(",", " ").replace(".", " ").split()})
    common = [w for w, c in df.most_common(400) if c >= 0.2 * len(sample) and w not in stop and len(w) >= 3
              and w.isalpha()]
    if len(common) < 20:
        raise RuntimeError(f"only {len(common)} words reach 20 % of records in this corpus")
    out += [Query("common", w, _fts_word(w)) for w in rng.sample(common, 20)]

    # With a filter: party, person or year, on a mid-frequency word of a record that passes it
    # (so the filtered answer is rarely empty, as when a journalist narrows a known story).
    speakers = Counter(d["speaker"] for d in docs if d.get("speaker"))
    top_speakers = [s for s, _ in speakers.most_common(20)]
    statements = [d for d in docs if d["kind"] == "statement" and not d["restricted"]]
    for k in range(20):
        if k % 3 == 0:
            want: dict[str, Any] = {"party": PARTIES[k % 5]}
        elif k % 3 == 1:
            want = {"speaker": rng.choice(top_speakers)}
        else:
            want = {"year": 2006 + rng.randrange(20)}
        pool = [d for d in (statements if "year" not in want else docs)
                if all((d["date"].year if f == "year" else d.get(f)) == v for f, v in want.items())]
        for _ in range(200):
            text = rng.choice(pool)["body"].replace(",", " ").replace(".", " ").lower().split()
            candidates = [w for w in text if len(w) >= 5 and w.isalpha() and w not in stop
                          and vocab.rank.get(w, 0) >= 1500]
            if candidates:
                break
        w = rng.choice(candidates or mid[100 + k : 101 + k])
        out.append(Query("filter", w, _fts_word(w), **want))

    # Prefix and fuzzy.
    for w in mid[120:130]:
        stem = w[: max(4, len(w) - 3)]
        out.append(Query("fuzzy", f"{stem}*", f"{_fts_word(stem)}*", prefix=stem))
    for w in (x for x in mid[130:160] if len(x) >= 6 and x.isalpha()):
        typo = _typo(w, rng)
        out.append(Query("fuzzy", f"{typo}~1", "", fuzzy_word=typo))
        if sum(1 for q in out if q.cls == "fuzzy") >= 20:
            break
    return out


def within_one(word: str, vocabulary: list[str]) -> list[str]:
    """Vocabulary words (sorted) at edit distance <= 1 from `word`, sharing its first two letters."""
    from whoosh.support.levenshtein import distance

    lo = bisect.bisect_left(vocabulary, word[:2])
    out = []
    for term in vocabulary[lo:]:
        if not term.startswith(word[:2]):
            break
        if abs(len(term) - len(word)) <= 1 and distance(term, word, limit=2) <= 1:
            out.append(term)
    return out


def raw_schema() -> Schema:
    """The peer's schema: raw Whoosh with its Norwegian analyser on the same fields (search and
    rebuild benches)."""
    ana = LanguageAnalyzer("no")
    return Schema(id=ID(unique=True, stored=True), record_id=ID(stored=True),
                  version=NUMERIC(int, stored=True), kind=KEYWORD(stored=True),
                  reference=ID(stored=True), title=TEXT(analyzer=ana, stored=True),
                  body=TEXT(analyzer=ana, stored=True), speaker=TEXT(stored=True),
                  party=KEYWORD(stored=True, lowercase=True), organisation=KEYWORD(stored=True, commas=True),
                  date=DATETIME(stored=True, sortable=True), recorded_at=DATETIME(stored=True),
                  restricted=BOOLEAN(stored=True))


def raw_index(directory: str, docs: list[dict[str, Any]]) -> float:
    """Bulk-index `docs` with raw Whoosh into `directory` (one writer, one commit); seconds taken."""
    import time

    from whoosh import index as whoosh_index

    ix = whoosh_index.create_in(directory, raw_schema())
    start = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for d in docs:
        writer.add_document(**{k: (",".join(v) if isinstance(v, list) else v) for k, v in d.items() if k in ix.schema})
    writer.commit()
    return time.perf_counter() - start
