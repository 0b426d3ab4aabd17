"""The tailored CV: what the tailoring stage hands to every renderer.

Renderers (HTML, PDF, JSON Resume export) consume only this structure and
never re-rank. It deliberately holds no reference to the whole profile: an
item excluded for a job is simply not in it, so no template can leak it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from cvsite.model import Contact, Item, Job
from cvsite.terms import PostingReading

ReasonKind = Literal["tag", "posting", "prior", "excluded", "limit", "irrelevant", "pdf-fit"]


@dataclass(frozen=True)
class Reason:
    """One contribution to a score, or why an item was left out.

    `note` says what shaped a posting term's weight, for people: the job title, a
    context term, a partial match through a broader or related term, a discount
    for a term most postings name.
    """

    kind: ReasonKind
    term: str
    weight: float = 0.0
    note: str = ""

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        if self.kind in ("tag", "posting", "prior"):
            return f"{self.kind} '{self.term}' {self.weight:+.2f}{note}"
        return f"{self.kind}: {self.term}{note}"


class _Explained:
    """Something with a score and the reasons behind it.

    The reasons may be deferred: the tailoring stage scores thousands of items per
    job but only a few are ever explained, so it passes a builder, called with the
    object on first access to make the list (once). Either way `reasons` reads the same.
    """

    __slots__ = ()

    _lazy: Callable[[Any], list[Reason]] | None
    _reasons: list[Reason]

    @property
    def reasons(self) -> list[Reason]:
        if self._lazy is not None:
            self._reasons, self._lazy = self._lazy(self), None
        return self._reasons

    @reasons.setter
    def reasons(self, value: list[Reason]) -> None:
        self._reasons, self._lazy = value, None

    def defer(self, build: Callable[[Any], list[Reason]]) -> None:
        """Make `reasons` `build(self)`, computed when first read."""
        self._lazy = build


class RankedHighlight(_Explained):
    """One bullet of an item with its relevance for one job."""

    __slots__ = ("_lazy", "_reasons", "score", "tags", "text")

    def __init__(self, text: str, tags: list[str], score: float, reasons: list[Reason] | None = None) -> None:
        self.text = text
        self.tags = tags
        self.score = score
        self._reasons = [] if reasons is None else reasons
        self._lazy = None

    def _fields(self) -> tuple[object, ...]:
        return self.text, self.tags, self.score, self.reasons

    def __eq__(self, other: object) -> bool:
        return type(other) is RankedHighlight and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return f"RankedHighlight(text={self.text!r}, tags={self.tags!r}, score={self.score!r}, " \
               f"reasons={self.reasons!r})"


class RankedItem(_Explained):
    """A profile item with its relevance for one job.

    `item` is a copy of the profile item whose `highlights` (experience) are
    already filtered and ordered; `highlights` carries their scores.

    Read-only for consumers: items a job does not mention (and their bullet lists)
    are shared between the CVs tailored from one index, so a change to one would
    show in all; bullet lists may be tuples. `number`, `match`, `kept` and `position`
    are the tailoring stage's bookkeeping (index position, score without the prior,
    positions of the bullets shown, place in its section).

    Like `reasons`, the bullets may be deferred: the tailoring stage can pass a
    builder that sets `highlights`, `dropped_highlights`, `kept` and `item` when
    one of them is first read, and the `item` copy is itself made only when read.
    Defaults live on the class, so the tailoring stage's `scored` sets only six
    attributes for each of the thousands of items it ranks per job.
    """

    _lazy: Callable[[Any], list[Reason]] | None = None
    _reasons: list[Reason]  # set by __init__, or by `reasons` from the deferred builder
    _matched: list[str] | None = None
    _highlights: Sequence[RankedHighlight] = ()
    _dropped: Sequence[RankedHighlight] = ()
    _kept: tuple[int, ...] | None = None
    _shown: Callable[[RankedItem], None] | None = None
    _item_lazy: Callable[[], Item] | None = None
    included = True
    why_left_out: Reason | None = None
    number: int | None = None
    match = 0.0
    position: int | None = None

    def __init__(self, section: str, item: Item, score: float, reasons: list[Reason] | None = None,
                 matched: list[str] | None = None, highlights: list[RankedHighlight] | None = None,
                 dropped_highlights: list[RankedHighlight] | None = None, included: bool = True,
                 why_left_out: Reason | None = None) -> None:
        self.section = section
        self._item = item
        self.score = score
        self._reasons = [] if reasons is None else reasons
        self._matched = matched
        self._highlights = [] if highlights is None else highlights
        self._dropped = [] if dropped_highlights is None else dropped_highlights
        self.included = included
        self.why_left_out = why_left_out

    @classmethod
    def scored(cls, section: str, item: Item, score: float, number: int, match: float,
               reasons: Callable[[RankedItem], list[Reason]]) -> RankedItem:
        """The tailoring stage's fast constructor: reasons deferred, everything else at its default."""
        ranked = object.__new__(cls)
        ranked.section, ranked._item, ranked.score = section, item, score
        ranked.number, ranked.match, ranked._lazy = number, match, reasons
        return ranked

    def defer_bullets(self, build: Callable[[RankedItem], None]) -> None:
        """Call `build(self)` to set the bullets (and `kept`, `item`) when one is first read."""
        self._shown = build

    @property
    def settled(self) -> bool:
        """Whether the bullets are made (reading them makes them)."""
        return self._shown is None

    def _settle(self) -> None:
        if self._shown is not None:
            build, self._shown = self._shown, None
            build(self)

    @property
    def highlights(self) -> Sequence[RankedHighlight]:
        self._settle()
        return self._highlights

    @highlights.setter
    def highlights(self, value: Sequence[RankedHighlight]) -> None:
        self._settle()
        self._highlights = value

    @property
    def dropped_highlights(self) -> Sequence[RankedHighlight]:
        self._settle()
        return self._dropped

    @dropped_highlights.setter
    def dropped_highlights(self, value: Sequence[RankedHighlight]) -> None:
        self._settle()
        self._dropped = value

    @property
    def kept(self) -> tuple[int, ...] | None:
        """Positions in the profile item of the bullets shown, in order; None: all, as written."""
        self._settle()
        return self._kept

    @kept.setter
    def kept(self, value: tuple[int, ...] | None) -> None:
        self._settle()
        self._kept = value

    @property
    def matched(self) -> list[str]:
        """The terms that raised the score, sorted; derived from the reasons unless given."""
        if self._matched is None:
            self._matched = sorted({r.term for r in self.reasons if r.kind != "prior" and r.weight > 0})
        return self._matched

    @matched.setter
    def matched(self, value: list[str]) -> None:
        self._matched = value

    @property
    def item(self) -> Item:
        """The item as this CV shows it; a copy with its bullets cut and reordered is made on first read."""
        self._settle()
        if self._item_lazy is not None:
            self._item, self._item_lazy = self._item_lazy(), None
        return self._item

    @item.setter
    def item(self, value: Item) -> None:
        self._settle()
        self._item, self._item_lazy = value, None

    def defer_item(self, build: Callable[[], Item]) -> None:
        """Make `item` `build()` (the same id and title as now), computed when first read."""
        self._item_lazy = build

    @property
    def id(self) -> str:
        return self._item.id or ""

    @property
    def title(self) -> str:
        return self._item.label()

    def _fields(self) -> tuple[object, ...]:
        return (self.section, self.item, self.score, self.reasons, self.matched, list(self.highlights),
                list(self.dropped_highlights), self.included, self.why_left_out)

    def __eq__(self, other: object) -> bool:
        return type(other) is RankedItem and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"RankedItem(section={self.section!r}, id={self.id!r}, score={self.score!r}, "
                f"included={self.included!r}, reasons={self.reasons!r})")


class TailoredSection:
    """One section of the CV: the items shown, in order, and those left out.

    The tailoring stage may defer the lists: ordering a job needs only item numbers
    and scores, and a site build that renders one CV should not pay for ranked items
    of every job it tailors. `deferred` takes a builder that sets `items` and
    `omitted` (of this section and its siblings) when either is first read.
    """

    def __init__(self, name: str, items: list[RankedItem], omitted: list[RankedItem] | None = None,
                 score: float = 0.0) -> None:
        self.name = name
        self._items = items
        self._omitted = [] if omitted is None else omitted
        self.score = score
        self._build: Callable[[], None] | None = None

    @classmethod
    def deferred(cls, name: str, score: float, build: Callable[[], None]) -> TailoredSection:
        """A section whose lists `build()` sets (through the setters) on first read."""
        section = cls(name, [], [], score)
        section._build = build
        return section

    def _settle(self) -> None:
        if self._build is not None:
            build, self._build = self._build, None
            build()

    @property
    def items(self) -> list[RankedItem]:
        self._settle()
        return self._items

    @items.setter
    def items(self, value: list[RankedItem]) -> None:
        self._build, self._items = None, value

    @property
    def omitted(self) -> list[RankedItem]:
        self._settle()
        return self._omitted

    @omitted.setter
    def omitted(self, value: list[RankedItem]) -> None:
        self._build, self._omitted = None, value

    def __eq__(self, other: object) -> bool:
        if type(other) is not TailoredSection:
            return NotImplemented
        return (self.name, self.items, self.omitted, self.score) == \
            (other.name, other.items, other.omitted, other.score)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return (f"TailoredSection(name={self.name!r}, items={self.items!r}, omitted={self.omitted!r}, "
                f"score={self.score!r})")


@dataclass(frozen=True)
class CoverageTerm:
    term: str
    display: str
    weight: float
    where: tuple[str, ...] = ()


CoverageGroups = tuple[list[CoverageTerm], list[CoverageTerm], list[CoverageTerm]]


class Coverage:
    """How well this job's selection covers the posting's key terms: the terms it
    shows (`matched`), those the profile has but this CV leaves out (`unused`) and
    those the profile never mentions (`missing`).

    Worked out on first use: `explain`, `check` and `new-job` read it, the site
    build does not, and it costs as much as ranking the job.
    """

    def __init__(self, compute: Callable[[], CoverageGroups], recognised: int) -> None:
        self._compute = compute
        self.recognised = recognised

    @cached_property
    def _groups(self) -> CoverageGroups:
        return self._compute()

    @property
    def matched(self) -> list[CoverageTerm]:
        return self._groups[0]

    @property
    def unused(self) -> list[CoverageTerm]:
        return self._groups[1]

    @property
    def missing(self) -> list[CoverageTerm]:
        return self._groups[2]

    @property
    def ratio(self) -> float:
        total = sum(t.weight for t in (*self.matched, *self.unused, *self.missing))
        return round(sum(t.weight for t in self.matched) / total, 3) if total else 0.0

    @property
    def low_confidence(self) -> bool:
        """Too few recognised terms to judge: say so rather than claim 'no gaps'."""
        return self.recognised < 5

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Coverage):
            return NotImplemented
        return (self._groups, self.recognised) == (other._groups, other.recognised)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Coverage(matched={self.matched!r}, unused={self.unused!r}, missing={self.missing!r})"


@dataclass
class Person:
    """The header of the CV: everything about the person that is not a list item."""

    name: str
    headline: str
    pitch: str | None
    location: str | None
    summary: str | None
    contact: Contact


@dataclass
class TailoredCV:
    slug: str | None
    person: Person
    job: Job | None
    sections: list[TailoredSection]
    excluded: list[RankedItem]
    matched_skills: list[str]
    coverage: Coverage | None
    theme: str
    language: str
    paper: str
    max_pages: int | None
    listed: bool = True
    reading: PostingReading | None = None  # the posting's terms and the ones it names but does not ask for

    @property
    def is_general(self) -> bool:
        return self.job is None

    def section(self, name: str) -> TailoredSection | None:
        return next((s for s in self.sections if s.name == name), None)
