"""Micro benchmark for cvsite.terms: the budget is a 2,000-item profile scored against
200 postings of ~400 words in under a second on one core.

Run: python benchmarks/bench_terms.py [--items N] [--postings N] [--words N]
Texts are synthetic (seeded), mixing skill names, aliases, traps and filler, so the
numbers are comparable between runs and machines.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from cvsite.terms import PostingTerm, Vocabulary, _builtin_skills, extract_posting_terms

T = TypeVar("T")

FILLER = " ".join(
    [
        "we built a reliable service for the team and shipped it to customers with care while",
        "improving latency cost and quality across several products in a fast paced environment",
        "React to incidents go the extra mile swift delivery html pages maintained by people",
    ]
).split()
HEADINGS = ("About us", "What you'll do", "Requirements", "Nice to have", "Benefits")


def _skill_words(rng: random.Random) -> list[str]:
    names = [name for name, _, _ in _builtin_skills()]
    aliases = [alias for _, forms, _ in _builtin_skills() for alias in forms]
    return rng.sample(names, 120) + rng.sample(aliases, 80) + ["Pinot", "LightGBM", "H2O", "Hightouch"]


def _sentence(rng: random.Random, skills: list[str], words: int) -> str:
    out = [rng.choice(skills) if rng.random() < 0.15 else rng.choice(FILLER) for _ in range(words)]
    for i in range(2, len(out), 7):
        out[i] += ","
    return " ".join(out) + "."


def _posting(rng: random.Random, skills: list[str], words: int) -> str:
    per_section = max(words // len(HEADINGS), 10)
    parts = []
    for heading in HEADINGS:
        bullets = [f"- {_sentence(rng, skills, 12)}" for _ in range(per_section // 12)]
        parts.append(heading + "\n" + "\n".join(bullets))
    return "\n\n".join(parts)


def _timed(label: str, rows: list[tuple[str, float, str]], note: str, run: Callable[[], T]) -> T:
    start = time.process_time()
    result = run()
    rows.append((label, time.process_time() - start, note))
    return result


def _score(index: dict[str, list[int]], posting: list[PostingTerm], items: int) -> list[float]:
    """Inverted-index scoring as the tailor stage does it: cost follows the posting, not the profile."""
    scores = [0.0] * items
    for term in posting:
        for number in index.get(term.term, ()):
            scores[number] += term.weight
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--postings", type=int, default=200)
    parser.add_argument("--words", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(20240601)
    skills = _skill_words(rng)
    items = [_sentence(rng, skills, rng.randint(15, 45)) for _ in range(args.items)]
    postings = [_posting(rng, skills, args.words) for _ in range(args.postings)]

    rows: list[tuple[str, float, str]] = []
    _builtin_skills.cache_clear()  # time the YAML load too, as a fresh process pays it
    vocab = _timed("Vocabulary.build", rows, "YAML + regex compile", Vocabulary.build)
    found = _timed(f"find x {args.items}", rows, "cold cache", lambda: [vocab.find(t) for t in items])
    _timed(f"find x {args.items} again", rows, "cached", lambda: [vocab.find(t) for t in items])
    extracted = _timed(
        f"extract x {args.postings}",
        rows,
        f"~{args.words}-word postings",
        lambda: [extract_posting_terms(p, vocab) for p in postings],
    )
    index: dict[str, list[int]] = defaultdict(list)
    for number, counts in enumerate(found):
        for key in counts:
            index[key].append(number)
    _timed("score all", rows, "inverted index", lambda: [_score(index, p, len(items)) for p in extracted])

    total = sum(seconds for label, seconds, _ in rows if "again" not in label)
    print(f"{'step':<28}{'cpu s':>10}  note")
    for label, seconds, note in rows:
        print(f"{label:<28}{seconds:>10.3f}  {note}")
    print(f"{'total (excluding cached)':<28}{total:>10.3f}  budget 1.000")
    terms = sum(len(p) for p in extracted) / max(len(extracted), 1)
    print(f"avg posting terms: {terms:.1f}; avg item terms: {sum(map(len, found)) / max(len(found), 1):.1f}")


if __name__ == "__main__":
    main()
