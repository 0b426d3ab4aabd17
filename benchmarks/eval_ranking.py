"""Ranking quality on the graded evaluation set (benchmarks/eval/): NDCG@k of cvsite's
automatic ranking beside two baselines, file order and plain TF-IDF.

Run: python benchmarks/eval_ranking.py [--eval-dir DIR] [--k 3] [--persona NAME ...] [--per-job] [--top]
     python benchmarks/eval_ranking.py --json
     python benchmarks/eval_ranking.py --record     # rewrite benchmarks/eval/recorded.json
     python benchmarks/eval_ranking.py --markdown   # the table for benchmarks/README.md, from recorded.json

What is ranked, for every job of every persona: the persona's projects and contributions
together, one list. cvsite's list is `cvsite.tailor.tailor(workspace, slug)`'s projects
section followed by its omitted items, merged with the contributions section the same way:
by score, each section keeping its own order, projects first on equal scores; items the CV
does not show at all (a hidden section) follow in file order. File order is the projects as
written, then the contributions. TF-IDF ranks by the cosine between the posting text and
each item's text (title, free-text fields, venue, tags, bullets), with counts weighted by a
smoothed IDF over the persona's items and postings, a plain word tokenizer and an English
stopword list; ties keep file order. Job files carry no tag weights: every ranking comes
from the posting text alone.

NDCG@k uses gain 2**grade - 1 and discount log2(position + 1); the ideal ranking is the
job's grades sorted. Means are over postings (each posting counts once), per persona and
over the whole set.

`--json` (and recorded.json) hold {"k", "methods": [...], "postings": N, "mean": {method:
NDCG}, "personas": {name: {"mean": {method: NDCG}, "jobs": {slug: {method: NDCG}}}}},
rounded to four places. Exit status 1, with the file named, when the set is inconsistent.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cvsite.errors import CvsiteError
from cvsite.loader import Workspace, load_workspace
from cvsite.model import Item
from cvsite.tailor import tailor
from cvsite.tailored import RankedItem, TailoredCV

EVAL_DIR = Path(__file__).resolve().parent / "eval"
RECORDED = "recorded.json"
METHODS = ("cvsite", "file order", "tf-idf")
SECTIONS = ("projects", "contributions")  # what is ranked, in this order on ties

Grades = dict[str, dict[str, int]]  # job slug -> item id -> grade 0..3
Ranker = Callable[[Workspace, str], list[str]]

# A general English stopword list: the baseline is plain TF-IDF, not cvsite's posting reader.
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either etc few for from
further get got had has have having he her here hers herself him himself his how i if in into is
it its itself just let like may me might more most must my myself no nor not now of off on once
only or other our ours ourselves out over own per same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up upon
us very via was we were what when where which while who whom why will with within without would
yet you your yours yourself yourselves
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[.\-][a-z0-9+#]+)*")


class EvalError(Exception):
    """The evaluation set is inconsistent (the message names the file)."""


# --- the metric -------------------------------------------------------------------------------

def dcg(grades: Iterable[int]) -> float:
    return sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(grades))


def ndcg_at(ranking: Sequence[str], grades: dict[str, int], k: int) -> float:
    """NDCG@k of `ranking` (item ids, best first) against one job's grades."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        raise EvalError("a job whose grades are all 0 cannot be scored")
    return dcg(grades.get(item_id, 0) for item_id in ranking[:k]) / ideal


# --- the rankers ------------------------------------------------------------------------------

def _ids(items: list[Item]) -> list[str]:
    return [item.id or "" for item in items]


def graded_items(workspace: Workspace) -> list[Item]:
    """The ranked items in file order: projects, then contributions."""
    profile = workspace.profile
    return [*profile.projects, *profile.contributions]


def cvsite_ranking(workspace: Workspace, slug: str) -> list[str]:
    cv = tailor(workspace, slug)
    merged = _merge_by_score([_section_run(cv, name) for name in SECTIONS])
    seen = {ranked.id for ranked in merged}
    rest = [item_id for item_id in _ids(graded_items(workspace)) if item_id not in seen]
    return [ranked.id for ranked in merged] + rest


def _section_run(cv: TailoredCV, name: str) -> list[RankedItem]:
    section = cv.section(name)
    return [] if section is None else [*section.items, *section.omitted]


def _merge_by_score(runs: list[list[RankedItem]]) -> list[RankedItem]:
    """One list from several ordered ones: the best head next, earlier runs first on equal scores."""
    runs = [list(run) for run in runs]
    merged: list[RankedItem] = []
    while any(runs):
        best = max((run for run in runs if run), key=lambda run: run[0].score)  # first max wins
        merged.append(best.pop(0))
    return merged


def file_order_ranking(workspace: Workspace, slug: str) -> list[str]:
    return _ids(graded_items(workspace))


def tokens(text: str) -> list[str]:
    return [t for t in TOKEN.findall(text.lower()) if t not in STOPWORDS and not t.isdigit()]


def item_text(item: Item) -> str:
    """Everything the item says about itself, as one text."""
    fields = ("title", "summary", "contribution", "outcome", "where", "entity")
    parts = [value for name in fields if isinstance(value := item.__dict__.get(name), str)]
    parts += [tag.replace("-", " ") for tag in item.tags]
    parts += [h.text for h in item.__dict__.get("highlights") or []]
    parts += [*(item.__dict__.get("keywords") or []), *(item.__dict__.get("roles") or [])]
    return "\n".join(parts)


def _tfidf_vector(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    vector = {term: count * idf[term] for term, count in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {term: v / norm for term, v in vector.items()}


def tfidf_ranking(workspace: Workspace, slug: str) -> list[str]:
    items = graded_items(workspace)
    item_counts = [Counter(tokens(item_text(item))) for item in items]
    posting_counts = {s: Counter(tokens(text)) for s, text in sorted(workspace.postings.items())}
    corpus = [*item_counts, *posting_counts.values()]
    df = Counter(term for counts in corpus for term in counts)
    idf = {term: math.log((1 + len(corpus)) / (1 + n)) + 1 for term, n in df.items()}
    query = _tfidf_vector(posting_counts.get(slug, Counter()), idf)
    scores = [sum(w * query.get(t, 0.0) for t, w in _tfidf_vector(c, idf).items()) for c in item_counts]
    order = sorted(range(len(items)), key=lambda i: -scores[i])  # stable: ties keep file order
    return [items[i].id or "" for i in order]


RANKERS: dict[str, Ranker] = {"cvsite": cvsite_ranking, "file order": file_order_ranking,
                              "tf-idf": tfidf_ranking}


# --- the set ----------------------------------------------------------------------------------

class _UniqueKeyLoader(yaml.SafeLoader):
    """A grades file with a key written twice is a mistake, not a silent override."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[object, object]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise EvalError(f"line {key_node.start_mark.line + 1}: {key!r} is graded twice")
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_grades(path: Path, workspace: Workspace) -> Grades:
    """The persona's grades, checked: every job, every ranked item, integers 0..3."""
    try:
        grades = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except (OSError, yaml.YAMLError, EvalError) as error:
        raise EvalError(f"{path}: {error}") from None
    ids = set(_ids(graded_items(workspace)))
    if not isinstance(grades, dict) or set(grades) != set(workspace.jobs):
        raise EvalError(f"{path}: needs exactly one entry per job in jobs/: {sorted(workspace.jobs)}")
    for slug, job_grades in grades.items():
        if not isinstance(job_grades, dict) or set(job_grades) != ids:
            got = set(job_grades) if isinstance(job_grades, dict) else set()
            raise EvalError(f"{path}: {slug}: grade every project and contribution; "
                            f"missing {sorted(ids - got)}, unknown {sorted(got - ids)}")
        bad = {k: v for k, v in job_grades.items() if type(v) is not int or not 0 <= v <= 3}
        if bad:
            raise EvalError(f"{path}: {slug}: grades must be whole numbers 0..3: {bad}")
    return grades


@dataclass
class Persona:
    name: str
    workspace: Workspace
    grades: Grades


def load_personas(eval_dir: Path, only: Sequence[str] = ()) -> list[Persona]:
    folders = sorted(p for p in eval_dir.iterdir() if (p / "profile.yaml").is_file())
    if only:
        unknown = set(only) - {p.name for p in folders}
        if unknown:
            raise EvalError(f"{eval_dir}: no persona {sorted(unknown)}")
        folders = [p for p in folders if p.name in only]
    if not folders:
        raise EvalError(f"{eval_dir}: no persona folders (each needs a profile.yaml)")
    personas = []
    for folder in folders:
        try:
            workspace = load_workspace(folder)
        except CvsiteError as error:
            raise EvalError(f"{folder} does not load:\n{error}") from None
        personas.append(Persona(folder.name, workspace, load_grades(folder / "grades.yaml", workspace)))
    return personas


# --- the report -------------------------------------------------------------------------------

@dataclass
class PersonaResult:
    jobs: dict[str, dict[str, float]] = field(default_factory=dict)  # slug -> method -> NDCG
    top: dict[str, dict[str, list[tuple[str, int]]]] = field(default_factory=dict)  # -> top k, graded

    def mean(self, method: str) -> float:
        return _mean(scores[method] for scores in self.jobs.values())


@dataclass
class Report:
    k: int
    personas: dict[str, PersonaResult]

    def mean(self, method: str) -> float:
        return _mean(s[method] for result in self.personas.values() for s in result.jobs.values())

    def postings(self) -> int:
        return sum(len(result.jobs) for result in self.personas.values())

    def to_json(self) -> dict[str, object]:
        return {
            "k": self.k,
            "methods": list(METHODS),
            "postings": self.postings(),
            "mean": {m: round(self.mean(m), 4) for m in METHODS},
            "personas": {
                name: {"mean": {m: round(result.mean(m), 4) for m in METHODS},
                       "jobs": {slug: {m: round(v, 4) for m, v in scores.items()}
                                for slug, scores in result.jobs.items()}}
                for name, result in self.personas.items()
            },
        }


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def evaluate(eval_dir: Path = EVAL_DIR, k: int = 3, only: Sequence[str] = ()) -> Report:
    report = Report(k, {})
    for persona in load_personas(eval_dir, only):
        result = report.personas[persona.name] = PersonaResult()
        for slug in sorted(persona.workspace.jobs):
            grades = persona.grades[slug]
            rankings = {method: RANKERS[method](persona.workspace, slug) for method in METHODS}
            result.jobs[slug] = {method: ndcg_at(ranking, grades, k) for method, ranking in rankings.items()}
            result.top[slug] = {method: [(item_id, grades[item_id]) for item_id in ranking[:k]]
                                for method, ranking in rankings.items()}
    return report


def markdown_table(data: dict[str, Any]) -> str:
    """The README table, from a report's JSON form (what recorded.json holds)."""
    k = data["k"]
    head = "| persona | postings | " + " | ".join(f"{m} NDCG@{k}" for m in data["methods"]) + " |"
    rows = [head, "|---|---|" + "---|" * len(data["methods"])]
    for name, persona in data["personas"].items():
        cells = " | ".join(f"{persona['mean'][m]:.3f}" for m in data["methods"])
        rows.append(f"| {name} | {len(persona['jobs'])} | {cells} |")
    cells = " | ".join(f"**{data['mean'][m]:.3f}**" for m in data["methods"])
    rows.append(f"| **mean** | {data['postings']} | {cells} |")
    return "\n".join(rows) + "\n"


def text_table(report: Report, per_job: bool, top: bool = False) -> str:
    """Means per persona and overall; with `per_job` a row per posting, with `top` its top k too."""
    per_job = per_job or top
    width = max(len(slug) for r in report.personas.values() for slug in r.jobs) + 2 if per_job else 20
    header = f"{'persona / job':<{width}}" + "".join(f"{m:>12}" for m in METHODS)
    lines = [f"NDCG@{report.k} over projects + contributions, {report.postings()} postings", header]
    for name, result in report.personas.items():
        lines.append(f"{name:<{width}}" + "".join(f"{result.mean(m):>12.3f}" for m in METHODS))
        for slug, scores in result.jobs.items() if per_job else ():
            lines.append(f"  {slug:<{width - 2}}" + "".join(f"{scores[m]:>12.3f}" for m in METHODS))
            if top:
                lines += [f"      {m + ':':<11} " + "  ".join(f"{i} ({grade})" for i, grade in ids)
                          for m, ids in result.top[slug].items()]
    lines.append(f"{'mean':<{width}}" + "".join(f"{report.mean(m):>12.3f}" for m in METHODS))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR, help="the set's folder")
    parser.add_argument("--k", type=int, default=3, help="rank cut-off (default: 3)")
    parser.add_argument("--persona", action="append", default=[], help="only this persona (repeatable)")
    parser.add_argument("--per-job", action="store_true", help="a row per posting too")
    parser.add_argument("--top", action="store_true", help="each posting's top k and their grades")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--record", action="store_true", help=f"also write the report to EVAL_DIR/{RECORDED}")
    out.add_argument("--markdown", action="store_true", help=f"the README table from EVAL_DIR/{RECORDED}")
    args = parser.parse_args(argv)
    if args.k < 1:
        parser.error("--k must be at least 1")
    try:
        if args.markdown:
            print(markdown_table(json.loads((args.eval_dir / RECORDED).read_text(encoding="utf-8"))), end="")
            return 0
        if args.record and (args.persona or args.k != 3):
            parser.error("--record writes the whole set at k=3: drop --persona and --k")
        report = evaluate(args.eval_dir, args.k, args.persona)
    except (EvalError, OSError, json.JSONDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.record:
        (args.eval_dir / RECORDED).write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(text_table(report, args.per_job, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
