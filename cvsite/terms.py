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
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any, NamedTuple

import yaml

__all__ = ["PostingTerm", "Vocabulary", "extract_posting_terms"]


@dataclass(frozen=True)
class PostingTerm:
    """One key term of a job posting, with how much the posting cares about it."""

    term: str
    display: str
    weight: float
    count: int
    sections: tuple[str, ...]


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


@cache
def _stopwords() -> tuple[str, ...]:
    lines = (line.split("#", 1)[0].strip() for line in _data_text("stopwords.txt").splitlines())
    return tuple(line for line in lines if line)


@dataclass(frozen=True)
class _SectionRule:
    name: str
    weight: float
    pattern: re.Pattern[str]


@cache
def _section_rules() -> tuple[float, tuple[_SectionRule, ...]]:
    """(default weight, rules in priority order) from posting_sections.yaml."""
    spec = _load_yaml("posting_sections.yaml")
    rules = tuple(
        _SectionRule(str(s["name"]), float(s["weight"]), re.compile("|".join(s["patterns"])))
        for s in spec["sections"]
    )
    return float(spec["default_weight"]), rules


# --- Building the table ----------------------------------------------------------


class _TableBuilder:
    """Collects surface form -> canonical key; refuses conflicts inside the built-in table."""

    def __init__(self) -> None:
        self.surfaces: dict[str, str] = {}
        self.ambiguous: dict[str, str] = {}
        self.display: dict[str, str] = {}

    def add_builtin(self, name: str, aliases: Sequence[str], ambiguous: Sequence[str]) -> None:
        key = _norm(name)
        self.display[key] = name
        for form in (name, *aliases, *ambiguous):
            self._claim(_norm(form), key, name)
        for form in ambiguous:
            self.ambiguous[_norm(form)] = form

    def _claim(self, form: str, key: str, name: str) -> None:
        owner = self.surfaces.setdefault(form, key)
        if owner != key:
            raise ValueError(
                f"skills.yaml: {form!r} is listed under both {self.display[owner]!r} and {name!r}"
            )

    def extend(self, name: str, aliases: Iterable[str]) -> None:
        """Add a profile term; profile words win over the built-in table (the user knows their words)."""
        form = _norm(name)
        if not form:
            return
        key = _resolve(form, self.surfaces, self.ambiguous) or form
        self.display.setdefault(key, name.strip())
        for alias in (form, *map(_norm, aliases)):
            if alias:
                self.surfaces[alias] = key


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

    def __init__(self, surfaces: dict[str, str], ambiguous: dict[str, str], display: dict[str, str]) -> None:
        self._surfaces = surfaces
        self._ambiguous = ambiguous
        self._display = display
        self._pattern = _compile_matcher(frozenset(surfaces))
        self._count_cached = lru_cache(maxsize=8192)(self._count_terms)
        self._key_cached = lru_cache(maxsize=16384)(self._compute_key)

    @classmethod
    def build(
        cls,
        aliases: Mapping[str, str] | None = None,
        skills: Iterable[tuple[str, Sequence[str]]] = (),
    ) -> Vocabulary:
        """Built-in table + the profile's own `aliases` ({term: canonical}) + each profile skill.

        `skills` holds (name, its aliases) pairs. Profile skills become known terms even
        if not in the built-in table, and profile words override the built-in table
        where they disagree.
        """
        builder = _TableBuilder()
        for name, forms, ambiguous in _builtin_skills():
            builder.add_builtin(name, forms, ambiguous)
        for name, forms in skills:
            builder.extend(name, forms)
        for alias, canonical in (aliases or {}).items():
            builder.extend(canonical, [alias])
        return cls(builder.surfaces, builder.ambiguous, builder.display)

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
    rule = next((r for r in rules if r.pattern.fullmatch(label)), None)
    if rule is not None:
        return (rule.name, rule.weight), bool(rest.strip())
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
_NOT_TECH = re.compile(r"[Mm]a?c[A-Z][a-z]+|[ie][A-Z][a-z]+|[QqHh][1-4]|FY\d+|fy\d+|[A-Za-z]\d")
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


# --- Posting terms ---------------------------------------------------------------

_REPEAT_BONUS = 0.5  # weight grows with the log of the count, so repetition cannot swamp requirements


@dataclass
class _Tally:
    display: str
    first: int
    known: bool
    count: int = 0
    best: float = 0.0
    sections: list[str] = field(default_factory=list)

    def add(self, section: str, weight: float) -> None:
        self.count += 1
        self.best = max(self.best, weight)
        if section not in self.sections:
            self.sections.append(section)

    def weight(self) -> float:
        factor = 1.0 if self.known else _UNKNOWN_FACTOR
        return round(self.best * (1 + _REPEAT_BONUS * math.log(self.count)) * factor, 6)


def extract_posting_terms(text: str, vocab: Vocabulary) -> list[PostingTerm]:
    """Key terms of a job posting, most important first (weight desc, then first occurrence).

    Sections are found by headings (posting_sections.yaml): requirements weigh more
    than nice-to-have; benefits and company boilerplate weigh nothing, so terms found
    only there are not returned. Stopwords are never returned. Plausible technical
    terms missing from the vocabulary are included (at a discount) so a coverage
    report can name what the profile never mentions.
    """
    starts, sections = _sections(text)

    def section_at(position: int) -> tuple[str, float]:
        return sections[bisect_right(starts, position) - 1]

    hits = vocab._hits(text)
    unknown = _unknown_terms(text, vocab, hits)
    # An unknown word the boilerplate uses ("About ShopX") is the company or a perk, not a skill.
    boilerplate = {key for position, key, _ in unknown if section_at(position)[1] <= 0}
    occurrences = [(hit.start, hit.key, "") for hit in hits]
    occurrences += [item for item in unknown if item[1] not in boilerplate]
    tallies: dict[str, _Tally] = {}
    for position, key, surface in sorted(occurrences, key=lambda item: item[0]):
        name, weight = section_at(position)
        if weight <= 0 or key in vocab._stop_keys:
            continue
        if key not in tallies:
            tallies[key] = _Tally(surface or vocab.display(key), position, not surface)
        tallies[key].add(name, weight)
    ranked = sorted(tallies.items(), key=lambda item: (-item[1].weight(), item[1].first))
    return [PostingTerm(key, t.display, t.weight(), t.count, tuple(t.sections)) for key, t in ranked]
