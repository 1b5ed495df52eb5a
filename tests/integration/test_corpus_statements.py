"""Statement extraction measured against the hand labels of the shared development corpus.

The corpus is read at run time from the shared folder (never copied into the repo). Each
file's statements are matched one-to-one to its labels; labels marked ambiguous are
neither required (recall) nor counted against us (precision) when a prediction hits them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from archive.importers.news import ParsedStatement, parse_news
from archive.importers.text import collapse_spaces

RECALL_TARGET = 0.90
PRECISION_TARGET = 0.95
# Texts this similar count as the same quote (a missing full stop, a cut word).
OVERLAP = 0.9


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0


def similarity(predicted: str, label: str) -> float:
    a, b = collapse_spaces(predicted), collapse_spaces(label)
    return 1.0 if a == b else SequenceMatcher(None, a, b).ratio()


def best_label(prediction: ParsedStatement, labels: list[dict]) -> dict | None:
    """The closest label with the same speaker; exact texts and unambiguous labels first."""
    candidates = [
        (similarity(prediction.text, label["text"]), not label.get("ambiguous"), index)
        for index, label in enumerate(labels)
        if prediction.speaker_name == label["speaker"]
    ]
    candidates = [c for c in candidates if c[0] >= OVERLAP]
    return labels[max(candidates)[2]] if candidates else None


def score_file(predictions: list[ParsedStatement], labels: list[dict]) -> tuple[Score, list[str]]:
    """Greedy one-to-one matching in document order; returns the score and the misses."""
    score, notes = Score(), []
    unused = list(labels)
    for prediction in predictions:
        label = best_label(prediction, unused)
        if label is None:
            score.fp += 1
            notes.append(f"  FP {prediction.speaker_name!r}: {prediction.text[:70]!r}")
            continue
        unused.remove(label)
        if not label.get("ambiguous"):
            score.tp += 1
    for label in unused:
        if not label.get("ambiguous"):
            score.fn += 1
            notes.append(f"  FN {label['speaker']!r}: {label['text'][:70]!r}")
    return score, notes


def news_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.glob("*.txt") if re.match(r"\d\d-", p.name))


def test_statement_recall_and_precision_on_corpus_dev(shared_dir: Path) -> None:
    # Given the development corpus and its labels,
    corpus = shared_dir / "corpus-dev"
    files = news_files(corpus)
    if not files:
        pytest.skip(f"no news files in {corpus}")
    total = Score()
    report: list[str] = []
    # When every article is parsed and its statements are matched to the labels,
    for path in files:
        labels = json.loads((corpus / "expected" / f"{path.stem}.json").read_text("utf-8"))
        article = parse_news(path.read_text(encoding="utf-8"))
        score, notes = score_file(article.statements, labels)
        total.tp, total.fp, total.fn = total.tp + score.tp, total.fp + score.fp, total.fn + score.fn
        report.append(f"{path.stem[:45]:45} recall {score.recall:.2f} precision {score.precision:.2f}")
        report.extend(notes)
    report.append(f"{'TOTAL':45} recall {total.recall:.3f} precision {total.precision:.3f} "
                  f"(tp {total.tp}, fp {total.fp}, fn {total.fn})")
    # Then recall and precision reach the targets (the per-file report says where they fall short).
    assert total.recall >= RECALL_TARGET, "\n".join(report)
    assert total.precision >= PRECISION_TARGET, "\n".join(report)
