"""The reference scorer: tailoring written plainly, the specification the fast path must meet.

`cvsite.tailor.fast` scores through inverted indexes, sums integer units, shares
the ranked form of unmentioned items between jobs and defers reasons, bullets and
sections until read. This module does none of that: it scores every item of the
profile for one job, eagerly, in the order a person would explain it, and builds
the same `TailoredCV`. tests/tailor/test_spec.py checks on generated profiles and
jobs that both give identical scores, reasons and order; a change to the ranking
rules is made here first, then in the fast path.

The rules:

1. An item is excluded when one of its tags (for a skill, any of its terms) is one
   of the job's `exclude` tags; a bullet with such a tag is dropped and its terms
   no longer count for the item.
2. An item's match is the sum, over the job's tag weights it has, of the weight
   (half of it when the tag is only in the item's text), plus, over the posting's
   terms, the term's weight times the weight of the item field it is found in;
   or, for a term the item does not name, times the partial weight of a related
   term it does name (concepts.yaml `related`). Every gain is rounded to DIGITS.
3. Its score is the match plus a prior (featured, recency), scaled for the job
   below half of the smallest non-zero match, so the prior only breaks ties.
4. A section lists its items by score (ties: profile order); with a limit, only
   items with a positive match compete for the places. Experience is then shown
   newest first. Sections follow the job's pinned order, then relevance (the sum
   of each section's best SECTION_TOP matches).
5. Bullets are ordered by the sum of the job's weights for the terms they hold
   (tag weight plus posting weight, at full strength) and cut to the highlight limit.
"""

from __future__ import annotations

import math

from cvsite.model import SECTION, SECTIONS, Item, Job
from cvsite.tailor.fast import (
    DIGITS,
    FIELD_WEIGHT,
    MAX_PRIOR,
    NEGATIVE,
    NO_MATCH,
    SECTION_TOP,
    TEXT_TAG_FACTOR,
    Index,
    IndexedItem,
    JobTerms,
    _chronology,
    _cv,
    _person,
    order_sections,
    posting_note,
)
from cvsite.tailored import RankedHighlight, RankedItem, Reason, TailoredCV, TailoredSection
from cvsite.terms import Vocabulary


def tailor_plainly(index: Index, slug: str, job: Job, posting: str) -> TailoredCV:
    """The CV for one job, every item scored eagerly. Coverage is left out (None)."""
    wants = JobTerms.of(job, posting, index.vocab, index.stats)
    excluding = {number: _excluding_tag(entry, wants) for number, entry in enumerate(index.items)}
    matches = {number: _reasons(index, entry, wants) for number, entry in enumerate(index.items)
               if excluding[number] is None}
    totals = [_total(reasons) for reasons in matches.values()]
    smallest = min((abs(total) for total in totals if total), default=None)
    scale = 1.0 if smallest is None else min(1.0, smallest / (2 * MAX_PRIOR))
    bullet_table = _bullet_reasons(index.vocab, wants)
    ranked: dict[str, list[RankedItem]] = {name: [] for name in SECTIONS}
    excluded = []
    for number, entry in enumerate(index.items):
        prior = _prior(entry, scale)
        if excluding[number] is not None:
            why = Reason("excluded", f"tag '{wants.as_written[excluding[number]]}'")
            excluded.append(RankedItem(entry.section, entry.item, prior.weight if prior else 0.0,
                                       [prior] if prior else [], [], included=False, why_left_out=why))
            continue
        reasons = matches[number] + ([prior] if prior else [])
        item = RankedItem(entry.section, entry.item, round(sum(r.weight for r in reasons), DIGITS), reasons)
        item.match = _total(matches[number])
        _rank_bullets(item, entry, bullet_table, wants, job.limit.get("highlights"))
        ranked[entry.section].append(item)
    sections = [_section(name, ranked[name], job) for name in SECTIONS]
    shown = [section for section in sections if section.items]
    skills = {id(r.item) for s in shown if SECTION[s.name].vocabulary for r in s.items if r.match > 0}
    matched_skills = [e.item.label() for e in index.items if id(e.item) in skills]
    person = _person(index.profile, job)
    ordered = order_sections(shown, job, index.profile)
    return _cv(index.profile, slug, job, person, ordered, excluded, matched_skills, None, wants.reading)


def _excluding_tag(entry: IndexedItem, wants: JobTerms) -> str | None:
    """The first (sorted) exclude tag the item has; a skill is also excluded by its own name."""
    keys = entry.terms if SECTION[entry.section].vocabulary else entry.tag_keys
    return next((key for key in sorted(wants.excluded) if key in keys), None)


def _hidden(entry: IndexedItem, wants: JobTerms) -> set[int]:
    """Positions of the bullets an exclude tag drops."""
    return {position for position, tags in enumerate(entry.highlight_tags) if tags & wants.excluded}


def _reasons(index: Index, entry: IndexedItem, wants: JobTerms) -> list[Reason]:
    """The item's gains (rule 2), counting only the bullets it keeps."""
    hidden = _hidden(entry, wants)
    terms = dict(entry.base_terms)  # term -> the weight of the best field it is in
    for position, found in enumerate(entry.highlight_terms):
        if position not in hidden:
            for key in found:
                terms[key] = max(terms.get(key, 0.0), FIELD_WEIGHT["highlights"])
    vocab, reasons = index.vocab, []
    for key, weight in wants.tags.items():
        if key in terms:
            gain = round(weight * (1.0 if key in entry.tag_keys else TEXT_TAG_FACTOR), DIGITS)
            if gain:
                reasons.append(Reason("tag", vocab.display(key), gain))
    for term in wants.posting:
        if term.term in terms:
            gain, note = round(term.weight * terms[term.term], DIGITS), posting_note(term)
        else:
            found, source = _through_related(vocab, terms, term.term)
            gain = round(term.weight * found, DIGITS)
            note = posting_note(term, f"partial: through {vocab.display(source)}")
        if gain:
            reasons.append(Reason("posting", term.display, gain, note))
    return reasons


def _through_related(vocab: Vocabulary, terms: dict[str, float], wanted: str) -> tuple[float, str]:
    """The best partial weight for a term the item does not name, through a related term it
    names (field weight x credit), and that term; ties: the first in sorted order."""
    best, source = 0.0, ""
    for key in sorted(terms):
        credit = dict(vocab.related(key)).get(wanted, 0.0)
        weight = round(terms[key] * credit, DIGITS)
        if weight > best:
            best, source = weight, key
    return best, source


def _bullet_reasons(vocab: Vocabulary, wants: JobTerms) -> dict[str, list[Reason]]:
    """Per term, what finding it in a bullet gives: the job's tag weight and the posting term's
    weight, each at full strength."""
    table: dict[str, list[Reason]] = {}
    for key, weight in wants.tags.items():
        if round(weight, DIGITS):
            table.setdefault(key, []).append(Reason("tag", vocab.display(key), round(weight, DIGITS)))
    for term in wants.posting:
        if round(term.weight, DIGITS):
            table.setdefault(term.term, []).append(
                Reason("posting", term.display, round(term.weight, DIGITS), posting_note(term)))
    return table


def _total(reasons: list[Reason]) -> float:
    return round(sum(r.weight for r in reasons), DIGITS)


def _prior(entry: IndexedItem, scale: float) -> Reason | None:
    prior = entry.prior if scale == 1.0 else math.floor(entry.prior * scale * 10**DIGITS) / 10**DIGITS
    return Reason("prior", "featured/recency", prior) if prior else None


def _rank_bullets(ranked: RankedItem, entry: IndexedItem, table: dict[str, list[Reason]], wants: JobTerms,
                  cap: int | None) -> None:
    """Rule 5: bullets by the job's weights for their terms; excluded ones and those past the cap dropped.
    `table`: per term, the reasons finding it in a bullet gives."""
    hidden = _hidden(entry, wants)
    kept: list[tuple[int, RankedHighlight]] = []
    dropped: list[tuple[int, RankedHighlight]] = []
    for position, (bullet, terms) in enumerate(zip(entry.bullets, entry.highlight_terms, strict=True)):
        reasons = [reason for key in terms for reason in table.get(key, ())]
        if position in hidden:
            tags = "', '".join(sorted(wants.as_written[key] for key in entry.highlight_tags[position]
                                      & wants.excluded))
            reasons.append(Reason("excluded", f"tag '{tags}'"))
        scored = RankedHighlight(bullet.text, bullet.tags, round(sum(r.weight for r in reasons), DIGITS),
                                 reasons)
        (dropped if position in hidden else kept).append((position, scored))
    kept.sort(key=lambda pair: -pair[1].score)
    if cap is not None and len(kept) > cap:
        limit = Reason("limit", f"highlights limit {cap}")
        dropped[:0] = [(p, RankedHighlight(b.text, b.tags, b.score, [*b.reasons, limit]))
                       for p, b in kept[cap:]]
        kept = kept[:cap]
    ranked.highlights = [bullet for _, bullet in kept]
    ranked.dropped_highlights = [bullet for _, bullet in dropped]
    order = [position for position, _ in kept]
    if order != list(range(len(entry.bullets))):
        ranked.item = _with_bullets(entry.item, order)


def _with_bullets(item: Item, order: list[int]) -> Item:
    source = item.highlights  # type: ignore[attr-defined]
    return item.model_copy(update={"highlights": [source[i] for i in order]})


def _section(name: str, items: list[RankedItem], job: Job) -> TailoredSection:
    """Rule 4 for one section: order, limit, then a chronological section (experience) newest first."""
    ordered = sorted(items, key=lambda r: -r.score)  # stable: ties keep profile order
    limit = job.limit.get(name)
    kept, omitted = ordered, []
    if limit is not None:
        relevant = [r for r in ordered if r.match > 0]
        kept, omitted = relevant[:limit], relevant[limit:]
        for ranked in omitted:
            ranked.included, ranked.why_left_out = False, Reason("limit", f"{name} limit {limit}")
        for ranked in ordered:
            if ranked.match <= 0:
                ranked.included = False
                ranked.why_left_out = NO_MATCH if ranked.match == 0 else NEGATIVE
                omitted.append(ranked)
    if SECTION[name].chronological:
        kept = sorted(kept, key=lambda r: _chronology(r.item), reverse=True)
    best = sorted((r.match for r in items if r.match > 0), reverse=True)[:SECTION_TOP]
    return TailoredSection(name, kept, omitted, round(sum(best), DIGITS))
