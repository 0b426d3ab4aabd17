"""The ranking-quality evaluation (benchmarks/eval_ranking.py) on the graded set.

The guard: cvsite's mean NDCG@3 may not drop more than 0.02 below the figure recorded in
benchmarks/eval/recorded.json, and benchmarks/README.md shows that same recorded figure.
The rest checks that the metric and the baselines measure what they claim to.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "eval_ranking.py"
ALLOWED_DROP = 0.02


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_ranking", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ev = _load_script()


@pytest.fixture(scope="module")
def report() -> Any:
    return ev.evaluate()


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    return json.loads((ev.EVAL_DIR / ev.RECORDED).read_text(encoding="utf-8"))


def test_cvsite_mean_ndcg_has_not_dropped(report: Any, recorded: dict[str, Any]) -> None:
    now, then = report.mean("cvsite"), recorded["mean"]["cvsite"]
    assert now >= then - ALLOWED_DROP, (
        f"cvsite's mean NDCG@3 fell from {then:.3f} (recorded) to {now:.3f}; "
        "see `python benchmarks/eval_ranking.py --per-job` for the postings that changed")


def test_recorded_figures_cover_the_whole_set(report: Any, recorded: dict[str, Any]) -> None:
    assert recorded["k"] == 3
    assert {name: sorted(p["jobs"]) for name, p in recorded["personas"].items()} == \
        {name: sorted(r.jobs) for name, r in report.personas.items()}


def test_readme_shows_the_recorded_figures(recorded: dict[str, Any]) -> None:
    readme = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert "## Ranking quality (NDCG@3)" in readme
    assert ev.markdown_table(recorded) in readme, \
        "benchmarks/README.md differs from recorded.json: paste `eval_ranking.py --markdown`"


def test_the_set_is_large_and_varied_enough(report: Any) -> None:
    assert len(report.personas) >= 5
    assert all(len(result.jobs) >= 8 for result in report.personas.values())


def test_baselines_bracket_a_ranking_that_reads_the_posting(report: Any) -> None:
    """File order ignores the posting; any method that reads it should beat it clearly."""
    assert report.mean("file order") < 0.5
    assert report.mean("tf-idf") > report.mean("file order") + 0.3


def test_ndcg_by_hand() -> None:
    grades = {"a": 3, "b": 2, "c": 0, "d": 1}
    assert ev.ndcg_at(["a", "b", "d", "c"], grades, 3) == pytest.approx(1.0)
    ideal = 7 + 3 / math.log2(3) + 1 / 2
    assert ev.ndcg_at(["c", "a", "b"], grades, 3) == pytest.approx((7 / math.log2(3) + 3 / 2) / ideal)
    top_two = 7 + 3 / math.log2(3)
    assert ev.ndcg_at(["c", "d", "b", "a"], grades, 2) == pytest.approx((1 / math.log2(3)) / top_two)
    assert ev.ndcg_at(["c"], grades, 3) == 0.0


def test_ndcg_rejects_a_job_with_nothing_relevant() -> None:
    with pytest.raises(ev.EvalError):
        ev.ndcg_at(["a"], {"a": 0, "b": 0}, 3)


def test_sections_merge_by_score_keeping_their_order() -> None:
    def run(*pairs: tuple[str, float]) -> list[SimpleNamespace]:
        return [SimpleNamespace(id=item_id, score=score) for item_id, score in pairs]

    projects = run(("p1", 3.0), ("p2", 1.0), ("p3", 0.5))
    contributions = run(("c1", 2.0), ("c2", 1.0), ("c3", 0.9))
    merged = ev._merge_by_score([projects, contributions])
    assert [r.id for r in merged] == ["p1", "c1", "p2", "c2", "c3", "p3"]  # p2 before c2: projects win ties


def test_tokens_keep_skill_punctuation_and_drop_stopwords_and_numbers() -> None:
    assert ev.tokens("The Node.js and C++ APIs, built in 2024.") == ["node.js", "c++", "apis", "built"]


def test_cvsite_and_tfidf_rank_every_item_once() -> None:
    persona = ev.load_personas(ev.EVAL_DIR, ["frontend"])[0]
    every = sorted(ev.file_order_ranking(persona.workspace, ""))
    slug = sorted(persona.workspace.jobs)[0]
    for ranker in (ev.cvsite_ranking, ev.tfidf_ranking):
        assert sorted(ranker(persona.workspace, slug)) == every


def test_tfidf_puts_the_item_sharing_the_posting_rare_words_first() -> None:
    persona = ev.load_personas(ev.EVAL_DIR, ["frontend"])[0]
    workspace = persona.workspace
    workspace.postings["probe"] = "Built offline-first apps with service workers and IndexedDB."
    try:
        assert ev.tfidf_ranking(workspace, "probe")[0] == "field-app-pwa"
    finally:
        del workspace.postings["probe"]


@pytest.fixture
def persona_copy(tmp_path: Path) -> Path:
    target = tmp_path / "frontend"
    shutil.copytree(ev.EVAL_DIR / "frontend", target)
    return target


def test_a_grade_written_twice_is_reported_with_its_file(persona_copy: Path) -> None:
    grades = persona_copy / "grades.yaml"
    grades.write_text(grades.read_text(encoding="utf-8") + "  design-system: 0\n", encoding="utf-8")
    with pytest.raises(ev.EvalError, match=r"grades\.yaml.*'design-system' is graded twice"):
        ev.load_personas(persona_copy.parent)


def test_an_ungraded_item_is_reported(persona_copy: Path) -> None:
    grades = persona_copy / "grades.yaml"
    lines = grades.read_text(encoding="utf-8").splitlines(keepends=True)
    grades.write_text("".join(line for line in lines if "post-lcp" not in line), encoding="utf-8")
    with pytest.raises(ev.EvalError, match=r"missing \['post-lcp'\]"):
        ev.load_personas(persona_copy.parent)


def test_a_grade_outside_0_to_3_is_reported(persona_copy: Path) -> None:
    grades = persona_copy / "grades.yaml"
    text = grades.read_text(encoding="utf-8").replace("post-lcp: 3", "post-lcp: 4", 1)
    grades.write_text(text, encoding="utf-8")
    with pytest.raises(ev.EvalError, match=r"whole numbers 0\.\.3: \{'post-lcp': 4\}"):
        ev.load_personas(persona_copy.parent)


def test_cli_json_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert ev.main(["--json", "--persona", "frontend"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["personas"]) == ["frontend"] and data["methods"] == list(ev.METHODS)
    assert ev.main(["--top", "--persona", "frontend"]) == 0
    shown = capsys.readouterr().out
    assert "  kaufhalle-performance " in shown
    assert "tf-idf:" in shown and "checkout-performance (3)" in shown  # an item with its grade
    assert ev.main(["--eval-dir", str(tmp_path)]) == 1
    assert "no persona folders" in capsys.readouterr().err
