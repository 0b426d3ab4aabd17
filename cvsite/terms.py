"""Skill vocabulary, free-text term matching and job-posting term extraction.

Ranking a CV against a posting is only as good as the terms both sides are reduced
to. Keyword matching falls into well-known traps: substrings ("ml" in "html"),
punctuation in names (C++, Node.js), English words that are also skills (Go, React),
aliases and versions, and posting boilerplate ("experience", "team"). This module
owns all of that, so ranking code compares plain canonical keys.

Speed matters (thousands of profile items per run), so each Vocabulary compiles one
regex: a trie of every known surface form, factored by common prefixes so the engine
only follows branches that can still match, run over a lower-cased copy of the text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from itertools import accumulate
from operator import itemgetter
from typing import Any, NamedTuple

import yaml

from cvsite.weights import WEIGHTS

__all__ = [
    "IgnoredTerm",
    "PostingReading",
    "PostingStats",
    "PostingTerm",
    "Vocabulary",
    "extract_posting_terms",
    "read_posting",
]


# --- Normalisation ---------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s_/\-\u2010-\u2015]+")
_EDGE = " '\"()[]{}<>,;:!?*|`\u2022\u00b7"
_VERSION_TAIL = re.compile(r"(?P<base>.*?[a-z+#])(?P<space> ?)v?\d+(?:\.(?:\d+|x))*\+?")
_PLURAL_ES = re.compile(r"(?:ss|x|z|ch|sh)es$")
_MAX_FORM = 100  # longer "skill names" are prose; they stay keys but are not matched in text


def _norm(text: str) -> str:
    """Lower-case and unify separators, keeping the punctuation that names skills.

    "Machine-Learning", "machine_learning" and "machine learning" become one form,
    while "C++", "C#", ".NET" and "Node.js" keep the characters that tell them apart.
    """
    form = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())
    form = _SEPARATORS.sub(" ", form.replace("\u2019", "'"))
    return form.lstrip(_EDGE + "#").rstrip(_EDGE + ".")  # keep ".net" and "c#" whole


def _strip_version(form: str) -> str:
    """Drop a trailing version: "python 3.11" and "python3" both name Python.

    A version glued to a one-letter name is left alone: "r2" and "c4" are not R or C.
    """
    match = _VERSION_TAIL.fullmatch(form)
    if match is None or (not match["space"] and len(match["base"]) < 2):
        return form
    return match["base"]


def _number_variants(form: str) -> tuple[str, ...]:
    """Plural and singular spellings worth trying ("a/b tests" -> "a/b test")."""
    if len(form) < 3 or not form.rpartition(" ")[2].isalpha():
        return ()
    variants = [form + "s", form + "es"]
    if form.endswith("ies"):
        variants.append(form[:-3] + "y")
    if form.endswith("es") and len(form) >= 5:
        variants.append(form[:-2])
    if form.endswith("s") and len(form) >= 4:
        variants.append(form[:-1])
    return tuple(variants)


def _singular(form: str) -> str:
    """Conservative singular for unknown terms, so tags "microservices"/"microservice" agree."""
    last = form.rpartition(" ")[2]
    if len(last) < 4 or not last.isalpha() or not last.endswith("s"):
        return form
    if last.endswith("ies"):
        return form[:-3] + "y"
    if _PLURAL_ES.search(last):
        return form[:-2]
    if last.endswith(("ss", "us", "is")):
        return form
    return form[:-1]


def _resolve(form: str, surfaces: Mapping[str, str], ambiguous: Mapping[str, str]) -> str | None:
    """Canonical key of a normalised form, allowing versions and (for unambiguous forms) plurals."""
    if form in surfaces:
        return surfaces[form]
    base = _strip_version(form)
    if base in surfaces:
        return surfaces[base]
    for variant in _number_variants(form):
        if variant in surfaces and variant not in ambiguous:
            return surfaces[variant]
    return None


# --- Data files ------------------------------------------------------------------


def _data_text(name: str) -> str:
    """Read a bundled data file; importlib.resources also works from wheels and zips."""
    return (resources.files("cvsite") / "data" / name).read_text(encoding="utf-8")


def _load_yaml(name: str) -> Any:
    """Safe-load a bundled YAML file, with libyaml's safe loader when present (5x faster)."""
    return yaml.load(_data_text(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _builtin_skills() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """(display name, aliases, ambiguous forms) for each entry of skills.yaml."""
    table = _load_yaml("skills.yaml") or {}
    return tuple(_skill_entry(str(name), spec) for name, spec in table.items())


def _skill_entry(name: str, spec: Any) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    if spec is None or isinstance(spec, list):
        return name, tuple(map(str, spec or ())), ()
    aliases = tuple(map(str, spec.get("aliases") or ()))
    return name, aliases, tuple(map(str, spec.get("ambiguous") or ()))


@dataclass(frozen=True)
class _Concepts:
    """concepts.yaml: new entries (work), extra forms of entries (roles, variants), relations."""

    entries: tuple[tuple[str, tuple[str, ...]], ...]
    forms: tuple[tuple[str, str, tuple[str, ...]], ...]  # (family, entry name, its extra forms)
    related: tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...]  # (terms, to, credit)


@cache
def _concepts() -> _Concepts:
    spec = _load_yaml("concepts.yaml") or {}
    work = (spec.get("work") or {}).items()
    entries = tuple((str(name), tuple(map(str, forms or ()))) for name, forms in work)
    forms = tuple(
        (family, str(name), tuple(map(str, extra or ())))
        for family in ("roles", "variants")
        for name, extra in (spec.get(family) or {}).items()
    )
    related = tuple(
        (tuple(map(str, rule["terms"])), tuple(map(str, rule["to"])),
         float(rule.get("credit", WEIGHTS.related_credit)))
        for rule in spec.get("related") or ()
    )
    return _Concepts(entries, forms, related)


@cache
def _commonness() -> tuple[tuple[str, float], ...]:
    """(term as written, background factor) from term_commonness.yaml."""
    spec = _load_yaml("term_commonness.yaml") or {}
    return tuple((str(term), float(band["factor"])) for band in spec["bands"] for term in band["terms"])


@cache
def _stopwords() -> tuple[str, ...]:
    lines = (line.split("#", 1)[0].strip() for line in _data_text("stopwords.txt").splitlines())
    return tuple(line for line in lines if line)


@dataclass(frozen=True)
class _SectionRule:
    name: str
    weight: float
    pattern: re.Pattern[str]
    inline_only: bool = False  # "Role: Data Engineer" is a title line, "The role" a heading
    context: bool = False  # the company's own description: terms there are context


@cache
def _section_rules() -> tuple[float, tuple[_SectionRule, ...]]:
    """(default weight, rules in priority order) from posting_sections.yaml."""
    spec = _load_yaml("posting_sections.yaml")
    rules = tuple(
        _SectionRule(str(s["name"]), float(s["weight"]), re.compile("|".join(s["patterns"])),
                     bool(s.get("inline_only")), bool(s.get("context")))
        for s in spec["sections"]
    )
    return float(spec["default_weight"]), rules


# --- Building the table ----------------------------------------------------------


_ISE_IZE = re.compile(r"(?<=[a-z]{2})i([sz])(e|es|ed|ing|ation|ations|er|ers)\b")


def _spellings(form: str) -> tuple[str, ...]:
    """The form and its -ise/-ize twin ("optimisation" <-> "optimization"), if it has one."""
    twin = _ISE_IZE.sub(lambda m: "i" + ("z" if m[1] == "s" else "s") + m[2], form)
    return (form,) if twin == form else (form, twin)


class _TableBuilder:
    """Collects surface form -> canonical key; refuses conflicts inside the built-in table.

    Every form is claimed in both -ise and -ize spellings; a twin that another entry
    already owns stays with that entry (twins are a convenience, never a conflict).
    """

    def __init__(self) -> None:
        self.surfaces: dict[str, str] = {}
        self.ambiguous: dict[str, str] = {}
        self.display: dict[str, str] = {}
        self.twins: set[str] = set()  # spelling twins nobody listed: an entry naming one takes it
        self.related: dict[str, dict[str, float]] = {}

    def add_builtin(self, name: str, aliases: Sequence[str], ambiguous: Sequence[str]) -> None:
        key = _norm(name)
        self.display[key] = name
        for form in (name, *aliases, *ambiguous):
            self._claim(_norm(form), key, name)
        for form in ambiguous:
            self.ambiguous[_norm(form)] = form

    def add_forms(self, family: str, name: str, forms: Sequence[str]) -> None:
        """More forms of an existing entry (concepts.yaml roles and variants)."""
        key = _norm(name)
        if key not in self.display:
            raise ValueError(f"concepts.yaml: {family}: {name!r} is not an entry of skills.yaml or "
                             "concepts.yaml")
        for form in forms:
            self._claim(_norm(form), key, name)

    def _claim(self, form: str, key: str, name: str) -> None:
        first, *twins = _spellings(form)
        owner = self.surfaces.get(first, key)
        if owner != key and first not in self.twins:
            raise ValueError(
                f"skills.yaml: {form!r} is listed under both {self.display[owner]!r} and {name!r}"
            )
        self.surfaces[first] = key
        self.twins.discard(first)
        for twin in twins:
            if twin not in self.surfaces:
                self.surfaces[twin] = key
                self.twins.add(twin)

    def relate(self, terms: Sequence[str], to: Sequence[str], credit: float) -> None:
        """Partial credit both ways between each of `terms` and each of `to` (concepts.yaml related)."""
        for a in terms:
            for b in to:
                keys = [_resolve(_norm(name), self.surfaces, self.ambiguous) for name in (a, b)]
                if None in keys:
                    missing = a if keys[0] is None else b
                    raise ValueError(f"concepts.yaml: related: {missing!r} is not a known term")
                ka, kb = keys  # type: ignore[misc]
                self.related.setdefault(ka, {})[kb] = credit
                self.related.setdefault(kb, {})[ka] = credit

    def extend(self, name: str, aliases: Iterable[str]) -> None:
        """Add a profile term; profile words win over the built-in table (the user knows their words)."""
        form = _norm(name)
        if not form:
            return
        key = _resolve(form, self.surfaces, self.ambiguous) or form
        self.display.setdefault(key, name.strip())
        for alias in (form, *map(_norm, aliases)):
            for spelling in _spellings(alias) if alias else ():
                self.surfaces[spelling] = key


# --- The matcher regex -----------------------------------------------------------

_LEFT = r"(?<![\w.@#+&])"
# Optional glued version ("python3") or plural ("APIs"), then a hard right edge. Whether
# the form may take that suffix ("reacts", "r2" may not) is judged by _resolve.
_TAIL = r"(?:v?\d+(?:\.(?:\d+|x))*\+?|e?s)?(?![\w+#&@]|\.\w)"


def _trie_regex(node: dict[str, Any]) -> str:
    """Regex for a trie node: longer continuations first, so "javascript" beats "java".

    The end of a form is an empty branch tried last; the shared tail after the trie
    checks the right edge, and backtracking falls back to shorter forms.
    """
    branches = [
        (" +" if char == " " else re.escape(char)) + _trie_regex(child)
        for char, child in sorted(node.items())
        if char
    ]
    if "" in node:
        branches.append("")
    if not branches:
        return "(?!)"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


@lru_cache(maxsize=8)
def _compile_matcher(surfaces: frozenset[str]) -> re.Pattern[str]:
    """One regex for all surface forms; cached, since serve and the PDF workers
    build the same vocabulary again and again and compiling is the slow part."""
    trie: dict[str, Any] = {}
    for form in sorted(surfaces):  # a fixed order: the same regex whatever the hash seed
        if not form or len(form) > _MAX_FORM:
            continue
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_LEFT + _trie_regex(trie) + _TAIL)


def _fold_table() -> dict[int, str]:
    """Lower-case letters (Latin, Greek, Cyrillic) and turn separators into spaces, one char for one.

    Matching folded text with a case-sensitive pattern keeps every position valid for
    the original text and compiles far faster than a large IGNORECASE pattern.
    """
    table = {code: chr(code).lower() for code in range(0x530) if len(chr(code).lower()) == 1}
    table.update(
        dict.fromkeys(map(ord, "\t\n\r\f\v\xa0\u2028\u2029/_-\u2010\u2011\u2012\u2013\u2014\u2015"), " ")
    )
    return table


_FOLD = _fold_table()


# --- Context for ambiguous words -------------------------------------------------

_NO, _MAYBE, _YES = -1, 0, 1

_HYPHENATED = re.compile(r"-\w")
_BULLET_CHARS = " \t-*>#.)0123456789\u2022\u00b7\u2013"
_NEXT_CUE = re.compile(
    r"[ \t]+(?:developers?|engineers?|engineering|programm(?:ing|ers?)|language|code|codebase"
    r"|librar(?:y|ies)|frameworks?|apps|microservices|backends?|sdks?|apis?|hooks|components"
    r"|clusters?|jobs|scripts?|scripting|packages|modules|charts|stack|ecosystem|gems|crates"
    r"|spreadsheets|formulas|macros)\b",
    re.IGNORECASE,
)
_PREV_CUE = re.compile(
    r"(?:\b(?:written|programming|coding|developing|develop|proficient|proficiency|fluent|fluency"
    r"|expertise|experience|experienced|skilled|skills|knowledge|familiarity|familiar|competence"
    r"|built)[ \t]+(?:in|with|of|using)|\busing)[ \t]+\Z",
    re.IGNORECASE,
)
_PREV_LOWER = re.compile(r"(?<![\w.])[a-z][a-z']*[ \t]+\Z")
_NEXT_WORD = re.compile(r"[ \t]+(?!(?:and|or)\b)[a-z]")
# Separators that make neighbours items of one list: "Go, Python and Rust", "C/C++", "Go (Golang)".
_LIST_GAP = re.compile(r"[ \t]*(?:(?:[,/&+|()]|\band\b|\bor\b)[ \t]*)+", re.IGNORECASE)
_TIGHT_LIST_GAP = re.compile(r"[ \t]*(?:(?:[,/&+|]|\band\b|\bor\b)[ \t]*)+", re.IGNORECASE)


class _Hit(NamedTuple):
    start: int
    end: int
    key: str
    proper: str | None  # the ambiguous form's technical spelling, None if unambiguous


def _context_state(text: str, hit: _Hit) -> int:
    """Whether an ambiguous word reads as a skill on its own evidence (_MAYBE: ask neighbours).

    Case alone fails at sentence starts ("React to incidents"), so the exact technical
    spelling counts only after a lower-case word in the same sentence ("we use Go").
    """
    if hit.proper is None:
        return _YES
    window = max(0, hit.start - 30)  # long enough for "familiarity with "
    if _HYPHENATED.match(text, hit.end) or text[window : hit.start].endswith("-"):
        return _NO  # "go-to-market", "C-suite"
    if _NEXT_CUE.match(text, hit.end) or _PREV_CUE.search(text, window, hit.start):
        return _YES
    if _alone_on_line(text, hit):
        return _YES  # a bullet "- Go" in a skills list
    if _is_proper(text, hit):
        return _YES if _PREV_LOWER.search(text, window, hit.start) else _MAYBE
    # Lower-case and followed by a word: a verb or adjective ("rotation and react quickly").
    return _NO if _NEXT_WORD.match(text, hit.end) else _MAYBE


def _alone_on_line(text: str, hit: _Hit) -> bool:
    line_start = text.rfind("\n", 0, hit.start) + 1
    line_end = text.find("\n", hit.end)
    before = text[line_start : hit.start].strip(_BULLET_CHARS)
    after = text[hit.end : len(text) if line_end < 0 else line_end].strip(" \t\r.,;:")
    return not before and not after


def _is_proper(text: str, hit: _Hit) -> bool:
    return hit.proper is not None and len(hit.proper) > 1 and text[hit.start : hit.end] == hit.proper


def _spread(
    text: str,
    spans: Sequence[tuple[int, int]],
    states: list[int],
    peers: Sequence[str | None],
    gap: re.Pattern[str],
) -> None:
    """Confirm undecided items listed next to confirmed ones, until whole lists settle.

    Two undecided items with different non-None peer tags confirm each other: "Go,
    Rust, Swift" in their technical spelling is a list of languages, not English.
    """
    changed = _MAYBE in states
    while changed:
        changed = False
        for order in (range(len(states)), range(len(states) - 1, -1, -1)):
            for i in order:
                if states[i] == _MAYBE and any(
                    _vouches(text, spans, states, peers, gap, i, j) for j in (i - 1, i + 1)
                ):
                    states[i] = _YES
                    changed = True


def _vouches(
    text: str,
    spans: Sequence[tuple[int, int]],
    states: Sequence[int],
    peers: Sequence[str | None],
    gap: re.Pattern[str],
    i: int,
    j: int,
) -> bool:
    if not 0 <= j < len(states) or states[j] == _NO:
        return False
    if states[j] == _MAYBE and not (peers[i] and peers[j] and peers[i] != peers[j]):
        return False
    first, second = sorted((i, j))
    return gap.fullmatch(text, spans[first][1], spans[second][0]) is not None


def _keep_in_context(text: str, hits: list[_Hit]) -> list[_Hit]:
    states = [_context_state(text, hit) for hit in hits]
    if all(state == _YES for state in states):
        return hits
    peers = [hit.key if _is_proper(text, hit) else None for hit in hits]
    _spread(text, [(h.start, h.end) for h in hits], states, peers, _LIST_GAP)
    return [hit for hit, state in zip(hits, states, strict=True) if state == _YES]


# --- Vocabulary ------------------------------------------------------------------


class Vocabulary:
    """Known terms (built-in table plus profile additions) and a compiled matcher for them.

    Build it with Vocabulary.build(); it is immutable afterwards, so results of find()
    are cached per text.
    """

    def __init__(self, surfaces: dict[str, str], ambiguous: dict[str, str], display: dict[str, str],
                 related: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self._surfaces = surfaces
        self._ambiguous = ambiguous
        self._display = display
        self._related = {key: tuple(sorted(others.items())) for key, others in (related or {}).items()}
        self._pattern = _compile_matcher(frozenset(surfaces))
        self._count_cached = lru_cache(maxsize=8192)(self._count_terms)
        self._key_cached = lru_cache(maxsize=16384)(self._compute_key)

    @classmethod
    def build(
        cls,
        aliases: Mapping[str, str] | None = None,
        skills: Iterable[tuple[str, Sequence[str]]] = (),
        tags: Iterable[str] = (),
    ) -> Vocabulary:
        """Built-in tables + the profile's own `aliases` ({term: canonical}), skills and tags.

        `skills` holds (name, its aliases) pairs. Profile skills and item tags become
        known terms even if not in the built-in tables (so a posting naming a tag
        matches it), and profile words override the built-in table where they
        disagree. Tags shorter than two characters or on the stopword list are left
        out: "x" or "team" would match everywhere.
        """
        builder = _TableBuilder()
        for name, forms, ambiguous in _builtin_skills():
            builder.add_builtin(name, forms, ambiguous)
        concepts = _concepts()
        for name, forms in concepts.entries:
            builder.add_builtin(name, forms, ())
        for family, name, forms in concepts.forms:
            builder.add_forms(family, name, forms)
        for terms, to, credit in concepts.related:
            builder.relate(terms, to, credit)
        for name, forms in skills:
            builder.extend(name, forms)
        stop = set(_stopwords())
        for tag in dict.fromkeys(tags):
            form = _norm(tag)
            if len(form) >= 2 and form not in stop and _singular(form) not in stop and not form.isdigit():
                builder.extend(tag, ())
        for alias, canonical in (aliases or {}).items():
            builder.extend(canonical, [alias])
        return cls(builder.surfaces, builder.ambiguous, builder.display, builder.related)

    def related(self, key: str) -> tuple[tuple[str, float], ...]:
        """Broader, narrower or engine terms of `key` with their partial credit, sorted by key."""
        return self._related.get(key, ())

    def background(self, key: str) -> float:
        """How specific a term is before any posting is seen: term_commonness.yaml's factor, else 1."""
        return self._background.get(key, 1.0)

    @cached_property
    def _background(self) -> dict[str, float]:
        return {self.key(term): factor for term, factor in _commonness()}

    def key(self, term: str) -> str:
        """Canonical key for any term or tag.

        Case, separators ("machine-learning"), plurals, versions ("Python 3.11",
        "python3") and aliases map to one key. Unknown terms get a normalised,
        singularised key so that tags which are not skills still compare equal.
        """
        return self._key_cached(term)

    def _compute_key(self, term: str) -> str:
        form = _norm(term)
        known = _resolve(form, self._surfaces, self._ambiguous)
        if known is not None:
            return known
        single = _singular(form)
        return single if _resolve(single, self._surfaces, self._ambiguous) is None else form

    def display(self, key: str) -> str:
        """Human name for a key ("postgresql" -> "PostgreSQL"); unknown keys are shown as they are."""
        return self._display.get(key, key)

    def is_known(self, key: str) -> bool:
        """Whether a canonical key names a term of this vocabulary (built-in or profile)."""
        return key in self._display

    def find(self, text: str) -> Counter[str]:
        """Canonical keys of known terms in free text, with occurrence counts.

        Whole terms only, longest first ("machine learning" before "learning"), with
        the traps handled: "ml" is not in "html", "java" not in "javascript"; C++, C#,
        .NET, Node.js, CI/CD, scikit-learn and versions match; ambiguous English
        words (go, react, swift, ...) count only in technical context.
        """
        return Counter(self._count_cached(text))

    def _count_terms(self, text: str) -> Counter[str]:
        return Counter(hit.key for hit in self._hits(text))

    def _hits(self, text: str) -> list[_Hit]:
        """Known-term occurrences in text order, ambiguous words already judged."""
        hits = []
        for match in self._pattern.finditer(text.translate(_FOLD)):
            form = match.group()  # already folded: only runs of separators need squeezing
            if "  " in form:
                form = " ".join(form.split())
            key = _resolve(form, self._surfaces, self._ambiguous)
            if key is not None:  # None: a suffix the form may not take ("reacts", "r2", "c++s")
                hits.append(_Hit(match.start(), match.end(), key, self._ambiguous.get(form)))
        return _keep_in_context(text, hits)

    @cached_property
    def _stop_keys(self) -> frozenset[str]:
        return frozenset(self.key(word) for word in _stopwords())


# --- Posting sections ------------------------------------------------------------

_BULLET = re.compile(r"[-*\u2022\u00b7\u2013]\s")
_LABEL_JUNK = re.compile(r"^[\W\d_]+|\s*\(.*$|[\W_]+$")


def _heading(
    line: str, rules: Sequence[_SectionRule], default: float
) -> tuple[tuple[str, float] | None, bool]:
    """((name, weight), applies to this line only) if the line is a heading, else (None, False).

    Bare lines must be short and not read like sentences, so "Experience with Python
    and SQL in production systems." stays content.
    """
    raw = line.strip()
    if not raw or len(raw) > 100 or _BULLET.match(raw):
        return None, False
    head, colon, rest = raw.partition(":")
    label = _LABEL_JUNK.sub("", _norm(head))
    words = label.split()
    if not words or len(words) > 8:
        return None, False
    if not (colon or raw.startswith(("#", "*", "_"))) and (len(words) > 6 or raw.endswith((".", "!", ","))):
        return None, False
    inline = bool(rest.strip())
    rule = next((r for r in rules if (inline or not r.inline_only) and r.pattern.fullmatch(label)), None)
    if rule is not None:
        return (rule.name, rule.weight), inline
    if not colon and raw.startswith(("#", "**", "__")):
        return ("other", default), False
    return None, False


def _sections(text: str) -> tuple[list[int], list[tuple[str, float]]]:
    """Section start offsets and (name, weight) for each, so a position maps to its section."""
    default, rules = _section_rules()
    starts, sections = [0], [("general", default)]
    offset = 0
    for line in text.splitlines(keepends=True):
        section, line_only = _heading(line, rules, default)
        if section is not None:
            current = sections[-1]
            starts.append(offset)
            sections.append(section)
            if line_only:  # "Location: Berlin" must not silence the text that follows
                starts.append(offset + len(line))
                sections.append(current)
        offset += len(line)
    return starts, sections


# --- Terms the vocabulary does not know ------------------------------------------

# Word-like tokens with a capital, digit or dot; all-lower-case words are skipped inside the regex.
_TOKEN = re.compile(
    r"(?<![\w.@#+&\-])(?=[a-z]*[A-Z0-9.])[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)?(?![\w@#+&\-]|\.\w)"
)
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]{2,}")
_GLUED_DIGIT = re.compile(r"[A-Za-z]+[0-9][A-Za-z0-9]*")
_DOTTED_TECH = re.compile(r"\w+\.(?:js|io|ai|py|jl|rs)", re.IGNORECASE)
# Not technology: "McKinsey", "iPad", quarters, codes ("W20", "KW12"), program identifiers
# that leak from page metadata ("jobPostingId", "HiringOrganizationSchema").
_NOT_TECH = re.compile(
    r"[Mm]a?c[A-Z][a-z]+|[ie][A-Z][a-z]+|[QqHh][1-4]|FY\d+|fy\d+|[A-Za-z]{1,2}\d+"
    r"|[a-z]+[A-Z][a-z]+\w*|(?:[A-Z][a-z0-9]+){3,}\w*"
)
_CAPITALISED = re.compile(r"[A-Z](?:[a-z]+|[A-Z]{1,5}s?)")
_VENDOR = re.compile(
    r"\b(?:Apache|AWS|Amazon|Google|GCP|Azure|Microsoft|HashiCorp)[ \t]+([A-Z][A-Za-z0-9]+)(?![\w\-]|\.\w)"
)
_ORG_BEFORE = re.compile(r"\b(?:at|join|about)[ \t]+\Z", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['\u2019]s\b")
_UNKNOWN_FACTOR = 0.75  # a guessed term should not outrank a known skill of equal standing


class _Token(NamedTuple):
    start: int
    end: int
    surface: str
    key: str


def _looks_technical(token: str) -> bool:
    """Shapes ordinary words do not have: LightGBM, XGBoost, H2O, Socket.io."""
    if _NOT_TECH.fullmatch(token):
        return False
    return bool(
        _CAMEL.search(token)
        or (len(token) >= 3 and _GLUED_DIGIT.fullmatch(token))
        or _DOTTED_TECH.fullmatch(token)
    )


def _shape_state(token: str) -> int:
    """_YES for tech-shaped tokens, _MAYBE for capitalised words (need a list), _NO otherwise."""
    if token.islower() and token.isalpha():
        return _NO  # most tokens: settle them before any costlier test
    if _looks_technical(token):
        return _YES
    return _MAYBE if _CAPITALISED.fullmatch(token) else _NO


def _names_an_organisation(text: str, start: int, end: int) -> bool:
    """Company names look like tech (camel case) but are not: "At PayCo", "join ShopX", "PayCo's"."""
    return bool(_ORG_BEFORE.search(text, max(0, start - 12), start) or _POSSESSIVE.match(text, end))


def _overlaps(hits: Sequence[_Hit], starts: Sequence[int], start: int, end: int) -> bool:
    index = bisect_right(starts, end - 1) - 1
    return index >= 0 and hits[index].end > start


def _unknown_terms(text: str, vocab: Vocabulary, hits: list[_Hit]) -> list[tuple[int, str, str]]:
    """(position, key, surface) of plausible technical terms the vocabulary lacks.

    Conservative by design, since a coverage report built on them must not list
    generic words: a token counts if it is shaped like tech (camel case, glued digits,
    ".js"), is a vendor product ("Apache Pinot"), or is a capitalised word listed
    next to a known term ("Snowflake, Pinot and dbt").
    """
    hit_starts = [hit.start for hit in hits]
    tokens: list[_Token] = []
    states: list[int] = []
    names: set[str] = set()
    for match in _TOKEN.finditer(text):
        if _overlaps(hits, hit_starts, *match.span()):  # cheaper than the shape test: most are known terms
            continue
        surface = match.group()
        state = _shape_state(surface)
        if state == _NO:
            continue
        key = vocab.key(surface)
        if key in vocab._stop_keys or vocab.is_known(key):
            continue
        tokens.append(_Token(match.start(), match.end(), surface, key))
        states.append(state)
        if _names_an_organisation(text, match.start(), match.end()):
            names.add(key)
    confirmed = _confirm_by_lists(text, hits, tokens, states) - names
    found = [(t.start, t.key, t.surface) for t in tokens if t.key in confirmed]
    return found + _vendor_terms(text, vocab, hits, hit_starts, confirmed)


def _confirm_by_lists(text: str, hits: list[_Hit], tokens: list[_Token], states: list[int]) -> set[str]:
    """Keys of tokens that are tech-shaped or sit in a list with known or tech-shaped terms."""
    items = sorted(
        [(hit.start, hit.end, _YES, -1) for hit in hits]
        + [
            (token.start, token.end, state, index)
            for index, (token, state) in enumerate(zip(tokens, states, strict=True))
        ]
    )
    settled = [state for _, _, state, _ in items]
    _spread(text, [(start, end) for start, end, _, _ in items], settled, [None] * len(items), _TIGHT_LIST_GAP)
    return {
        tokens[index].key
        for (*_, index), state in zip(items, settled, strict=True)
        if index >= 0 and state == _YES
    }


def _vendor_terms(
    text: str, vocab: Vocabulary, hits: list[_Hit], hit_starts: list[int], confirmed: set[str]
) -> list[tuple[int, str, str]]:
    """Vendor-prefixed products ("Apache Pinot", "AWS Batch") unless the product is already a term."""
    found = []
    for match in _VENDOR.finditer(text):
        product_key = vocab.key(match.group(1))
        if product_key in vocab._stop_keys or product_key in confirmed:
            continue
        if _overlaps(hits, hit_starts, *match.span(1)):
            continue
        key = vocab.key(match.group())
        if not vocab.is_known(key):
            found.append((match.start(), key, match.group()))
    return found


# --- Reading a posting -----------------------------------------------------------

# Markup, entities, links and addresses pasted with a posting: blanked (same length, so
# positions stay valid) before anything is read, so "div", "nbsp" or "utm" never become terms.
# Each pattern runs only if its marker character is in the text (most postings have none).
_MARKUP = (
    ("<", re.compile(r"<[^<>\n]{1,200}>")),
    ("&", re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)),
    ("/", re.compile(r"\bhttps?://\S+", re.IGNORECASE)),
    ("www.", re.compile(r"\bwww\.\S+", re.IGNORECASE)),
    ("@", re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")),
)
# Where a clause ends: negation never reaches past one. Dots must be followed by space ("Node.js").
_CLAUSE_BREAK = re.compile(r"[.;!?:](?=\s|$)|\n|\b(?:but|however|whereas|although|though|while)\b", re.I)
_APOS = "['\u2019]"
# Negation cues, matched in folded (lower-case) text; factored by first letters, since this
# runs over every posting. A cue followed by an exception ("not only", "no later than",
# "without compromising") negates nothing.
_NEGATION = re.compile(
    rf"\b(?:n(?:o|ot|ever|or|either|eedn{_APOS}t)|without|won{_APOS}t|will not"
    rf"|d(?:on{_APOS}t|o not|oesn{_APOS}t|oes not)|is(?:n{_APOS}t| not)|are(?:n{_APOS}t| not)"
    rf"|can(?:{_APOS}t|not)|shouldn{_APOS}t)\b"
)
_NOT_NEGATING = re.compile(
    r"[ \t]+(?:only|just|limited|necessarily|matter|later|longer|doubt|less|more|exception|afraid|shy"
    r"|compromising|sacrificing|breaking|losing)\b"
)
# "... is not required" after a term, within 40 characters and no comma.
_NOT_NEEDED = re.compile(
    rf"(?:\bnot|n{_APOS}t)[ \t]+(?:required|needed|necessary|expected|essential|a must|a requirement)\b"
)
_NOT_BETWEEN = re.compile(r"[.;!?,\n]")
# A term named as a way to reach people, not as a skill: "Questions? Ask us on GitHub",
# "report bugs via Slack", "follow us on LinkedIn". Matched in folded text, ending at the term.
_CHANNEL_BEFORE = re.compile(
    r"\b(?:reach|contact|find|follow|ask|message|ping|join|chat|talk|support|help|questions?|report|file"
    r"|open|submit|raise|apply|send|email|connect|say hi)\b[^.!?\n]{0,40}?\b(?:on|via|through|in|at|using)"
    r"(?:[ \t]+(?:our|the|us|my))?[ \t]+$"
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?](?=\s|$))?")
_CONTEXT_VERBS = r"build|make|help|develop|create|provide|power|sell|serve|run|operate|design|offer|enable"
_CONTEXT_START = re.compile(
    r"[ \t*\-\u2022]*(?:(?:at|here at) [\w&.\- ]{1,30}, )?(?:"
    rf"we(?:{_APOS}re| are)? (?:{_CONTEXT_VERBS})(?:s|ing)?\b"
    rf"|we(?:{_APOS}re| are) an? |our (?:products?|platform|customers|clients|mission|company|apps?|tools"
    r"|software|services?|users)\b)",
    re.IGNORECASE,
)
# After the company's own name: "Shelfwise builds inventory software", "Acme is a ...".
_COMPANY_VERB = re.compile(rf"[ \t]+(?:is|(?:{_CONTEXT_VERBS})s)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PostingTerm:
    """One key term of a job posting, with how much the posting cares about it.

    `weight` already includes `specificity` (1.0: as specific as terms get; lower for
    terms most postings name). `notes` say, for people, what shaped the weight.
    """

    term: str
    display: str
    weight: float
    count: int
    sections: tuple[str, ...]
    specificity: float = 1.0
    notes: tuple[str, ...] = ()
    position: int = 0  # first occurrence in the posting (-1: the job file's role), for stable orders


@dataclass(frozen=True)
class IgnoredTerm:
    """A term the posting names but does not ask for, and why ("negated: 'no Kubernetes ...'")."""

    term: str
    display: str
    why: str


@dataclass(frozen=True)
class PostingReading:
    """What a posting asks for (most important first) and what it names without asking."""

    terms: list[PostingTerm]
    ignored: list[IgnoredTerm]


@dataclass(frozen=True)
class PostingStats:
    """How many of a profile's postings name each known term (document frequency).

    A term most of the user's own postings name (Python for a data scientist) decides
    little between them; it is discounted in each (scoring.yaml `specificity`).
    """

    count: int = 0
    frequency: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str], vocab: Vocabulary) -> PostingStats:
        frequency: Counter[str] = Counter()
        count = 0
        for text in texts:
            count += 1
            frequency.update(set(vocab.find(_blank_markup(text))))
        return cls(count, dict(frequency))

    def share(self, key: str) -> float:
        """The fraction of the *other* postings naming `key`, for a posting that names it."""
        if self.count < WEIGHTS.min_postings:
            return 0.0
        return max(0, self.frequency.get(key, 0) - 1) / (self.count - 1)


def _blank_markup(text: str) -> str:
    for marker, pattern in _MARKUP:
        if marker in text:
            text = pattern.sub(lambda match: " " * len(match.group()), text)
    return text


class _Layout:
    """Where each position of a posting sits: its section, line, clause and sentence kind."""

    def __init__(self, text: str, company: str) -> None:
        self.text = text
        self.starts, self.sections = _sections(text)
        default, rules = _section_rules()
        self.title_weight = next((r.weight for r in rules if r.name == "title"), default)
        context = next((r for r in rules if r.context), None)
        self.context_name = context.name if context else ""
        self.context_weight = context.weight if context else 0.0
        self.line_starts = [0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1])]
        self.repeated = self._repeated_lines()
        self.title_line = self._title_line()
        folded = text.lower() if len(text.lower()) == len(text) else text.translate(_FOLD)
        self.cues = [m.span() for m in _NEGATION.finditer(folded) if not _NOT_NEGATING.match(folded, m.end())]
        self.cue_starts = [start for start, _ in self.cues]
        self.not_needed = [m.span() for m in _NOT_NEEDED.finditer(folded)]
        self.not_needed_starts = [start for start, _ in self.not_needed]
        self.folded = folded
        self.context_spans = self._context_sentences(company)

    def line_of(self, position: int) -> int:
        return bisect_right(self.line_starts, position) - 1

    def section_at(self, position: int) -> tuple[str, float, bool]:
        """(section name, weight, whether it is context) for a position."""
        if self.line_of(position) == self.title_line:
            return "title", self.title_weight, False
        name, weight = self.sections[bisect_right(self.starts, position) - 1]
        if name == self.context_name:
            return name, weight, True
        if weight > self.context_weight and self._in_context_sentence(position):
            return name, self.context_weight, True
        return name, weight, False

    def _repeated_lines(self) -> set[int]:
        """Lines that repeat an earlier line word for word (a pasted paragraph twice)."""
        seen: set[str] = set()
        repeated = set()
        for number, line in enumerate(self.text.split("\n")):
            words = " ".join(line.lower().split()).strip(_BULLET_CHARS)
            if len(words) >= 20:
                if words in seen:
                    repeated.add(number)
                seen.add(words)
        return repeated

    def _title_line(self) -> int | None:
        """The first line, if it comes before any heading and reads like a job title."""
        lines = self.text.split("\n")
        first = next((n for n, line in enumerate(lines) if line.strip()), None)
        if first is None or (len(self.starts) > 1 and self.starts[1] <= self.line_starts[first]):
            return None
        line = lines[first].strip().strip("#*_ ")
        if len(line.split()) > 12 or line.endswith((".", "!", "?", ":", ",")):
            return None
        return first

    def _context_sentences(self, company: str) -> list[tuple[int, int]]:
        """Sentences describing the company: "We build ...", "Our customers ...", "<Company> is ..."."""
        name = company.strip().lower()
        spans = []
        for match in _SENTENCE.finditer(self.text):
            sentence = match.group()
            if _CONTEXT_START.match(sentence):
                spans.append(match.span())
            elif name:
                lead = sentence.lstrip(" \t*-\u2022")
                if lead[: len(name)].lower() == name and _COMPANY_VERB.match(lead, len(name)):
                    spans.append(match.span())
        return spans

    def _in_context_sentence(self, position: int) -> bool:
        spans = self.context_spans
        index = bisect_right(spans, (position, len(self.text) + 1)) - 1
        return index >= 0 and spans[index][0] <= position < spans[index][1]

    def _unbroken(self, start: int, end: int) -> bool:
        """Whether start..end (a few words) lies within one clause."""
        return _CLAUSE_BREAK.search(self.text, start, end) is None

    def negation(self, start: int, end: int, hit_starts: Sequence[int]) -> str | None:
        """The clause that negates the term at start..end ("no Kubernetes experience needed"), or None.

        The last cue before the term counts if it is within the window and the same
        clause, and across commas only when it negates a list of terms ("we don't use
        Java, Scala or Kotlin"), not a different phrase ("No visa sponsorship, Python
        required"). A "not required" after the term counts up to the next comma.
        """
        before = bisect_left(self.cue_starts, start) - 1
        if before >= 0:
            cue_start, cue_end = self.cues[before]
            if (cue_end <= start and start - cue_start <= WEIGHTS.negation_window
                    and self._unbroken(cue_end, start) and self._list_reaches(cue_end, start, hit_starts)):
                return self._clause(cue_start, end)
        after = bisect_left(self.not_needed_starts, end)
        if after < len(self.not_needed):
            phrase_start, phrase_end = self.not_needed[after]
            if phrase_start - end <= 40 and not _NOT_BETWEEN.search(self.text, end, phrase_start):
                return self._clause(start, phrase_end)
        return None

    def channel(self, start: int) -> str | None:
        """The phrase naming the term at `start` as a way to reach people, or None."""
        window = max(0, start - 60)
        match = _CHANNEL_BEFORE.search(self.folded[window:start])
        if match is None or _NOT_BETWEEN.search(self.text, window + match.start(), start):
            return None
        return self._clause(window + match.start(), start)

    def _list_reaches(self, cue_end: int, start: int, hit_starts: Sequence[int]) -> bool:
        """Whether the text from the cue to the term holds no comma, or only list items that are terms."""
        between = self.text[cue_end:start]
        if "," not in between:
            return True
        offset = cue_end
        for piece in between.split(",")[:-1]:
            low = bisect_left(hit_starts, offset)
            if low >= len(hit_starts) or hit_starts[low] >= offset + len(piece):
                return False
            offset += len(piece) + 1
        return True

    def _clause(self, start: int, end: int) -> str:
        """The clause from `start`, at least to `end`, as a short quote."""
        clause_end = _CLAUSE_BREAK.search(self.text, end)
        end = clause_end.start() if clause_end else len(self.text)
        snippet = " ".join(self.text[start:end].split())
        return snippet if len(snippet) <= 60 else snippet[:59] + "\u2026"


@dataclass
class _Tally:
    display: str
    first: int
    known: bool
    count: int = 0
    best: float = 0.0
    context: bool = True  # every occurrence so far was context
    sections: list[str] = field(default_factory=list)

    def add(self, section: str, weight: float, context: bool) -> None:
        self.count += 1
        if weight > self.best or (weight == self.best and not context):
            self.best = weight
        self.context = self.context and context
        if section not in self.sections:
            self.sections.append(section)

    def weight(self, specificity: float) -> float:
        factor = 1.0 if self.known else WEIGHTS.unknown_factor
        repeat = 1 + WEIGHTS.repeat_bonus * math.log(min(self.count, WEIGHTS.max_count))
        return round(self.best * repeat * factor * specificity, 6)


def _specificity(key: str, vocab: Vocabulary, stats: PostingStats | None) -> tuple[float, tuple[str, ...]]:
    """The term's informativeness factor and what lowered it, for people."""
    notes = []
    factor = vocab.background(key)
    if factor < 1:
        notes.append(f"common in postings x{factor:g}")
    share = stats.share(key) if stats is not None else 0.0
    if share > 0:
        discount = 1 - WEIGHTS.postings_discount * share
        notes.append(f"in {share:.0%} of your other postings x{discount:.2f}")
        factor *= discount
    return round(max(WEIGHTS.specificity_floor, factor), 6), tuple(notes)


def read_posting(
    text: str,
    vocab: Vocabulary,
    *,
    title: str = "",
    company: str = "",
    stats: PostingStats | None = None,
) -> PostingReading:
    """Read a posting as a hiring manager would: what the job asks for, and how much.

    Sections come from headings (posting_sections.yaml): the title line weighs most,
    requirements more than nice-to-have, the company's own description is context at
    a low weight, benefits and legal text nothing. A term in a negated clause ("we
    won't use machine learning", "no Kubernetes experience needed") is ignored there;
    a line repeated word for word counts once; repetition adds only up to a cap.
    Weights are then scaled by specificity (background commonness and the share of the
    user's other postings naming the term, from `stats`). `title` (the job file's role)
    counts as a title line and `company` (its company) marks sentences about it as
    context and is never a term itself.
    """
    text = _blank_markup(text)
    layout = _Layout(text, company)
    hits = vocab._hits(text)
    unknown = _unknown_terms(text, vocab, hits)
    company_key = vocab.key(company) if company.strip() else None
    # Unknown words the boilerplate or the company's description uses are names, not skills.
    names = {key for position, key, _ in unknown if layout.section_at(position)[1] <= layout.context_weight}
    hit_starts = [hit.start for hit in hits]
    occurrences = [(hit.start, hit.end, hit.key, "") for hit in hits]
    occurrences += [(position, position + len(surface), key, surface) for position, key, surface in unknown
                    if key not in names and key != company_key]
    tallies: dict[str, _Tally] = {}
    negated: dict[str, str] = {}  # key -> why it is ignored where it appears
    if title.strip():
        for hit in vocab._hits(title):
            if hit.key not in vocab._stop_keys:
                tallies.setdefault(hit.key, _Tally(vocab.display(hit.key), -1, True))
                tallies[hit.key].add("title", layout.title_weight, False)
    for start, end, key, surface in sorted(occurrences, key=itemgetter(0)):
        name, weight, context = layout.section_at(start)
        if weight <= 0 or key in vocab._stop_keys or layout.line_of(start) in layout.repeated:
            continue
        clause = layout.negation(start, end, hit_starts)
        if clause is not None:
            negated.setdefault(key, f"negated: '{clause}'")
            continue
        channel = layout.channel(start)
        if channel is not None:
            negated.setdefault(key, f"a channel, not a skill: '{channel}'")
            continue
        if key not in tallies:
            tallies[key] = _Tally(surface or vocab.display(key), start, not surface)
        tallies[key].add(name, weight, context)
    return _reading(vocab, tallies, negated, stats)


def _reading(vocab: Vocabulary, tallies: Mapping[str, _Tally], negated: Mapping[str, str],
             stats: PostingStats | None) -> PostingReading:
    # A term the role's own text rules out ("we won't use machine learning") is not brought
    # back by the company's description ("we build ML tools"): context never outvotes a negation.
    tallies = {key: tally for key, tally in tallies.items() if not (tally.context and key in negated)}
    terms = []
    for key, tally in tallies.items():
        specificity, notes = _specificity(key, vocab, stats)
        if "title" in tally.sections:
            notes = ("job title", *notes)
        if tally.context:
            notes = ("context: describes the company", *notes)
        terms.append((tally, PostingTerm(key, tally.display, tally.weight(specificity), tally.count,
                                         tuple(tally.sections), specificity, notes, tally.first)))
    terms.sort(key=lambda pair: (-pair[1].weight, pair[0].first))
    ignored = [IgnoredTerm(key, vocab.display(key), why)
               for key, why in negated.items() if key not in tallies]
    return PostingReading([term for _, term in terms], ignored)


def extract_posting_terms(
    text: str,
    vocab: Vocabulary,
    *,
    title: str = "",
    company: str = "",
    stats: PostingStats | None = None,
) -> list[PostingTerm]:
    """Key terms of a job posting, most important first (weight desc, then first occurrence).

    The terms of `read_posting` (see there): stopwords are never returned; terms found
    only in benefits, legal or negated text are not returned; plausible technical
    terms missing from the vocabulary are included (at a discount) so a coverage
    report can name what the profile never mentions.
    """
    return read_posting(text, vocab, title=title, company=company, stats=stats).terms
