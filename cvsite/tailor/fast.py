"""Tailoring: score, filter and order the profile for one job.

The work splits in two so that many jobs stay cheap:

* `Index.build` reads the profile once: every item's terms (from its title,
  text, tags and highlights) go into an inverted index term -> items, and the
  tags that can exclude an item or a highlight into two more.
* `tailor_with` then scores one job by walking only the job's own terms (tag
  weights, posting terms, exclusions) through those indexes, and orders each
  section. Items the job does not mention are not visited: their ranked form and
  order are made once per index and shared. Which sections show and in what order
  needs only item numbers and integer totals, so the sections' ranked items are made
  when first read; reasons, bullet scores and item copies too (see `cvsite.tailored`).

An item's score is the sum of the distinct terms it matches, each weighted by
the job (tag weight, posting term weight) and by where in the item it was
found (or, for a posting term the item does not name, partly through a related
term it does), plus a small prior (featured, recency). The prior is scaled per
job to stay below half the smallest real match, so it breaks near-ties and can
never lift an unmatched item over a matched one. The result is a `TailoredCV`:
renderers consume it and never re-rank. `cvsite.tailor.spec` states the same
rules plainly; a hypothesis test holds this module to it.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from operator import attrgetter, itemgetter
from typing import TypeVar

from cvsite.loader import Workspace
from cvsite.model import (
    SECTION,
    SECTIONS,
    Item,
    Job,
    PartialDate,
    Profile,
    Project,
    field_value,
)
from cvsite.tailored import (
    Coverage,
    CoverageGroups,
    CoverageTerm,
    Person,
    RankedHighlight,
    RankedItem,
    Reason,
    TailoredCV,
    TailoredSection,
)
from cvsite.terms import IgnoredTerm, PostingReading, PostingStats, PostingTerm, Vocabulary, read_posting
from cvsite.weights import WEIGHTS

# Short names for the constants of cvsite/data/scoring.yaml, used in the hot loops.
FIELD_WEIGHT = dict(WEIGHTS.fields)
TEXT_TAG_FACTOR = WEIGHTS.text_tag_factor
FEATURED_PRIOR = WEIGHTS.featured_prior
RECENCY_PRIOR = WEIGHTS.recency_prior
RECENCY_YEARS = WEIGHTS.recency_years
MAX_PRIOR = WEIGHTS.max_prior
SECTION_TOP = WEIGHTS.section_top
DIGITS = WEIGHTS.digits
UNIT = WEIGHTS.unit

_T = TypeVar("_T")
_When = tuple[int, tuple[int, int, int], tuple[int, int, int]]


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
    # terms the item does not name but a related one it names partly stands for: key -> (weight, source)
    related: dict[str, tuple[float, str]] = field(default_factory=dict)
    bullet_keys: frozenset[str] = frozenset()  # every term of every highlight
    bullets: list[RankedHighlight] = field(default_factory=list)  # unscored, shared by every job


@dataclass
class Index:
    """The profile's terms, read once and shared by every job.

    Besides the inverted indexes it memoises what jobs have in common, so a job
    pays only for the items it mentions: the ranked form of items a job does not
    mention (per prior scale, highlight limit and section limit), the order of
    those items, bullet cuts and reordered item copies. Everything memoised is
    read-only once made.
    """

    profile: Profile
    vocab: Vocabulary
    items: list[IndexedItem]
    stats: PostingStats = field(default_factory=PostingStats)  # the profile's postings, for specificity
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    excludable: dict[str, list[int]] = field(default_factory=dict)  # tag key -> items it excludes
    highlight_tagged: dict[str, list[int]] = field(default_factory=dict)  # tag key -> items, by bullet tags
    # term -> (items with it as a tag, items with it only in their text): a job's tag weights count
    tag_holders: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    # term -> [(weight of the field it is in, items)]: a posting term's gain is the same for each group
    found_groups: dict[str, list[tuple[float, list[int]]]] = field(default_factory=dict)
    sections: dict[str, list[int]] = field(default_factory=dict)  # section -> its items, in profile order
    chronology: dict[int, _When] = field(default_factory=dict)  # experience item -> `_chronology` key
    _memo: dict[tuple[object, ...], object] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, profile: Profile, today: date | None = None, postings: Iterable[str] = ()) -> Index:
        """Read the profile once. `postings` are the texts of all its jobs' postings: a term
        most of them name is discounted in each (see `cvsite.terms.PostingStats`)."""
        tags = [tag for section in SECTIONS for item in profile.section(section) for tag in _all_tags(item)]
        vocab = Vocabulary.build(profile.aliases, profile.skill_names(), tags)
        year = (today or _reference_date(profile)).year
        key = cache(vocab.key)  # tags repeat across items; the vocabulary is immutable
        items = [
            _index_item(vocab, key, section, position, item, year)
            for section in SECTIONS
            for position, item in enumerate(profile.section(section))
        ]
        index = cls(profile, vocab, items, PostingStats.of(postings, vocab))
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        excludable: dict[str, list[int]] = defaultdict(list)
        highlight_tagged: dict[str, list[int]] = defaultdict(list)
        sections: dict[str, list[int]] = defaultdict(list)
        tag_holders: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        found_groups: dict[str, dict[float, list[int]]] = defaultdict(dict)
        for number, entry in enumerate(items):
            sections[entry.section].append(number)
            for key, weight in entry.terms.items():
                postings[key].append((number, weight))
                tag_holders[key][key not in entry.tag_keys].append(number)  # [0]: as a tag, [1]: in text
                found_groups[key].setdefault(weight, []).append(number)
            for key, (weight, _) in entry.related.items():
                found_groups[key].setdefault(weight, []).append(number)
            # A skill is excluded by its own name as well as its tags: `exclude: [react]`.
            for key in entry.terms if SECTION[entry.section].vocabulary else entry.tag_keys:
                excludable[key].append(number)
            for key in set().union(*entry.highlight_tags):
                highlight_tagged[key].append(number)
            if SECTION[entry.section].chronological:
                index.chronology[number] = _chronology(entry.item)
        index.postings, index.excludable = dict(postings), dict(excludable)
        index.highlight_tagged, index.sections = dict(highlight_tagged), dict(sections)
        index.tag_holders = dict(tag_holders)
        index.found_groups = {key: list(groups.items()) for key, groups in found_groups.items()}
        return index

    def copy_with(self, number: int, order: tuple[int, ...]) -> Item:
        """The item showing only the bullets at `order`, in that order; one copy per distinct order."""
        def make() -> Item:
            item = self.items[number].item
            source = item.highlights  # type: ignore[attr-defined]
            return item.model_copy(update={"highlights": [source[i] for i in order]})

        return self.memo(("copy", number, order), make)

    def memo(self, key: tuple[object, ...], make: Callable[[], _T]) -> _T:
        """`make()`, once per key for the life of this index."""
        try:
            return self._memo[key]  # type: ignore[return-value]
        except KeyError:
            value = self._memo[key] = make()
            return value


def _all_tags(item: Item) -> list[str]:
    """The item's own tags and its bullets' tags: the user's words for what it is about."""
    return [*item.tags, *(tag for h in field_value(item, "highlights") or [] for tag in h.tags)]  # type: ignore[attr-defined]


def related_terms(vocab: Vocabulary, terms: Mapping[str, float]) -> dict[str, tuple[float, str]]:
    """Terms the item does not name that one it names partly stands for (concepts.yaml
    `related`): key -> (its weight, the item's term it comes through). The best source
    wins; ties go to the first key in sorted order, so the result never depends on order."""
    found: dict[str, tuple[float, str]] = {}
    for source in sorted(terms):
        for key, credit in vocab.related(source):
            if key in terms:
                continue
            weight = round(terms[source] * credit, DIGITS)
            if weight > found.get(key, (0.0, ""))[0]:
                found[key] = (weight, source)
    return found


def _reference_date(profile: Profile) -> date:
    """Recency is measured from the newest date in the profile, not the clock,
    so the same profile tailors the same way on any day."""
    newest = 1970
    for section in SECTIONS:
        for item in profile.section(section):
            for name in ("start", "end", "date"):
                value = field_value(item, name)
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
    declared = SECTION[section]
    add(vocab.find(searched_text(item, declared.title)), FIELD_WEIGHT["title"])
    add(vocab.find(searched_text(item, declared.text)), FIELD_WEIGHT["text"])
    base = dict(terms)
    highlight_terms, highlight_tags, bullets = [], [], []
    for highlight in field_value(item, "highlights") or []:  # type: ignore[attr-defined]
        tags = [key(tag) for tag in highlight.tags]
        found = tuple(dict.fromkeys([*vocab.find(highlight.text), *tags]))
        highlight_terms.append(found)
        highlight_tags.append(frozenset(tags))
        bullets.append(RankedHighlight(highlight.text, highlight.tags, 0.0))
        add(found, FIELD_WEIGHT["highlights"])
    prior = math.floor(_prior(item, year, declared.chronological) * 10**DIGITS) / 10**DIGITS
    return IndexedItem(section, position, item, terms, base, frozenset(tag_keys), highlight_terms,
                       highlight_tags, prior, related_terms(vocab, terms),
                       frozenset().union(*highlight_terms), bullets)


def searched_text(item: Item, names: tuple[str, ...]) -> str:
    """The item's fields `names` (a section's `title` or `text` in `SECTION_TYPES`), one
    value per line so that terms never join across fields."""
    values: list[str] = []
    for name in names:
        value = field_value(item, name)
        values += value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return "\n".join(values)


def _prior(item: Item, year: int, timeline: bool) -> float:
    prior = FEATURED_PRIOR if isinstance(item, Project) and item.featured else 0.0
    latest = _latest_year(item, year, timeline)
    if latest is not None:
        age = max(0, year - latest)
        prior += RECENCY_PRIOR * max(0.0, 1 - age / RECENCY_YEARS)
    return prior


def _latest_year(item: Item, year: int, timeline: bool) -> int | None:
    end = field_value(item, "end")
    if end == "present" or (end is None and timeline):  # no end on a timeline: a current role
        return year
    for value in (end, field_value(item, "date"), field_value(item, "start")):
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
    ignored: list[IgnoredTerm] = field(default_factory=list)  # named by the posting, not asked for

    @classmethod
    def of(cls, job: Job, posting_text: str, vocab: Vocabulary,
           stats: PostingStats | None = None) -> JobTerms:
        """The job's tag weights and exclusions, and its posting read with the job's role as
        its title line and its company's sentences as context."""
        tags: dict[str, float] = {}
        for tag, weight in job.tags.items():
            key = vocab.key(tag)
            tags[key] = tags.get(key, 0.0) + weight
        as_written = {vocab.key(tag): tag for tag in reversed(job.exclude)}
        reading = read_posting(posting_text, vocab, title=job.role, company=job.company, stats=stats)
        return cls(tags, reading.terms, frozenset(as_written), as_written, reading.ignored)

    @property
    def reading(self) -> PostingReading:
        return PostingReading(self.posting, self.ignored)


def tailor_all(workspace: Workspace, slugs: list[str] | None = None) -> dict[str | None, TailoredCV]:
    """The general CV (key None) and one tailored CV per job, sharing one index."""
    index = Index.build(workspace.profile, postings=workspace.postings.values())
    chosen = slugs if slugs is not None else list(workspace.jobs)
    result: dict[str | None, TailoredCV] = {None: tailor_with(index, None, None, "")}
    for slug in chosen:
        result[slug] = tailor_with(index, slug, workspace.jobs[slug], workspace.postings.get(slug, ""))
    return result


def tailor(workspace: Workspace, slug: str | None) -> TailoredCV:
    """The CV for one job (or the general CV when `slug` is None)."""
    index = Index.build(workspace.profile, postings=workspace.postings.values())
    if slug is None:
        return tailor_with(index, None, None, "")
    return tailor_with(index, slug, workspace.jobs[slug], workspace.postings.get(slug, ""))


def tailor_with(index: Index, slug: str | None, job: Job | None, posting: str) -> TailoredCV:
    """The CV for one job from a prebuilt index; `job=None` gives the general CV in profile order."""
    profile = index.profile
    person = _person(profile, job)
    if job is None:
        sections = [_general_section(index, name) for name in SECTIONS]
        ordered = order_sections([s for s in sections if s.items], None, profile)
        return _cv(profile, slug, None, person, ordered, [], [], None)
    scoring = _Scoring.of(index, JobTerms.of(job, posting, index.vocab, index.stats), job)
    excluded = [scoring.excluded_item(number) for number in sorted(scoring.excluded)]
    mentioned = scoring.mentioned()
    for name in SECTIONS:
        if scoring.shows_any(name, mentioned[name]):
            scoring.shown[name] = TailoredSection.deferred(name, scoring.section_score(mentioned[name]),
                                                           scoring.settle)
    ordered = order_sections(list(scoring.shown.values()), job, profile)
    matched_skills = [skill for name in SECTIONS if SECTION[name].vocabulary
                      for skill in scoring.matched_skills(name, mentioned[name])]
    coverage = Coverage(partial(_coverage, scoring, ordered, person), recognised=len(scoring.wants.posting))
    return _cv(profile, slug, job, person, ordered, excluded, matched_skills, coverage, scoring.wants.reading)


def _cv(profile: Profile, slug: str | None, job: Job | None, person: Person, sections: list[TailoredSection],
        excluded: list[RankedItem], matched_skills: list[str], coverage: Coverage | None,
        reading: PostingReading | None = None) -> TailoredCV:
    return TailoredCV(
        slug=slug,
        person=person,
        job=job.public() if job else None,
        sections=sections,
        excluded=excluded,
        matched_skills=matched_skills,
        coverage=coverage,
        theme=(job.theme if job and job.theme else profile.theme),
        language=(job.language if job and job.language else profile.language),
        paper=(job.pdf.paper if job and job.pdf.paper else profile.pdf.paper) or "a4",
        max_pages=(job.pdf.max_pages if job and job.pdf.max_pages else profile.pdf.max_pages),
        listed=job.listed if job else True,
        reading=reading,
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
    """One job's view of the index: item matches, exclusions and the prior scale.

    Scores are summed in integer units of the last rounded digit (`_units`): every
    reason weight is rounded to DIGITS places, so the rounded float sum of the
    reasons is exactly `units / UNIT`, and no float is rounded per item. The `Reason`
    objects themselves are made only when read.
    """

    index: Index
    job: Job
    wants: JobTerms
    totals: dict[int, int]  # item -> net match, in units
    excluded: dict[int, str]  # item -> the excluding tag key
    hidden: dict[int, set[int]]  # item -> positions of its excluded bullets
    hidden_reasons: dict[int, list[Reason]]  # items scored without their excluded bullets
    prior_scale: float
    special: set[int]  # items that need the full treatment; the rest are unmatched
    bullet_reasons: dict[str, list[Reason]]
    bullet_weights: dict[str, int]  # term -> what it adds to a bullet, in units
    priors: dict[float, Reason | None] = field(default_factory=dict)  # item prior -> its reason for this job
    prior_units: dict[float, int] = field(default_factory=dict)  # item prior -> its weight in units
    ranked: dict[int, RankedItem] = field(default_factory=dict)  # this job's own (mentioned) items
    shown: dict[str, TailoredSection] = field(default_factory=dict)  # the sections with items, deferred
    settled: bool = False  # whether `shown` holds its ranked items

    @classmethod
    def of(cls, index: Index, wants: JobTerms, job: Job) -> _Scoring:
        excluded: dict[int, str] = {}
        hidden: dict[int, set[int]] = defaultdict(set)
        for key in sorted(wants.excluded):
            for number in index.excludable.get(key, ()):
                excluded.setdefault(number, key)
            for number in index.highlight_tagged.get(key, ()):
                tags = index.items[number].highlight_tags
                hidden[number].update(i for i, found in enumerate(tags) if key in found)
        totals = _totals(index, wants)
        hidden_reasons = {}
        for number, positions in hidden.items():
            # An excluded bullet is gone: its terms must not lift the item either.
            entry = index.items[number]
            terms = dict(entry.base_terms)
            for i, found in enumerate(entry.highlight_terms):
                if i not in positions:
                    for key in found:
                        terms[key] = max(terms.get(key, 0.0), FIELD_WEIGHT["highlights"])
            hidden_reasons[number] = _item_reasons(index.vocab, terms, entry.tag_keys, wants,
                                                   related=related_terms(index.vocab, terms))
            totals[number] = sum(_units(r.weight) for r in hidden_reasons[number])
        for number in excluded:
            totals.pop(number, None)
        table = _highlight_reasons(index.vocab, wants)
        weights = {key: sum(_units(r.weight) for r in reasons) for key, reasons in table.items()}
        return cls(index, job, wants, totals, excluded, dict(hidden), hidden_reasons,
                   _prior_scale(totals.values()), set(totals) | set(excluded), table, weights)

    @property
    def cap(self) -> int | None:
        return self.job.limit.get("highlights")

    def prior_of(self, entry: IndexedItem) -> Reason | None:
        """The item's prior at this job's scale; one `Reason` per distinct value, shared."""
        try:
            return self.priors[entry.prior]
        except KeyError:
            prior = entry.prior
            if self.prior_scale != 1.0:
                prior = math.floor(prior * self.prior_scale * UNIT) / UNIT
            reason = self.index.memo(("prior", prior), lambda: Reason("prior", "featured/recency", prior))
            self.priors[entry.prior] = reason if prior else None
            self.prior_units[entry.prior] = round(prior * UNIT)
            return self.priors[entry.prior]

    def mentioned(self) -> dict[str, list[int]]:
        """Per section, the items this job mentions and does not exclude (the keys of `totals`),
        in profile order. Each section's items are numbered consecutively, so this is slicing."""
        numbers = sorted(self.totals)
        found: dict[str, list[int]] = {}
        for name in SECTIONS:
            run = self.index.sections.get(name)
            if run:
                found[name] = numbers[bisect_left(numbers, run[0]):bisect_left(numbers, run[-1] + 1)]
            else:
                found[name] = []
        return found

    def shows_any(self, name: str, mentioned: list[int]) -> bool:
        """Whether `section` would keep any item, without ranking one: with a limit, only
        items with a positive match compete; without, every item not excluded shows."""
        limit = self.job.limit.get(name)
        if limit is None:
            return any(number not in self.excluded for number in self.index.sections.get(name, ()))
        values = sorted(map(self.totals.__getitem__, mentioned))
        relevant = len(values) - bisect_right(values, 0)
        return len(range(relevant)[:limit]) > 0

    def section_score(self, mentioned: list[int]) -> float:
        """The section's relevance, as `section` works it out: the sum of its best few matches."""
        top = sorted(map(self.totals.__getitem__, mentioned), reverse=True)[:SECTION_TOP]
        return round(sum([units / UNIT for units in top if units > 0]), DIGITS)

    def matched_skills(self, name: str, mentioned: list[int]) -> list[str]:
        """The skills shown with a positive match, in profile order: those the section's limit keeps."""
        items, totals, limit = self.index.items, self.totals, self.job.limit.get(name)
        relevant = [number for number in mentioned if totals[number] > 0]
        if limit is not None:
            for number in relevant:
                self.prior_of(items[number])
            units_of = self.prior_units
            by_score = sorted(relevant, key=lambda n: (totals[n] + units_of[items[n].prior]) / UNIT,
                              reverse=True)  # stable: ties keep profile order, as `section` does
            kept = set(by_score[:limit])
            relevant = [number for number in relevant if number in kept]
        return [items[number].item.label() for number in relevant]

    def settle(self) -> None:
        """Rank this job's items and give the shown sections their lists (once)."""
        if self.settled:
            return
        self.settled = True
        matched = self.rank_all()
        for name in SECTIONS:
            made = self.section(name, matched[name])
            if name in self.shown:
                self.shown[name].items, self.shown[name].omitted = made.items, made.omitted

    def rank_all(self) -> dict[str, list[RankedItem]]:
        """Every item this job mentions and does not exclude, scored, per section in profile order.

        The hot loop of tailoring (it runs for every mentioned item of every job),
        so reasons and bullets are deferred to first use and locals are hoisted.
        """
        items, totals, excluded, hidden = self.index.items, self.totals, self.excluded, self.hidden
        scored, reasons, bullets = RankedItem.scored, self._reasons_of, self._settle_bullets
        cap, weighted, units_of = self.cap, self.bullet_weights.keys(), self.prior_units
        matched: dict[str, list[RankedItem]] = {name: [] for name in SECTIONS}
        mine = self.ranked
        for number in sorted(self.special):  # profile order
            entry = items[number]
            if number in excluded:
                continue
            units = totals[number]
            if entry.prior not in units_of:
                self.prior_of(entry)
            # score = round(match + prior, DIGITS), exactly: both are whole units
            ranked = scored(entry.section, entry.item, (units + units_of[entry.prior]) / UNIT, number,
                            units / UNIT, reasons)
            if entry.bullets:
                if number in hidden or not weighted.isdisjoint(entry.bullet_keys) or \
                        (cap is not None and len(entry.bullets) > cap):
                    ranked.defer_bullets(bullets)
                else:
                    ranked.highlights = entry.bullets
            matched[entry.section].append(ranked)
            mine[number] = ranked
        return matched

    def _reasons_of(self, ranked: RankedItem) -> list[Reason]:
        """Why a mentioned item scores what it does: the same gains `_totals` added, then its prior."""
        entry = self.index.items[ranked.number]  # type: ignore[index]
        prior = self.prior_of(entry)
        if ranked.number in self.hidden_reasons:
            return self.hidden_reasons[ranked.number] + ([prior] if prior else [])  # type: ignore[index]
        return _item_reasons(self.index.vocab, entry.terms, entry.tag_keys, self.wants, prior, entry.related)

    def kept_bullets(self, number: int) -> tuple[int, ...] | None:
        """The positions of the bullets `_rank_highlights` keeps, without making them; None: all."""
        entry, hidden, cap = self.index.items[number], self.hidden.get(number, ()), self.cap
        if not hidden and (cap is None or len(entry.bullets) <= cap):
            return None
        weights = self.bullet_weights
        ranked = sorted((-sum([weights.get(key, 0) for key in terms]), position)
                        for position, terms in enumerate(entry.highlight_terms) if position not in hidden)
        return tuple(position for _, position in ranked[:cap])

    def _settle_bullets(self, ranked: RankedItem) -> None:
        entry = self.index.items[ranked.number]  # type: ignore[index]
        if ranked.number in self.hidden or not self.bullet_weights.keys().isdisjoint(entry.bullet_keys):
            self._rank_highlights(ranked, entry)
        else:
            self._cut_unscored(ranked, entry, self.cap)  # type: ignore[arg-type]

    def excluded_item(self, number: int) -> RankedItem:
        """An item this job excludes, with the tag that excluded it."""
        entry = self.index.items[number]
        prior = self.prior_of(entry)
        why = Reason("excluded", f"tag '{self.wants.as_written[self.excluded[number]]}'")
        ranked = RankedItem(entry.section, entry.item, prior.weight if prior else 0.0,
                            [prior] if prior else [], [], included=False, why_left_out=why)
        ranked.number = number
        return ranked

    def unmatched(self, number: int, limited: bool) -> RankedItem:
        """An item this job does not mention; the same object serves every job with the
        same prior, highlight limit and section limit, since nothing in it is job-specific."""
        entry = self.index.items[number]
        prior = self.prior_of(entry)
        cap = self.cap if self.cap is not None and len(entry.bullets) > self.cap else None

        def make() -> RankedItem:
            ranked = RankedItem(entry.section, entry.item, prior.weight if prior else 0.0,
                                [prior] if prior else [])
            ranked.number = number
            if cap is not None:
                self._cut_unscored(ranked, entry, cap)
            else:
                ranked.highlights = entry.bullets
            if limited:
                ranked.included, ranked.why_left_out = False, NO_MATCH
            return ranked

        return self.index.memo(("unmatched", number, prior, cap, limited), make)

    def _cut_unscored(self, ranked: RankedItem, entry: IndexedItem, cap: int) -> None:
        """Unscored bullets keep the profile order; the `highlights` limit cuts the last ones
        (made once per index: they are the same for every job)."""
        def dropped() -> list[RankedHighlight]:
            limit = [Reason("limit", f"highlights limit {cap}")]
            return [RankedHighlight(b.text, b.tags, 0.0, limit) for b in entry.bullets[cap:]]

        ranked.highlights = entry.bullets[:cap]
        ranked.dropped_highlights = self.index.memo(("cut", ranked.number, cap), dropped)
        self._keep(ranked, entry, tuple(range(cap)))

    def _keep(self, ranked: RankedItem, entry: IndexedItem, order: tuple[int, ...]) -> None:
        """Give the item exactly the bullets it shows (a copy, made when read, if they differ)."""
        if order != tuple(range(len(entry.bullets))):
            ranked.kept = order
            ranked.defer_item(partial(self.index.copy_with, ranked.number, order))

    def _rank_highlights(self, ranked: RankedItem, entry: IndexedItem) -> None:
        """Order the bullets by relevance, drop excluded ones and cut to the `highlights` limit."""
        cap, hidden = self.cap, self.hidden.get(ranked.number or 0)
        scored = self.bullet_weights.keys()
        kept: list[tuple[int, RankedHighlight]] = []
        dropped: list[RankedHighlight] = []
        for position, terms in enumerate(entry.highlight_terms):
            if hidden and position in hidden:
                hit = entry.highlight_tags[position] & self.wants.excluded
                tags = "', '".join(sorted(self.wants.as_written[key] for key in hit))
                dropped.append(self._bullet(entry, position, [Reason("excluded", f"tag '{tags}'")]))
            elif scored.isdisjoint(terms):
                kept.append((position, entry.bullets[position]))
            else:
                kept.append((position, self._bullet(entry, position)))
        kept.sort(key=lambda pair: -pair[1].score)  # stable: ties keep the profile order
        if cap is not None and len(kept) > cap:
            limit = [Reason("limit", f"highlights limit {cap}")]
            dropped[:0] = [self._bullet(entry, position, limit) for position, _ in kept[cap:]]
            kept = kept[:cap]
        ranked.highlights = [bullet for _, bullet in kept]
        ranked.dropped_highlights = dropped
        self._keep(ranked, entry, tuple(position for position, _ in kept))

    def _bullet(self, entry: IndexedItem, position: int, extra: list[Reason] | None = None,
                ) -> RankedHighlight:
        """One bullet scored for this job: tag and posting weights at full strength."""
        terms, weights = entry.highlight_terms[position], self.bullet_weights
        source = entry.bullets[position]
        bullet = RankedHighlight(source.text, source.tags, sum([weights.get(key, 0) for key in terms]) / UNIT)
        bullet.defer(partial(_bullet_reasons, terms, self.bullet_reasons, extra or []))
        return bullet

    def section(self, name: str, matched: list[RankedItem]) -> TailoredSection:
        """Order one section by score (ties keep profile order) and apply its limit.

        Unmatched items come pre-ordered from the index; only the mentioned ones are
        sorted here. With a limit, only items with a positive net match compete for
        the places. Experience is then shown reverse-chronologically, as recruiters expect.
        """
        matched.sort(key=_SCORE, reverse=True)  # stable: ties keep profile order
        limit = self.job.limit.get(name)
        plain = self._unmatched_run(name, limit is not None)
        split = _split(matched, plain)
        if split is None:
            ordered = sorted(matched + plain, key=lambda ranked: (-ranked.score, ranked.number))
            above = below = ordered
        else:
            above, below = matched[:split], matched[split:]
            ordered = above + plain + below
        kept, omitted = ordered, []
        if limit is not None:
            relevant = [ranked for ranked in matched if ranked.match > 0]
            kept, omitted = relevant[:limit], relevant[limit:]
            why = Reason("limit", f"{name} limit {limit}")
            for ranked in omitted:
                ranked.included, ranked.why_left_out = False, why
            for ranked in matched:
                if ranked.match <= 0:
                    ranked.included = False
                    ranked.why_left_out = NO_MATCH if ranked.match == 0 else NEGATIVE
            if split is None:
                omitted += [ranked for ranked in ordered if ranked.match <= 0]
            else:
                omitted += [r for r in above if r.match <= 0] + plain + [r for r in below if r.match <= 0]
        if SECTION[name].chronological:
            chronology = self.index.chronology
            kept.sort(key=lambda ranked: chronology[ranked.number], reverse=True)  # type: ignore[index]
        self._number(kept, None if limit is not None or SECTION[name].chronological else split, len(plain))
        best = sorted((ranked.match for ranked in matched if ranked.match > 0), reverse=True)[:SECTION_TOP]
        return TailoredSection(name, kept, omitted, round(sum(best), DIGITS))

    def _number(self, kept: list[RankedItem], split: int | None, unmatched: int) -> None:
        """Note each mentioned item's place in the section (coverage reports places in CV order).
        Only this job's own items are touched: unmatched ones are shared between jobs."""
        if split is None:
            special = self.special
            for position, ranked in enumerate(kept):
                if ranked.number in special:
                    ranked.position = position
            return
        for position, ranked in enumerate(kept[:split]):
            ranked.position = position
        for position, ranked in enumerate(kept[split + unmatched:], split + unmatched):
            ranked.position = position

    def _unmatched_run(self, name: str, limited: bool) -> list[RankedItem]:
        """The section's unmatched items in order (score, then profile order), without this job's
        matched and excluded ones; the full run is made once per prior scale and limits."""
        def make() -> list[tuple[int, RankedItem]]:
            run = [(number, self.unmatched(number, limited)) for number in self.index.sections.get(name, ())]
            return sorted(run, key=lambda pair: (-pair[1].score, pair[0]))

        run = self.index.memo(("run", name, self.prior_scale, self.cap, limited), make)
        special = self.special
        return [ranked for number, ranked in run if number not in special]


NO_MATCH = Reason("irrelevant", "no term of this job matches")
NEGATIVE = Reason("irrelevant", "this job's weights add up to less than zero")


_SCORE = attrgetter("score")


def _split(matched: list[RankedItem], plain: list[RankedItem]) -> int | None:
    """Both lists ordered by score, then profile order: how many matched items go before the
    unmatched ones, the rest going after; None if some belong among them.

    Usually every matched item scores above or below every unmatched one (priors are
    scaled below any real match), so the lists just join.
    """
    if not plain:
        return len(matched)
    top, bottom = plain[0].score, plain[-1].score
    above = next((i for i, ranked in enumerate(matched) if ranked.score <= top), len(matched))
    below = next((i for i in range(len(matched), above, -1) if matched[i - 1].score >= bottom), above)
    return above if above == below else None


def _units(weight: float) -> int:
    """A weight rounded to DIGITS places, as a whole number of units of the last place."""
    return round(round(weight, DIGITS) * UNIT)


def _totals(index: Index, wants: JobTerms) -> dict[int, int]:
    """Walk the job's terms through the inverted index: cost grows with the job, not the profile.

    Each item's total is the sum of the gains `_item_reasons` lists for it, in units.
    """
    totals: dict[int, int] = {}
    get = totals.get
    for key, weight in wants.tags.items():
        tagged, in_text = index.tag_holders.get(key, ((), ()))
        gains = _units(weight), _units(weight * TEXT_TAG_FACTOR)
        for numbers, gain in zip((tagged, in_text), gains, strict=True):
            if gain:
                for number in numbers:
                    totals[number] = get(number, 0) + gain
    for term in wants.posting:
        for found, numbers in index.found_groups.get(term.term, ()):
            gain = _units(term.weight * found)
            if gain:
                for number in numbers:
                    totals[number] = get(number, 0) + gain
    return totals


def _item_reasons(vocab: Vocabulary, terms: Mapping[str, float], tag_keys: frozenset[str],
                  wants: JobTerms, prior: Reason | None = None,
                  related: Mapping[str, tuple[float, str]] | None = None) -> list[Reason]:
    """Why an item matches: the gain of each job tag and posting term it has (directly, or
    partly through a related term: `related`), then its prior."""
    related = related or {}
    reasons = []
    for key, weight in wants.tags.items():
        if key in terms:
            gain = round(weight * (1.0 if key in tag_keys else TEXT_TAG_FACTOR), DIGITS)
            if gain:
                reasons.append(Reason("tag", vocab.display(key), gain))
    for term in wants.posting:
        if term.term in terms:
            gain, note = round(term.weight * terms[term.term], DIGITS), posting_note(term)
        elif term.term in related:
            found, source = related[term.term]
            gain = round(term.weight * found, DIGITS)
            note = posting_note(term, f"partial: through {vocab.display(source)}")
        else:
            continue
        if gain:
            reasons.append(Reason("posting", term.display, gain, note))
    if prior:
        reasons.append(prior)
    return reasons


def _bullet_reasons(terms: tuple[str, ...], table: Mapping[str, list[Reason]], extra: list[Reason],
                    _bullet: RankedHighlight) -> list[Reason]:
    return [*(r for key in terms for r in table.get(key, ())), *extra]


def _highlight_reasons(vocab: Vocabulary, wants: JobTerms) -> dict[str, list[Reason]]:
    """Per term, what finding it in a bullet is worth: tag and posting weights at full strength."""
    table: dict[str, list[Reason]] = defaultdict(list)
    for key, weight in wants.tags.items():
        if round(weight, DIGITS):
            table[key].append(Reason("tag", vocab.display(key), round(weight, DIGITS)))
    for term in wants.posting:
        if round(term.weight, DIGITS):
            table[term.term].append(Reason("posting", term.display, round(term.weight, DIGITS),
                                           posting_note(term)))
    return dict(table)


def posting_note(term: PostingTerm, *more: str) -> str:
    """What shaped a posting term's weight, for `Reason.note`: "job title; common in postings x0.5"."""
    return "; ".join([*more, *term.notes])


def _prior_scale(totals: Iterable[int]) -> float:
    """Shrink priors below half the smallest real match of this job, so a featured or
    recent item with no match never outranks one with the weakest match (or rises
    above a negative one)."""
    smallest = min(map(abs, filter(None, totals)), default=None)
    return 1.0 if smallest is None else min(1.0, smallest / UNIT / (2 * MAX_PRIOR))


def _chronology(item: Item) -> _When:
    """Reverse-chronological key: current roles first, then by end and start date."""
    end = field_value(item, "end")
    start = field_value(item, "start")
    current = 1 if end == "present" or end is None else 0
    end_key = (end.year, end.month, end.day) if isinstance(end, PartialDate) else (9999, 0, 0)
    start_key = (start.year, start.month, start.day) if isinstance(start, PartialDate) else (0, 0, 0)
    return current, end_key, start_key


def order_sections(sections: list[TailoredSection], job: Job | None,
                   profile: Profile) -> list[TailoredSection]:
    """Pinned sections first in the job's order, the rest in the conventional order (experience
    first, as a recruiter reads), or by relevance when the job or profile asks (ties: the
    conventional order). The general CV always reads conventionally."""
    by_name = {s.name: s for s in sections}
    default = [by_name[n] for n in SECTIONS if n in by_name]
    if job is None:
        return default
    pinned = [by_name[n] for n in (job.sections or []) if n in by_name]
    names = {s.name for s in pinned}  # by name: comparing sections would read their items
    rest = [s for s in default if s.name not in names]
    if (job.section_order or profile.section_order) == "relevance":
        rest.sort(key=lambda s: -s.score)
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


def _coverage(scoring: _Scoring, sections: list[TailoredSection], person: Person) -> CoverageGroups:
    """Which posting terms this CV shows (and where), which the profile has but this
    CV leaves out, and which the profile never mentions: what a keyword screen would miss.

    Only what is rendered counts as shown: the header and the included items, of
    experience and projects only the bullets kept for this job. The walk is posting
    terms x the items holding them, in CV order, and stops at the five places reported.
    """
    scoring.settle()
    index = scoring.index
    header = index.vocab.find("\n".join(filter(None, [person.headline, person.pitch, person.summary])))
    at = {section.name: s for s, section in enumerate(sections)}
    matched, unused, missing = [], [], []
    for term in scoring.wants.posting:
        holders = index.postings.get(term.term, ())
        where = ["summary"] if term.term in header else []
        for *_, ranked in _in_cv_order(scoring, sections, at, holders):
            if len(where) == 5:
                break
            entry = index.items[ranked.number]  # type: ignore[index]
            if _shows(scoring, entry, ranked, term.term):
                where.append(_place(entry))
        if where:
            matched.append(CoverageTerm(term.term, term.display, term.weight, tuple(where)))
        elif holders:
            unused.append(CoverageTerm(term.term, term.display, term.weight,
                                       tuple(_place(index.items[n]) for n, _ in holders[:5])))
        else:
            missing.append(CoverageTerm(term.term, term.display, term.weight))
    return matched, unused, missing


def _in_cv_order(scoring: _Scoring, sections: list[TailoredSection], at: Mapping[str, int],
                 holders: Iterable[tuple[int, float]]) -> list[tuple[int, int, RankedItem]]:
    """The holders the CV includes, as (section position, item position, ranked item), in CV
    order; `at` gives each section's position."""
    mine, excluded = scoring.ranked, scoring.excluded
    spots = []
    for number, _ in holders:
        ranked = mine.get(number)
        if ranked is not None:  # this job's own item: its place was noted
            if ranked.included:
                spots.append((at[ranked.section], ranked.position, ranked))
        elif number not in excluded:  # a term whose gain rounds to nothing: search the section
            name = scoring.index.items[number].section
            items = sections[at[name]].items if name in at else []
            spots += [(at[name], i, r) for i, r in enumerate(items) if r.number == number]
    spots.sort(key=_CV_ORDER)
    return spots  # type: ignore[return-value]


_CV_ORDER = itemgetter(0, 1)


def _shows(scoring: _Scoring, entry: IndexedItem, ranked: RankedItem, term: str) -> bool:
    """Whether an included item shows the term: in its own text, or in a bullet it keeps."""
    if term in entry.base_terms:
        return True
    if term not in entry.terms:
        return False
    kept = ranked.kept if ranked.settled else scoring.kept_bullets(ranked.number)  # type: ignore[arg-type]
    bullets = range(len(entry.highlight_terms)) if kept is None else kept
    return any(term in entry.highlight_terms[b] for b in bullets)


def _place(entry: IndexedItem) -> str:
    return f"{entry.section}:{entry.item.id}"
