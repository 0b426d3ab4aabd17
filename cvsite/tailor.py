"""Tailoring: score, filter and order the profile for one job.

The work splits in two so that many jobs stay cheap:

* `Index.build` reads the profile once: every item's terms (from its title,
  text, tags and highlights) go into an inverted index term -> items.
* `tailor` then scores one job by walking only the job's own terms (tag
  weights and posting terms) through that index, and orders each section.

Scores are the sum of the distinct terms an item matches, each weighted by
the job (tag weights, posting term weight) and by where in the item it was
found; small priors (featured, recency) only break near-ties. The result is
a `TailoredCV`: renderers consume it and never re-rank.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from cvsite.loader import Workspace
from cvsite.model import (
    ITEM_TYPES,
    SECTIONS,
    Experience,
    Highlight,
    Item,
    Job,
    PartialDate,
    Profile,
    Project,
    Skill,
)
from cvsite.tailored import (
    Coverage,
    CoverageTerm,
    Person,
    RankedHighlight,
    RankedItem,
    Reason,
    TailoredCV,
    TailoredSection,
)
from cvsite.terms import PostingTerm, Vocabulary, extract_posting_terms

DEFAULT_ORDER = ("experience", "projects", "contributions", "skills", "education", "languages")

# Where a term is found says how central it is to the item.
FIELD_WEIGHT = {"title": 1.0, "tags": 1.0, "text": 0.8, "highlights": 0.6}
# A job's tag weight found only in an item's text counts half: the tag is the user's own word.
TEXT_TAG_FACTOR = 0.5
# Priors stay below the smallest real match (posting terms weigh at least 0.1 after
# field weighting), so they break near-ties and never outrank evidence.
FEATURED_PRIOR = 0.05
RECENCY_PRIOR = 0.04
RECENCY_YEARS = 10


@dataclass
class IndexedItem:
    section: str
    position: int
    item: Item
    terms: dict[str, float]
    tag_keys: frozenset[str]
    highlight_terms: list[dict[str, float]]
    prior: float


@dataclass
class Index:
    """The profile's terms, read once and shared by every job."""

    profile: Profile
    vocab: Vocabulary
    items: list[IndexedItem]
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    person_terms: frozenset[str] = frozenset()
    by_id: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, profile: Profile, today: date | None = None) -> Index:
        vocab = Vocabulary.build(
            profile.aliases, [(s.name, s.aliases) for s in profile.skills]
        )
        year = (today or _reference_date(profile)).year
        indexed = [
            _index_item(vocab, section, position, item, year)
            for section in ITEM_TYPES
            for position, item in enumerate(profile.section(section))
        ]
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, entry in enumerate(indexed):
            for key, weight in entry.terms.items():
                postings[key].append((number, weight))
        person = " ".join(filter(None, [profile.headline, profile.pitch, profile.summary]))
        by_id = {entry.item.id or "": number for number, entry in enumerate(indexed)}
        return cls(profile, vocab, indexed, dict(postings), frozenset(vocab.find(person)), by_id)


def _reference_date(profile: Profile) -> date:
    """Recency is measured from the newest date in the profile, not the clock,
    so the same profile tailors the same way on any day."""
    newest = 1970
    for section in ITEM_TYPES:
        for item in profile.section(section):
            for name in ("start", "end", "date"):
                value = getattr(item, name, None)
                if isinstance(value, PartialDate):
                    newest = max(newest, value.year)
    return date(newest, 12, 31)


def _index_item(vocab: Vocabulary, section: str, position: int, item: Item, year: int) -> IndexedItem:
    terms: dict[str, float] = {}

    def add(keys: object, weight: float) -> None:
        for key in keys:  # type: ignore[attr-defined]
            terms[key] = max(terms.get(key, 0.0), weight)

    tag_keys = {vocab.key(tag) for tag in item.tags}
    add(tag_keys, FIELD_WEIGHT["tags"])
    add(vocab.find(_title_text(item)), FIELD_WEIGHT["title"])
    add(vocab.find(_body_text(item)), FIELD_WEIGHT["text"])
    highlight_terms = []
    for highlight in getattr(item, "highlights", []):
        found = dict.fromkeys(vocab.find(highlight.text), 1.0)
        found.update(dict.fromkeys((vocab.key(t) for t in highlight.tags), 1.0))
        highlight_terms.append(found)
        add(found, FIELD_WEIGHT["highlights"])
    return IndexedItem(section, position, item, terms, frozenset(tag_keys), highlight_terms,
                       _prior(item, year))


def _title_text(item: Item) -> str:
    if isinstance(item, Skill):
        return " ".join([item.name, *item.aliases])
    return item.label()


def _body_text(item: Item) -> str:
    parts = [getattr(item, name, None) for name in ("summary", "contribution", "outcome", "where", "group")]
    return "\n".join(p for p in parts if isinstance(p, str))


def _prior(item: Item, year: int) -> float:
    prior = FEATURED_PRIOR if isinstance(item, Project) and item.featured else 0.0
    latest = _latest_year(item, year)
    if latest is not None:
        age = max(0, year - latest)
        prior += RECENCY_PRIOR * max(0.0, 1 - age / RECENCY_YEARS)
    return round(prior, 4)


def _latest_year(item: Item, year: int) -> int | None:
    end = getattr(item, "end", None)
    if end == "present":
        return year
    for value in (end, getattr(item, "date", None), getattr(item, "start", None)):
        if isinstance(value, PartialDate):
            return value.year
    return None


@dataclass(frozen=True)
class JobTerms:
    """What one job asks for, as canonical keys with weights."""

    tags: dict[str, float]
    posting: list[PostingTerm]
    excluded: frozenset[str]

    @classmethod
    def of(cls, job: Job, posting_text: str, vocab: Vocabulary) -> JobTerms:
        tags: dict[str, float] = {}
        for tag, weight in job.tags.items():
            tags[vocab.key(tag)] = tags.get(vocab.key(tag), 0.0) + weight
        excluded = {vocab.key(tag) for tag in job.exclude} | set(job.exclude)
        return cls(tags, extract_posting_terms(posting_text, vocab), frozenset(excluded))


def tailor_all(workspace: Workspace, slugs: list[str] | None = None) -> dict[str | None, TailoredCV]:
    """The general CV (key None) and one tailored CV per job, sharing one index."""
    index = Index.build(workspace.profile)
    chosen = slugs if slugs is not None else list(workspace.jobs)
    result: dict[str | None, TailoredCV] = {None: tailor_with(index, None, None, "")}
    for slug in chosen:
        result[slug] = tailor_with(index, slug, workspace.jobs[slug], workspace.postings.get(slug, ""))
    return result


def tailor(workspace: Workspace, slug: str | None) -> TailoredCV:
    """The CV for one job (or the general CV when `slug` is None)."""
    index = Index.build(workspace.profile)
    if slug is None:
        return tailor_with(index, None, None, "")
    return tailor_with(index, slug, workspace.jobs[slug], workspace.postings.get(slug, ""))


def tailor_with(index: Index, slug: str | None, job: Job | None, posting: str) -> TailoredCV:
    profile = index.profile
    wants = JobTerms.of(job, posting, index.vocab) if job else None
    scores = _scores(index, wants) if wants else {}
    ranked: dict[str, list[RankedItem]] = {name: [] for name in SECTIONS}
    excluded: list[RankedItem] = []
    for number, entry in enumerate(index.items):
        match, reasons = scores.get(number, (0.0, []))
        item = _rank(entry, match, reasons, wants, job)
        (excluded if not item.included else ranked[entry.section]).append(item)
    sections = [_section(name, ranked[name], job) for name in SECTIONS]
    ordered = _order_sections([s for s in sections if s.items], job)
    return TailoredCV(
        slug=slug,
        person=_person(profile, job),
        job=job,
        sections=ordered,
        excluded=excluded,
        matched_skills=_matched_skills(ordered, index.vocab, wants),
        coverage=_coverage(index, wants, sections) if wants else None,
        theme=(job.theme if job and job.theme else profile.theme),
        language=(job.language if job and job.language else profile.language),
        paper=(job.pdf.paper if job and job.pdf.paper else profile.pdf.paper) or "a4",
        max_pages=(job.pdf.max_pages if job and job.pdf.max_pages else profile.pdf.max_pages),
        listed=job.listed if job else True,
    )


def _scores(index: Index, wants: JobTerms) -> dict[int, tuple[float, list[Reason]]]:
    """Walk the job's terms through the inverted index: cost grows with the job, not the profile."""
    totals: dict[int, float] = defaultdict(float)
    reasons: dict[int, list[Reason]] = defaultdict(list)
    for key, weight in wants.tags.items():
        for number, _found in index.postings.get(key, ()):
            factor = 1.0 if key in index.items[number].tag_keys else TEXT_TAG_FACTOR
            totals[number] += weight * factor
            reasons[number].append(Reason("tag", index.vocab.display(key), round(weight * factor, 3)))
    for term in wants.posting:
        for number, found in index.postings.get(term.term, ()):
            gain = term.weight * found
            totals[number] += gain
            reasons[number].append(Reason("posting", term.display, round(gain, 3)))
    return {n: (round(totals[n], 4), reasons[n]) for n in totals}


def _is_excluded(entry: IndexedItem, wants: JobTerms | None) -> str | None:
    if not wants or not wants.excluded:
        return None
    hit = set(entry.item.tags) & wants.excluded or entry.tag_keys & wants.excluded
    if isinstance(entry.item, Skill) and not hit:
        hit = set(entry.terms) & wants.excluded
    return sorted(hit)[0] if hit else None


def _rank(entry: IndexedItem, match: float, reasons: list[Reason], wants: JobTerms | None,
          job: Job | None) -> RankedItem:
    prior = entry.prior
    if prior:
        reasons = [*reasons, Reason("prior", "featured/recency", prior)]
    score = round(match + prior, 4) if wants else 0.0
    excluded_by = _is_excluded(entry, wants)
    if excluded_by:
        return RankedItem(entry.section, entry.item, score, reasons, included=False,
                          why_left_out=Reason("excluded", f"tag '{excluded_by}'"))
    highlights, dropped = _rank_highlights(entry, wants, job)
    item = entry.item
    if hasattr(item, "highlights"):
        kept = [Highlight(text=h.text, tags=h.tags) for h in highlights]
        item = item.model_copy(update={"highlights": kept})
    matched = sorted({r.term for r in reasons if r.kind in ("tag", "posting") and r.weight > 0})
    return RankedItem(entry.section, item, score, reasons, matched, highlights, dropped)


def _rank_highlights(entry: IndexedItem, wants: JobTerms | None,
                     job: Job | None) -> tuple[list[RankedHighlight], list[RankedHighlight]]:
    source = getattr(entry.item, "highlights", [])
    ranked: list[RankedHighlight] = []
    dropped: list[RankedHighlight] = []
    for highlight, terms in zip(source, entry.highlight_terms, strict=True):
        score, reasons = _highlight_score(terms, wants)
        if wants and set(highlight.tags) & wants.excluded:
            continue
        ranked.append(RankedHighlight(highlight.text, list(highlight.tags), score, reasons))
    if wants:
        ranked.sort(key=lambda h: -h.score)
    cap = job.limit.get("highlights") if job else None
    if cap is not None and len(ranked) > cap:
        ranked, dropped = ranked[:cap], ranked[cap:]
        for highlight in dropped:
            highlight.reasons.append(Reason("limit", f"highlights limit {cap}"))
    return ranked, dropped


def _highlight_score(terms: dict[str, float], wants: JobTerms | None) -> tuple[float, list[Reason]]:
    if not wants:
        return 0.0, []
    reasons = [Reason("tag", k, w) for k, w in wants.tags.items() if k in terms]

    reasons += [Reason("posting", t.display, round(t.weight, 3)) for t in wants.posting if t.term in terms]
    return round(sum(r.weight for r in reasons), 4), reasons


def _section(name: str, items: list[RankedItem], job: Job | None) -> TailoredSection:
    if job is None:
        return TailoredSection(name, items)
    by_relevance = sorted(items, key=lambda r: -r.score)  # stable: ties keep profile order
    if name == "skills":
        by_relevance = [r for r in by_relevance if r.matched] + [r for r in items if not r.matched]
    limit = job.limit.get(name)
    kept, omitted = by_relevance, []
    if limit is not None:
        relevant = [r for r in by_relevance if r.matched]
        kept = relevant[:limit]
        omitted = [r for r in by_relevance if r not in kept]
        for item in omitted:
            item.included = False
            item.why_left_out = (Reason("limit", f"{name} limit {limit}") if item.matched
                                 else Reason("irrelevant", "no term of this job matches"))
    if name == "experience":
        kept = sorted(kept, key=_chronology, reverse=True)
    score = sum(sorted((r.score for r in kept if r.matched), reverse=True)[:3])
    return TailoredSection(name, kept, omitted, round(score, 4))


def _chronology(ranked: RankedItem) -> tuple[int, tuple[int, int, int], tuple[int, int, int]]:
    """Reverse-chronological key: current roles first, then by start date."""
    item = ranked.item
    end = getattr(item, "end", None)
    start = getattr(item, "start", None)
    current = 1 if end == "present" or end is None else 0
    end_key = (end.year, end.month, end.day) if isinstance(end, PartialDate) else (9999, 0, 0)
    start_key = (start.year, start.month, start.day) if isinstance(start, PartialDate) else (0, 0, 0)
    return current, end_key, start_key


def _order_sections(sections: list[TailoredSection], job: Job | None) -> list[TailoredSection]:
    by_name = {s.name: s for s in sections}
    default = [by_name[n] for n in DEFAULT_ORDER if n in by_name]
    if job is None:
        return default
    pinned = [by_name[n] for n in (job.sections or []) if n in by_name]
    rest = [s for s in default if s not in pinned]
    if not job.sections:
        rest = sorted(rest, key=lambda s: -s.score)  # stable: ties keep the default order
    return pinned + rest


def _person(profile: Profile, job: Job | None) -> Person:
    return Person(
        name=profile.name,
        headline=(job.headline if job and job.headline else profile.headline),
        pitch=(job.pitch if job and job.pitch else profile.pitch),
        location=profile.location,
        summary=profile.summary,
        contact=profile.contact,
    )


def _matched_skills(sections: list[TailoredSection], vocab: Vocabulary,
                    wants: JobTerms | None) -> list[str]:
    if not wants:
        return []
    skills = next((s for s in sections if s.name == "skills"), None)
    return [r.item.label() for r in skills.items if r.matched] if skills else []


def _coverage(index: Index, wants: JobTerms, sections: list[TailoredSection]) -> Coverage:
    """Which posting terms this CV shows, which the profile has but this CV leaves
    out, and which the profile never mentions: what a keyword screen would miss."""
    shown: dict[str, list[str]] = defaultdict(list)
    for section in sections:
        for ranked in section.items:
            for key in index.items[index.by_id[ranked.id]].terms:
                shown[key].append(f"{section.name}:{ranked.id}")
    for key in index.person_terms:
        shown[key].append("summary")
    matched, unused, missing = [], [], []
    for term in wants.posting:
        if term.term in shown:
            matched.append(CoverageTerm(term.term, term.display, term.weight, tuple(shown[term.term][:5])))
        elif term.term in index.postings:
            where = tuple(f"{index.items[n].section}:{index.items[n].item.id}"
                          for n, _ in index.postings[term.term][:5])
            unused.append(CoverageTerm(term.term, term.display, term.weight, where))
        else:
            missing.append(CoverageTerm(term.term, term.display, term.weight))
    return Coverage(matched, unused, missing, recognised=len(wants.posting))
