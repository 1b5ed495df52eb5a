"""Parser quality on the labelled development corpus (run on demand, not a test).

    .venv/bin/python bench/parser_quality.py [--corpus ../shared/corpus-dev] [--verbose]

Prints, per article: the share of unambiguous labelled statements given the right speaker,
precision over every extracted statement and precision over the statements that name a
speaker; the publication/update dates against `expected/NN-*.meta.json` where present;
and per labelled minutes file the fields body, date, start time, place, agenda numbers
and titles, and number present. Matching is the one tests/integration/test_corpus_statements.py
uses (same speaker, text ≥ 90% similar, one label per statement).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from archive.importers.minutes import parse_minutes  # noqa: E402
from archive.importers.news import ParsedStatement, parse_news  # noqa: E402
from archive.importers.text import collapse_spaces  # noqa: E402

OVERLAP = 0.9


@dataclass
class Tally:
    right: int = 0  # unambiguous labels matched by a statement with the right speaker
    labels: int = 0  # unambiguous labels
    correct: int = 0  # statements matching a label (any), right speaker
    extracted: int = 0  # statements not matching an ambiguous label
    named_correct: int = 0
    named: int = 0

    def add(self, other: Tally) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def _similar(a: str, b: str) -> float:
    a, b = collapse_spaces(a), collapse_spaces(b)
    return 1.0 if a == b else SequenceMatcher(None, a, b).ratio()


def score_article(statements: list[ParsedStatement], labels: list[dict[str, Any]]) -> tuple[Tally, list[str]]:
    tally, notes, unused = Tally(), [], list(labels)
    tally.labels = sum(not label.get("ambiguous") for label in labels)
    for statement in statements:
        hits = [
            (_similar(statement.text, label["text"]), not label.get("ambiguous"), i)
            for i, label in enumerate(unused)
            if statement.speaker_name == label["speaker"]
        ]
        hits = [hit for hit in hits if hit[0] >= OVERLAP]
        if not hits:
            tally.extracted += 1
            tally.named += statement.speaker_name is not None
            notes.append(f"  wrong {statement.speaker_name!r}: {statement.text[:70]!r}")
            continue
        label = unused.pop(max(hits)[2])
        if label.get("ambiguous"):
            continue  # neither required nor counted against
        tally.right += 1
        tally.extracted += 1
        tally.correct += 1
        tally.named += statement.speaker_name is not None
        tally.named_correct += statement.speaker_name is not None
    for label in unused:
        if not label.get("ambiguous"):
            notes.append(f"  missed {label['speaker']!r}: {label['text'][:70]!r}")
    return tally, notes


def score_dates(path: Path, expected: Path) -> tuple[int, int, list[str]]:
    meta = json.loads(expected.read_text("utf-8"))
    article = parse_news(path.read_text("utf-8"))
    got = {
        "published": article.published_at.isoformat() if article.published_at else None,
        "updated": article.updated_at.isoformat() if article.updated_at else None,
    }
    wrong = [f"  {key}: got {got[key]} want {meta.get(key)}" for key in got if got[key] != meta.get(key)]
    return len(got) - len(wrong), len(got), wrong


def score_minutes(path: Path, expected: Path) -> tuple[int, int, list[str]]:
    """One field each for body, date, start time, place and number present; per labelled
    agenda item one for its number and one for its title; one wrong field per extra item.

    An item whose number the source lost (label `null`) asks only for its title.
    """
    label = json.loads(expected.read_text("utf-8"))
    parsed = parse_minutes(path.read_text("utf-8"))
    got: dict[str, Any] = {
        "body": parsed.body,
        "date": parsed.date.isoformat() if parsed.date else None,
        "start_time": parsed.start_time.strftime("%H:%M") if parsed.start_time else None,
        "place": parsed.place,
        "present_count": parsed.present_count,
    }
    wrong = [f"  {key}: got {got[key]!r} want {label[key]!r}" for key in got if got[key] != label[key]]
    fields = len(got)
    items = {item.number: item.title for item in parsed.agenda_items}
    matched: set[str] = set()
    for item in label["agenda_items"]:
        if item["number"] is not None:
            fields += 2
            if item["number"] not in items:
                wrong += [f"  agenda {item['number']}: missing", f"  agenda {item['number']} title: missing"]
                continue
            matched.add(item["number"])
            if items[item["number"]] != item["title"]:
                wrong.append(f"  agenda {item['number']} title: got {items[item['number']]!r} want {item['title']!r}")
        else:
            fields += 1
            found = [n for n, t in items.items() if t == item["title"]]
            matched.update(found)
            if not found:
                wrong.append(f"  agenda (no number) title: missing {item['title']!r}")
    for number in items.keys() - matched:
        fields += 1
        wrong.append(f"  agenda {number}: not an item ({items[number]!r})")
    return fields - len(wrong), fields, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus-dev")
    parser.add_argument("--verbose", action="store_true", help="list every wrong or missed statement and field")
    args = parser.parse_args()
    corpus, expected = args.corpus, args.corpus / "expected"
    total = Tally()
    print(f"{'article':44} {'speaker':>7} {'prec':>5} {'named':>5}")
    for path in sorted(p for p in corpus.glob("*.txt") if re.match(r"\d\d-", p.name)):
        labels = json.loads((expected / f"{path.stem}.json").read_text("utf-8"))
        tally, notes = score_article(parse_news(path.read_text("utf-8")).statements, labels)
        total.add(tally)
        print(f"{path.stem[:44]:44} {_ratio(tally.right, tally.labels):>7} "
              f"{_ratio(tally.correct, tally.extracted):>5} {_ratio(tally.named_correct, tally.named):>5}")  # fmt: skip
        if args.verbose and notes:
            print("\n".join(notes))
    print(f"{'TOTAL':44} {_ratio(total.right, total.labels):>7} {_ratio(total.correct, total.extracted):>5} "
          f"{_ratio(total.named_correct, total.named):>5}  (right {total.right}/{total.labels} unambiguous; "
          f"correct {total.correct}/{total.extracted} extracted; {total.named_correct}/{total.named} named)")
    right = fields = 0
    print("\narticle dates (published, updated) against expected/*.meta.json")
    for meta in sorted(expected.glob("*.meta.json")):
        ok, n, wrong = score_dates(corpus / meta.name.replace(".meta.json", ".txt"), meta)
        right, fields = right + ok, fields + n
        print(f"{meta.name[:-10][:44]:44} {ok}/{n}")
        if args.verbose and wrong:
            print("\n".join(wrong))
    print(f"{'TOTAL':44} {right}/{fields}")
    right = fields = 0
    print("\nminutes fields (body, date, start_time, place, present_count; agenda numbers and titles)")
    for label in sorted(expected.glob("minutes-*.json")):
        ok, n, wrong = score_minutes(corpus / f"{label.stem}.txt", label)
        right, fields = right + ok, fields + n
        print(f"{label.stem[:44]:44} {ok}/{n}")
        if args.verbose and wrong:
            print("\n".join(wrong))
    print(f"{'TOTAL':44} {right}/{fields} = {_ratio(right, fields)}")


if __name__ == "__main__":
    main()
