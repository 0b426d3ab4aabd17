"""`cvsite explain`: why each item landed where it did, and what a keyword screen would miss."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cvsite.freeze import SentDiff, SentRecord, changes_since_sent, sent_records
from cvsite.loader import load_for_jobs
from cvsite.model import SECTION
from cvsite.tailor import Index, tailor_with
from cvsite.tailored import Coverage, RankedItem, Reason, TailoredCV, TailoredSection
from cvsite.terms import PostingReading

Frozen = tuple[SentRecord, SentDiff]


def explain(directory: Path, slugs: Sequence[str] = ()) -> list[TailoredCV]:
    """The tailored CV of each selected job (all jobs when none are named), each ranked
    with every posting's term counts, as the site build ranks it."""
    workspace = load_for_jobs(directory, slugs)
    index = Index.build(workspace.profile, postings=workspace.postings.values())
    return [tailor_with(index, slug, job, workspace.postings.get(slug, ""))
            for slug, job in workspace.jobs.items() if not slugs or slug in slugs]


def sent_changes(directory: Path, cvs: Sequence[TailoredCV]) -> dict[str, Frozen]:
    """For each frozen job among `cvs`: when it was frozen and what a rebuild now would change."""
    records = sent_records(Path(directory))
    return {cv.slug: (records[cv.slug], changes_since_sent(records[cv.slug], cv))
            for cv in cvs if cv.slug in records}


def as_json(cvs: Sequence[TailoredCV], sent: Mapping[str, Frozen] | None = None) -> dict[str, Any]:
    """The report as data; the shape is a contract (see issue 3), extra keys are allowed.
    `frozen` is null for a live job."""
    return {"jobs": [_job_json(cv, (sent or {}).get(cv.slug or "")) for cv in cvs]}


def _frozen_json(frozen: Frozen | None) -> dict[str, Any] | None:
    if frozen is None:
        return None
    record, diff = frozen
    return {"since": record.frozen, "added": diff.added, "removed": diff.removed, "reordered": diff.reordered}


def _job_json(cv: TailoredCV, frozen: Frozen | None = None) -> dict[str, Any]:
    assert cv.job is not None
    coverage = cv.coverage
    return {
        "frozen": _frozen_json(frozen),
        "slug": cv.slug,
        "company": cv.job.company,
        "role": cv.job.role,
        "sections": [_section_json(s, cv) for s in cv.sections],
        "excluded": [_item_json(r) for r in cv.excluded],
        "matched_skills": cv.matched_skills,
        "coverage": _coverage_json(coverage) if coverage else None,
        "posting": _reading_json(cv.reading) if cv.reading else None,
    }


def _reading_json(reading: PostingReading) -> dict[str, Any]:
    """How the posting was read: its weighted terms and those it names without asking for."""
    return {
        "terms": [{"term": t.display, "weight": round(t.weight, 3), "sections": list(t.sections),
                   "specificity": round(t.specificity, 3), "notes": list(t.notes)} for t in reading.terms],
        "ignored": [{"term": t.display, "why": t.why} for t in reading.ignored],
    }


def _section_json(section: TailoredSection, cv: TailoredCV) -> dict[str, Any]:
    """Items in render order, then those left out: by limit or relevance, then by exclusion."""
    excluded = [r for r in cv.excluded if r.section == section.name]
    items = [_item_json(r) for r in (*section.items, *section.omitted, *excluded)]
    return {"name": section.name, "score": section.score, "items": items}


def _item_json(ranked: RankedItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ranked.id,
        "title": ranked.title,
        "score": ranked.score,
        "included": ranked.included,
        "reasons": [_reason_json(r) for r in ranked.reasons],
    }
    if ranked.why_left_out:
        data["left_out"] = _reason_json(ranked.why_left_out)
    if SECTION[ranked.section].evidence or ranked.highlights or ranked.dropped_highlights:
        data["highlights"] = [
            {"text": h.text, "score": h.score, "included": included,
             "reasons": [_reason_json(r) for r in h.reasons]}
            for included, group in ((True, ranked.highlights), (False, ranked.dropped_highlights))
            for h in group
        ]
    return data


def _reason_json(reason: Reason) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": reason.kind, "term": reason.term, "weight": reason.weight}
    if reason.note:
        data["note"] = reason.note
    return data


def _coverage_json(coverage: Coverage) -> dict[str, Any]:
    def terms(group: Sequence[Any]) -> list[dict[str, Any]]:
        return [{"term": t.display, "weight": round(t.weight, 3), "where": list(t.where)} for t in group]

    return {
        "matched": terms(coverage.matched),
        "unused": terms(coverage.unused),
        "missing": terms(coverage.missing),
        "ratio": coverage.ratio,
        "recognised": coverage.recognised,
        "low_confidence": coverage.low_confidence,
    }


def as_text(cvs: Sequence[TailoredCV], sent: Mapping[str, Frozen] | None = None) -> str:
    """The report for people: per job, each section in final order, then keyword coverage."""
    if not cvs:
        return "no jobs to explain: add one with `cvsite new-job`"
    return "\n".join(_job_text(cv, (sent or {}).get(cv.slug or "")) for cv in cvs)


def _frozen_text(frozen: Frozen) -> list[str]:
    record, diff = frozen
    lines = [f"frozen on {record.frozen}: the site publishes the version sent then, not this ranking"]
    if diff.unchanged:
        return [*lines, "  a rebuild now would show the same items in the same order", ""]
    lines += [f"  would add      {item}" for item in diff.added]
    lines += [f"  would remove   {item}" for item in diff.removed]
    lines += [f"  would reorder  {item}" for item in diff.reordered]
    return [*lines, ""]


def _job_text(cv: TailoredCV, frozen: Frozen | None = None) -> str:
    assert cv.job is not None
    lines = [f"== {cv.slug}: {cv.job.role} at {cv.job.company}", ""]
    if frozen:
        lines += _frozen_text(frozen)
    if cv.reading:
        lines += _reading_text(cv.reading)
    for section in cv.sections:
        lines.append(f"{section.name} (section score {section.score:.2f})")
        for number, ranked in enumerate(section.items, 1):
            lines.append(f"  {number:>2}. {ranked.title}  [{ranked.score:.2f}]  {_reasons(ranked)}")
            for highlight in ranked.highlights:
                lines.append(f"        - [{highlight.score:.2f}] {_short(highlight.text)}")
            for highlight in ranked.dropped_highlights:
                why = next((r for r in highlight.reasons if r.kind in ("excluded", "limit")), None)
                lines.append(f"        x [{highlight.score:.2f}] {_short(highlight.text)} "
                             f"(left out: {why.term if why else 'not shown'})")
        for ranked in section.omitted:
            why = ranked.why_left_out
            lines.append(f"   -- {ranked.title}  [{ranked.score:.2f}]  left out: {why.term if why else ''}")
        lines.append("")
    if cv.excluded:
        lines.append("excluded")
        for ranked in cv.excluded:
            why = ranked.why_left_out
            lines.append(f"   -- {ranked.section}: {ranked.title}  ({why.term if why else ''})")
        lines.append("")
    if cv.coverage:
        lines += _coverage_text(cv.coverage)
    return "\n".join(lines)


def _reasons(ranked: RankedItem, shown: int = 6) -> str:
    """The strongest reasons first, each saying whether a tag or the posting gave it."""
    reasons = sorted((r for r in ranked.reasons if r.kind != "prior"), key=lambda r: -abs(r.weight))
    text = ", ".join(map(str, reasons[:shown])) or "no match"
    return text + (f", +{len(reasons) - shown} more" if len(reasons) > shown else "")


def _reading_text(reading: PostingReading, shown: int = 12) -> list[str]:
    """The posting's strongest terms with what shaped their weight, then what it names but does not ask."""
    def term(t: object) -> str:
        notes = "; ".join(t.notes)  # type: ignore[attr-defined]
        return f"{t.display} {t.weight:.2f}" + (f" ({notes})" if notes else "")  # type: ignore[attr-defined]

    more = len(reading.terms) - shown
    lines = ["posting read as: " + (", ".join(map(term, reading.terms[:shown])) or "no key terms")
             + (f", +{more} more" if more > 0 else "")]
    if reading.ignored:
        lines.append("  ignored: " + ", ".join(f"{t.display} ({t.why})" for t in reading.ignored))
    return [*lines, ""]


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _coverage_text(coverage: Coverage) -> list[str]:
    lines = [f"keyword coverage: {coverage.ratio:.0%} of the posting's weighted key terms"]
    if coverage.low_confidence:
        lines.append(f"  warning: only {coverage.recognised} key terms recognised in the posting; "
                     "too few to judge coverage")
    shown = ", ".join(f"{t.display} ({', '.join(t.where[:2])})" for t in coverage.matched)
    lines.append("  shown:   " + (shown or "none"))
    lines.append("  left out by this job's selection: "
                 + (", ".join(f"{t.display} ({', '.join(t.where[:2])})" for t in coverage.unused) or "none"))
    lines.append("  never mentioned in the profile:   "
                 + (", ".join(t.display for t in coverage.missing) or "none"))
    lines.append("")
    return lines
