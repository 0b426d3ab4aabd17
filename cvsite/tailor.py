"""Tailoring: score, filter and order the profile for one job.

The work splits in two so that many jobs stay cheap:

* `Index.build` reads the profile once: every item's terms (from its title,
  text, tags and highlights) go into an inverted index term -> items, and the
  tags that can exclude an item or a highlight into two more.
* `tailor_with` then scores one job by walking only the job's own terms (tag
  weights, posting terms, exclusions) through those indexes, and orders each
  section. Items the job does not mention cost one cheap pass.

An item's score is the sum of the distinct terms it matches, each weighted by
the job (tag weight, posting term weight) and by where in the item it was
found, plus a small prior (featured, recency). The prior is scaled per job to
stay below half the smallest real match, so it breaks near-ties and can never
lift an unmatched item over a matched one. The result is a `TailoredCV`:
renderers consume it and never re-rank.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from cvsite.loader import Workspace
from cvsite.model import (
    ITEM_TYPES,
    SECTIONS,
    Experience,
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
# Priors only break near-ties; `_prior_scale` keeps them below any real match of the job.
FEATURED_PRIOR = 0.05
RECENCY_PRIOR = 0.04
RECENCY_YEARS = 10
MAX_PRIOR = FEATURED_PRIOR + RECENCY_PRIOR
SECTION_TOP = 3  # a section's relevance is the sum of its best few matches
DIGITS = 4  # scores and reason weights are rounded, so equal inputs print equal numbers


@dataclass
class IndexedItem:
    """One profile item reduced to what scoring needs; built once per profile."""

    section: str
    position: int
    item: Item
    terms: dict[str, float]  # every term with the weight of the best field it is in
    base_terms: dict[str, float]  # the same, leaving out highlights
    tag_keys: frozenset[str]
    highlight_terms: list[tuple[str, ...]]  # per highlight, text terms and tags, in order
    highlight_tags: list[frozenset[str]]
    prior: float  # before the job's scale; rounded down so scaling never rounds it up
    prior_reason: Reason | None  # the reason at full scale, shared by every job that uses it


@dataclass
class Index:
    """The profile's terms, read once and shared by every job."""

    profile: Profile
    vocab: Vocabulary
    items: list[IndexedItem]
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    excludable: dict[str, list[int]] = field(default_factory=dict)  # tag key -> items it excludes
    highlight_tagged: dict[str, list[int]] = field(default_factory=dict)  # tag key -> items, by bullet tags

    @classmethod
    def build(cls, profile: Profile, today: date | None = None) -> Index:
        vocab = Vocabulary.build(profile.aliases, [(s.name, s.aliases) for s in profile.skills])
        year = (today or _reference_date(profile)).year
        key = cache(vocab.key)  # tags repeat across items; the vocabulary is immutable
        items = [
            _index_item(vocab, key, section, position, item, year)
            for section in ITEM_TYPES
            for position, item in enumerate(profile.section(section))
        ]
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        excludable: dict[str, list[int]] = defaultdict(list)
        highlight_tagged: dict[str, list[int]] = defaultdict(list)
        for number, entry in enumerate(items):
            for key, weight in entry.terms.items():
                postings[key].append((number, weight))
            # A skill is excluded by its own name as well as its tags: `exclude: [react]`.
            for key in entry.terms if entry.section == "skills" else entry.tag_keys:
                excludable[key].append(number)
            for key in set().union(*entry.highlight_tags):
                highlight_tagged[key].append(number)
        return cls(profile, vocab, items, dict(postings), dict(excludable), dict(highlight_tagged))


def _field(item: Item, name: str) -> object:
    """A field's value, or None for item types without it (pydantic's getattr miss is slow)."""
    return item.__dict__.get(name)


def _reference_date(profile: Profile) -> date:
    """Recency is measured from the newest date in the profile, not the clock,
    so the same profile tailors the same way on any day."""
    newest = 1970
    for section in ITEM_TYPES:
        for item in profile.section(section):
            for name in ("start", "end", "date"):
                value = _field(item, name)
                if isinstance(value, PartialDate):
                    newest = max(newest, value.year)
    return date(newest, 12, 31)


def _index_item(vocab: Vocabulary, key: Callable[[str], str], section: str, position: int, item: Item,
                year: int) -> IndexedItem:
    terms: dict[str, float] = {}

    def add(keys: Iterable[str], weight: float) -> None:
        for key in keys:
            terms[key] = max(terms.get(key, 0.0), weight)

    tag_keys = [key(tag) for tag in item.tags]
    add(tag_keys, FIELD_WEIGHT["tags"])
    add(vocab.find(_title_text(item)), FIELD_WEIGHT["title"])
    add(vocab.find(_body_text(item)), FIELD_WEIGHT["text"])
    base = dict(terms)
    highlight_terms, highlight_tags = [], []
    for highlight in _field(item, "highlights") or []:  # type: ignore[attr-defined]
        tags = [key(tag) for tag in highlight.tags]
        found = tuple(dict.fromkeys([*vocab.find(highlight.text), *tags]))
        highlight_terms.append(found)
        highlight_tags.append(frozenset(tags))
        add(found, FIELD_WEIGHT["highlights"])
    prior = math.floor(_prior(item, year) * 10**DIGITS) / 10**DIGITS
    return IndexedItem(section, position, item, terms, base, frozenset(tag_keys), highlight_terms,
                       highlight_tags, prior, Reason("prior", "featured/recency", prior) if prior else None)


def _title_text(item: Item) -> str:
    if isinstance(item, Skill):
        return "\n".join([item.name, *item.aliases])
    return item.label()


_BODY_FIELDS = ("summary", "contribution", "outcome", "where", "group", "org_description", "entity", "area")


def _body_text(item: Item) -> str:
    """Every free-text field that describes the item, one per line so terms never join across them."""
    parts = [_field(item, name) for name in _BODY_FIELDS]
    lists = [text for name in ("keywords", "roles", "courses") for text in _field(item, name) or []]  # type: ignore[attr-defined]
    return "\n".join([*(p for p in parts if isinstance(p, str)), *lists])


def _prior(item: Item, year: int) -> float:
    prior = FEATURED_PRIOR if isinstance(item, Project) and item.featured else 0.0
    latest = _latest_year(item, year)
    if latest is not None:
        age = max(0, year - latest)
        prior += RECENCY_PRIOR * max(0.0, 1 - age / RECENCY_YEARS)
    return prior


def _latest_year(item: Item, year: int) -> int | None:
    end = _field(item, "end")
    if end == "present" or (end is None and isinstance(item, Experience)):  # no end: a current role
        return year
    for value in (end, _field(item, "date"), _field(item, "start")):
        if isinstance(value, PartialDate):
            return value.year
    return None


@dataclass(frozen=True)
class JobTerms:
    """What one job asks for, as canonical keys with weights."""

    tags: dict[str, float]
    posting: list[PostingTerm]
    excluded: frozenset[str]
    as_written: dict[str, str] = field(default_factory=dict)  # excluded key -> the job's own tag

    @classmethod
    def of(cls, job: Job, posting_text: str, vocab: Vocabulary) -> JobTerms:
        tags: dict[str, float] = {}
        for tag, weight in job.tags.items():
            key = vocab.key(tag)
            tags[key] = tags.get(key, 0.0) + weight
        as_written = {vocab.key(tag): tag for tag in reversed(job.exclude)}
        return cls(tags, extract_posting_terms(posting_text, vocab), frozenset(as_written), as_written)


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
    """The CV for one job from a prebuilt index; `job=None` gives the general CV in profile order."""
    profile = index.profile
    person = _person(profile, job)
    if job is None:
        sections = [_general_section(index, name) for name in SECTIONS]
        ordered = _order_sections([s for s in sections if s.items], None)
        return _cv(profile, slug, None, person, ordered, [], [], None)
    wants = JobTerms.of(job, posting, index.vocab)
    scoring = _Scoring.of(index, wants)
    cap = job.limit.get("highlights")
    ranked: dict[str, list[tuple[RankedItem, float]]] = {name: [] for name in SECTIONS}
    excluded: list[RankedItem] = []
    kept_bullets: dict[int, list[int]] = {}
    for number, entry in enumerate(index.items):
        if number in scoring.special:
            item, match = scoring.rank(number, entry, cap, kept_bullets)
        else:
            item, match = scoring.plain(number, entry, cap, kept_bullets), 0.0
        if item.included:
            ranked[entry.section].append((item, match))
        else:
            excluded.append(item)
    sections = [_section(name, ranked[name], job) for name in SECTIONS]
    ordered = _order_sections([s for s in sections if s.items], job)
    matched_skills = [r.item.label() for r, match in ranked["skills"] if r.included and match > 0]
    coverage = _coverage(index, wants, ordered, person, kept_bullets)
    return _cv(profile, slug, job, person, ordered, excluded, matched_skills, coverage)


def _cv(profile: Profile, slug: str | None, job: Job | None, person: Person, sections: list[TailoredSection],
        excluded: list[RankedItem], matched_skills: list[str], coverage: Coverage | None) -> TailoredCV:
    return TailoredCV(
        slug=slug,
        person=person,
        job=job,
        sections=sections,
        excluded=excluded,
        matched_skills=matched_skills,
        coverage=coverage,
        theme=(job.theme if job and job.theme else profile.theme),
        language=(job.language if job and job.language else profile.language),
        paper=(job.pdf.paper if job and job.pdf.paper else profile.pdf.paper) or "a4",
        max_pages=(job.pdf.max_pages if job and job.pdf.max_pages else profile.pdf.max_pages),
        listed=job.listed if job else True,
    )


def _general_section(index: Index, name: str) -> TailoredSection:
    """The general CV: the profile as written, nothing scored or dropped."""
    items = [
        RankedItem(name, entry.item, 0.0, highlights=[
            RankedHighlight(h.text, h.tags, 0.0) for h in getattr(entry.item, "highlights", [])
        ])
        for entry in index.items if entry.section == name
    ]
    return TailoredSection(name, items)


@dataclass
class _Scoring:
    """One job's view of the index: item matches, exclusions and the prior scale."""

    wants: JobTerms
    matches: dict[int, list[Reason]]
    excluded: dict[int, str]
    excluded_highlights: dict[int, set[int]]
    highlight_reasons: dict[str, list[Reason]]
    prior_scale: float
    special: frozenset[int]  # items that need the full treatment; the rest are unmatched

    @classmethod
    def of(cls, index: Index, wants: JobTerms) -> _Scoring:
        excluded: dict[int, str] = {}
        hidden: dict[int, set[int]] = defaultdict(set)
        for key in sorted(wants.excluded):
            for number in index.excludable.get(key, ()):
                excluded.setdefault(number, key)
            for number in index.highlight_tagged.get(key, ()):
                tags = index.items[number].highlight_tags
                hidden[number].update(i for i, found in enumerate(tags) if key in found)
        matches = _matches(index, wants)
        for number, positions in hidden.items():
            # An excluded bullet is gone: its terms must not lift the item either.
            entry = index.items[number]
            terms = dict(entry.base_terms)
            for i, found in enumerate(entry.highlight_terms):
                if i not in positions:
                    for key in found:
                        terms[key] = max(terms.get(key, 0.0), FIELD_WEIGHT["highlights"])
            matches[number] = _item_reasons(index.vocab, terms, entry.tag_keys, wants)
        for number in excluded:
            matches.pop(number, None)
        special = frozenset(matches) | frozenset(excluded) | frozenset(hidden)
        return cls(wants, matches, excluded, dict(hidden), _highlight_reasons(index.vocab, wants),
                   _prior_scale(matches.values()), special)

    def _prior(self, entry: IndexedItem) -> Reason | None:
        if self.prior_scale == 1.0 or entry.prior_reason is None:
            return entry.prior_reason
        prior = math.floor(entry.prior * self.prior_scale * 10**DIGITS) / 10**DIGITS
        return Reason("prior", "featured/recency", prior) if prior else None

    def plain(self, number: int, entry: IndexedItem, cap: int | None,
              kept_bullets: dict[int, list[int]]) -> RankedItem:
        """An item this job does not mention: the fast path most items of a big profile take."""
        prior = self._prior(entry)
        ranked = RankedItem(entry.section, entry.item, prior.weight if prior else 0.0,
                            [prior] if prior else [])
        if entry.highlight_terms:
            bullets = [RankedHighlight(h.text, h.tags, 0.0) for h in entry.item.highlights]  # type: ignore[attr-defined]
            ranked.highlights = bullets
            if cap is not None and len(bullets) > cap:
                self._cut(ranked, entry, number, list(enumerate(bullets)), cap, kept_bullets)
        return ranked

    def rank(self, number: int, entry: IndexedItem, cap: int | None,
             kept_bullets: dict[int, list[int]]) -> tuple[RankedItem, float]:
        """The item scored for this job, with its net match (its score without the prior)."""
        reasons = self.matches.get(number, [])
        match = round(sum(r.weight for r in reasons), DIGITS)
        prior = self._prior(entry)
        if prior:
            reasons = [*reasons, prior]
        score = round(match + (prior.weight if prior else 0.0), DIGITS)
        matched = sorted({r.term for r in reasons if r.kind != "prior" and r.weight > 0})
        if number in self.excluded:
            why = Reason("excluded", f"tag '{self.wants.as_written[self.excluded[number]]}'")
            return RankedItem(entry.section, entry.item, score, reasons, matched, included=False,
                              why_left_out=why), match
        ranked = RankedItem(entry.section, entry.item, score, reasons, matched)
        if entry.highlight_terms:
            self._rank_highlights(ranked, number, entry, cap, kept_bullets)
        return ranked, match

    def _rank_highlights(self, ranked: RankedItem, number: int, entry: IndexedItem, cap: int | None,
                         kept_bullets: dict[int, list[int]]) -> None:
        """Order the bullets by relevance, drop excluded ones and cut to the `highlights` limit."""
        source = entry.item.highlights  # type: ignore[attr-defined]
        hidden = self.excluded_highlights.get(number, set())
        kept: list[tuple[int, RankedHighlight]] = []
        for position, (highlight, terms) in enumerate(zip(source, entry.highlight_terms, strict=True)):
            reasons = [r for key in terms for r in self.highlight_reasons.get(key, ())]
            bullet = RankedHighlight(highlight.text, highlight.tags,
                                     round(sum(r.weight for r in reasons), DIGITS), reasons)
            if position in hidden:
                hit = entry.highlight_tags[position] & self.wants.excluded
                tags = sorted(self.wants.as_written[key] for key in hit)
                bullet.reasons.append(Reason("excluded", "tag '" + "', '".join(tags) + "'"))
                ranked.dropped_highlights.append(bullet)
            else:
                kept.append((position, bullet))
        kept.sort(key=lambda pair: -pair[1].score)  # stable: ties keep the profile order
        ranked.highlights = [bullet for _, bullet in kept]
        self._cut(ranked, entry, number, kept, cap, kept_bullets)

    @staticmethod
    def _cut(ranked: RankedItem, entry: IndexedItem, number: int, kept: list[tuple[int, RankedHighlight]],
             cap: int | None, kept_bullets: dict[int, list[int]]) -> None:
        """Apply the `highlights` limit to bullets already in order, and give the item
        exactly the bullets it shows (a copy only when they differ from the profile's)."""
        if cap is not None and len(kept) > cap:
            for _, bullet in kept[cap:]:
                bullet.reasons.append(Reason("limit", f"highlights limit {cap}"))
            ranked.dropped_highlights[:0] = [bullet for _, bullet in kept[cap:]]
            kept = kept[:cap]
            ranked.highlights = [bullet for _, bullet in kept]
        source = entry.item.highlights  # type: ignore[attr-defined]
        order = [position for position, _ in kept]
        if order != list(range(len(source))):
            kept_bullets[number] = order
            ranked.item = entry.item.model_copy(update={"highlights": [source[i] for i in order]})


def _matches(index: Index, wants: JobTerms) -> dict[int, list[Reason]]:
    """Walk the job's terms through the inverted index: cost grows with the job, not the profile."""
    reasons: dict[int, list[Reason]] = defaultdict(list)
    display = index.vocab.display
    for key, weight in wants.tags.items():
        name = display(key)
        for number, _found in index.postings.get(key, ()):
            factor = 1.0 if key in index.items[number].tag_keys else TEXT_TAG_FACTOR
            gain = round(weight * factor, DIGITS)
            if gain:
                reasons[number].append(Reason("tag", name, gain))
    for term in wants.posting:
        for number, found in index.postings.get(term.term, ()):
            gain = round(term.weight * found, DIGITS)
            if gain:
                reasons[number].append(Reason("posting", term.display, gain))
    return dict(reasons)


def _item_reasons(vocab: Vocabulary, terms: Mapping[str, float], tag_keys: frozenset[str],
                  wants: JobTerms) -> list[Reason]:
    """The same reasons `_matches` gives, for one item's own term table."""
    reasons = []
    for key, weight in wants.tags.items():
        if key in terms:
            gain = round(weight * (1.0 if key in tag_keys else TEXT_TAG_FACTOR), DIGITS)
            if gain:
                reasons.append(Reason("tag", vocab.display(key), gain))
    for term in wants.posting:
        gain = round(term.weight * terms.get(term.term, 0.0), DIGITS)
        if gain:
            reasons.append(Reason("posting", term.display, gain))
    return reasons


def _highlight_reasons(vocab: Vocabulary, wants: JobTerms) -> dict[str, list[Reason]]:
    """Per term, what finding it in a bullet is worth: tag and posting weights at full strength."""
    table: dict[str, list[Reason]] = defaultdict(list)
    for key, weight in wants.tags.items():
        if round(weight, DIGITS):
            table[key].append(Reason("tag", vocab.display(key), round(weight, DIGITS)))
    for term in wants.posting:
        if round(term.weight, DIGITS):
            table[term.term].append(Reason("posting", term.display, round(term.weight, DIGITS)))
    return dict(table)


def _prior_scale(matches: Iterable[list[Reason]]) -> float:
    """Shrink priors below half the smallest real match of this job, so a featured or
    recent item with no match never outranks one with the weakest match (or rises
    above a negative one)."""
    nets = (abs(round(sum(r.weight for r in reasons), DIGITS)) for reasons in matches)
    smallest = min((net for net in nets if net), default=None)
    return 1.0 if smallest is None else min(1.0, smallest / (2 * MAX_PRIOR))


def _section(name: str, entries: list[tuple[RankedItem, float]], job: Job) -> TailoredSection:
    """Order one section by score (ties keep profile order) and apply its limit.

    With a limit, only items with a positive net match compete for the places.
    Experience is then shown reverse-chronologically, as recruiters expect.
    """
    ordered = sorted(entries, key=lambda pair: -pair[0].score)
    limit = job.limit.get(name)
    kept = [ranked for ranked, _ in ordered]
    omitted: list[RankedItem] = []
    if limit is not None:
        relevant = [ranked for ranked, match in ordered if match > 0]
        kept, omitted = relevant[:limit], relevant[limit:]
        for ranked in omitted:
            ranked.why_left_out = Reason("limit", f"{name} limit {limit}")
        for ranked, match in ordered:
            if match <= 0:
                ranked.why_left_out = Reason("irrelevant", "no term of this job matches" if match == 0
                                             else "this job's weights add up to less than zero")
                omitted.append(ranked)
        for ranked in omitted:
            ranked.included = False
    if name == "experience":
        kept.sort(key=_chronology, reverse=True)
    best = sorted((match for _, match in entries if match > 0), reverse=True)[:SECTION_TOP]
    return TailoredSection(name, kept, omitted, round(sum(best), DIGITS))


def _chronology(ranked: RankedItem) -> tuple[int, tuple[int, int, int], tuple[int, int, int]]:
    """Reverse-chronological key: current roles first, then by end and start date."""
    item = ranked.item
    end = getattr(item, "end", None)
    start = getattr(item, "start", None)
    current = 1 if end == "present" or end is None else 0
    end_key = (end.year, end.month, end.day) if isinstance(end, PartialDate) else (9999, 0, 0)
    start_key = (start.year, start.month, start.day) if isinstance(start, PartialDate) else (0, 0, 0)
    return current, end_key, start_key


def _order_sections(sections: list[TailoredSection], job: Job | None) -> list[TailoredSection]:
    """Pinned sections first in the job's order, the rest by relevance (ties: the default order)."""
    by_name = {s.name: s for s in sections}
    default = [by_name[n] for n in DEFAULT_ORDER if n in by_name]
    if job is None:
        return default
    pinned = [by_name[n] for n in (job.sections or []) if n in by_name]
    rest = sorted((s for s in default if s not in pinned), key=lambda s: -s.score)
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


def _coverage(index: Index, wants: JobTerms, sections: list[TailoredSection], person: Person,
              kept_bullets: Mapping[int, list[int]]) -> Coverage:
    """Which posting terms this CV shows (and where), which the profile has but this
    CV leaves out, and which the profile never mentions: what a keyword screen would miss.

    Only what is rendered counts as shown: the header and the included items, of
    experience and projects only the bullets kept for this job.
    """
    visible = {(ranked.section, ranked.id): (s, i)
               for s, section in enumerate(sections) for i, ranked in enumerate(section.items)}
    header = index.vocab.find("\n".join(filter(None, [person.headline, person.pitch, person.summary])))
    matched, unused, missing = [], [], []
    for term in wants.posting:
        holders = index.postings.get(term.term, ())
        places = sorted(place for number, _ in holders
                        if (place := _shown_at(index, visible, kept_bullets, number, term.term)) is not None)
        where = ("summary",) * (term.term in header) + tuple(name for *_, name in places)
        if where:
            matched.append(CoverageTerm(term.term, term.display, term.weight, where[:5]))
        elif holders:
            unused.append(CoverageTerm(term.term, term.display, term.weight,
                                       tuple(_place(index.items[n]) for n, _ in holders[:5])))
        else:
            missing.append(CoverageTerm(term.term, term.display, term.weight))
    return Coverage(matched, unused, missing, recognised=len(wants.posting))


def _place(entry: IndexedItem) -> str:
    return f"{entry.section}:{entry.item.id}"


def _shown_at(index: Index, visible: Mapping[tuple[str, str], tuple[int, int]],
              kept_bullets: Mapping[int, list[int]], number: int, term: str) -> tuple[int, int, str] | None:
    """(section position, item position, name) where the CV shows the term in this item, if it does."""
    entry = index.items[number]
    found = visible.get((entry.section, entry.item.id or ""))
    if found is None:
        return None
    if term not in entry.base_terms:
        bullets = kept_bullets.get(number, range(len(entry.highlight_terms)))
        if not any(term in entry.highlight_terms[i] for i in bullets):
            return None
    return (*found, _place(entry))
