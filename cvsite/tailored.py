"""The tailored CV: what the tailoring stage hands to every renderer.

Renderers (HTML, PDF, JSON Resume export) consume only this structure and
never re-rank. It deliberately holds no reference to the whole profile: an
item excluded for a job is simply not in it, so no template can leak it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cvsite.model import Contact, Item, Job

ReasonKind = Literal["tag", "posting", "prior", "excluded", "limit", "irrelevant", "pdf-fit"]


@dataclass(frozen=True)
class Reason:
    """One contribution to a score, or why an item was left out."""

    kind: ReasonKind
    term: str
    weight: float = 0.0

    def __str__(self) -> str:
        if self.kind in ("tag", "posting", "prior"):
            return f"{self.kind} '{self.term}' {self.weight:+.2f}"
        return f"{self.kind}: {self.term}"


@dataclass
class RankedHighlight:
    text: str
    tags: list[str]
    score: float
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class RankedItem:
    """A profile item with its relevance for one job.

    `item` is a copy of the profile item whose `highlights` (experience) are
    already filtered and ordered; `highlights` carries their scores.
    """

    section: str
    item: Item
    score: float
    reasons: list[Reason] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    highlights: list[RankedHighlight] = field(default_factory=list)
    dropped_highlights: list[RankedHighlight] = field(default_factory=list)
    included: bool = True
    why_left_out: Reason | None = None

    @property
    def id(self) -> str:
        return self.item.id or ""

    @property
    def title(self) -> str:
        return self.item.label()


@dataclass
class TailoredSection:
    name: str
    items: list[RankedItem]
    omitted: list[RankedItem] = field(default_factory=list)
    score: float = 0.0


@dataclass(frozen=True)
class CoverageTerm:
    term: str
    display: str
    weight: float
    where: tuple[str, ...] = ()


@dataclass
class Coverage:
    """How well this job's selection covers the posting's key terms."""

    matched: list[CoverageTerm]
    unused: list[CoverageTerm]
    missing: list[CoverageTerm]
    recognised: int

    @property
    def ratio(self) -> float:
        total = sum(t.weight for t in (*self.matched, *self.unused, *self.missing))
        return round(sum(t.weight for t in self.matched) / total, 3) if total else 0.0

    @property
    def low_confidence(self) -> bool:
        """Too few recognised terms to judge: say so rather than claim 'no gaps'."""
        return self.recognised < 5


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

    @property
    def is_general(self) -> bool:
        return self.job is None

    def section(self, name: str) -> TailoredSection | None:
        return next((s for s in self.sections if s.name == name), None)
