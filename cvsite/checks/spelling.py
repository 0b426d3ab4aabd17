"""`spelling`: typos in prose, from a dictionary bundled with pyspellchecker (no download).

A spell check that flags "Kubernetes" teaches people to ignore it, so the
accepted words are generous: every name the profile itself uses (skills,
aliases, tags, organisations, places, venues, titles), the built-in skill
table, a shipped list of tech vocabulary and the user's own `checks.words`.
Acronyms and code-like tokens (snake_case, camelCase, dotted, with digits)
are skipped, and so are capitalised words inside a sentence (proper nouns).
A word is only reported when the dictionary knows a word one edit away (a
letter added, dropped, changed or two swapped): typos are near an English
word, jargon mostly is not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from spellchecker import SpellChecker

from cvsite.checks.common import PROSE, Text, all_texts, data_lines, plain, warn_at
from cvsite.checks.letter import letter_lines
from cvsite.errors import Problem
from cvsite.loader import Workspace, items

CODE = "spelling"
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.+#/-]*[\w+#])?")
_BULLET = re.compile(r"(^|\n)[ \t]*([-*+>]|#+|\d+[.)])$")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")
_BRITISH = (
    ("isation", "ization"), ("isations", "izations"), ("ise", "ize"), ("ised", "ized"),
    ("ises", "izes"), ("ising", "izing"), ("iser", "izer"), ("isers", "izers"),
    ("yse", "yze"), ("ysed", "yzed"), ("ysing", "yzing"), ("our", "or"), ("ours", "ors"),
    ("oured", "ored"), ("ouring", "oring"), ("ourite", "orite"), ("tre", "ter"), ("tres", "ters"),
    ("ogue", "og"), ("ogues", "ogs"), ("lled", "led"), ("lling", "ling"), ("ller", "ler"),
    ("llers", "lers"), ("ence", "ense"), ("mme", "m"), ("mmes", "ms"), ("ement", "ment"),
    ("eing", "ing"),
)
_DICTIONARIES = {"en", "de", "es", "fr", "it", "pt", "nl", "ru"}


@dataclass(frozen=True)
class Typo:
    word: str
    suggestions: tuple[str, ...]


def check_spelling(ws: Workspace) -> list[Problem]:
    speller = Speller(ws.profile.language, accepted_words(ws))
    problems = []
    for text in all_texts(ws, PROSE):
        for typo in speller.typos(text.text):
            problems.append(_warning(ws, text, typo))
    for line in letter_lines(ws):
        for typo in speller.typos(line.text):
            offset = max(0, line.text.find(typo.word))
            problems.append(line.problem(ws, offset, CODE, f"'{typo.word}' may be misspelled", _advice(typo)))
    return problems


def _warning(ws: Workspace, text: Text, typo: Typo) -> Problem:
    return warn_at(ws, text, CODE, f"'{typo.word}' may be misspelled", _advice(typo))


def _advice(typo: Typo) -> str:
    options = " or ".join(f"'{s}'" for s in typo.suggestions)
    return f"did you mean {options}? If '{typo.word}' is right, add it to checks.words"


class Speller:
    """A dictionary plus the words this profile accepts."""

    def __init__(self, language: str, accepted: Iterable[str]) -> None:
        self.language = language if language in _DICTIONARIES else "en"
        self.checker = _checker(self.language)
        self.accepted = {w.lower() for w in accepted}

    def typos(self, text: str) -> list[Typo]:
        """Misspelled words of a markdown text, each once, in order of appearance."""
        found: dict[str, Typo] = {}
        for token, starts_sentence in tokens(text):
            if self.accepts(token, starts_sentence):
                continue
            parts = [p for p in re.split(r"[-/]", token) if p] if re.search(r"[-/]", token) else [token]
            for number, word in enumerate(parts):
                first = starts_sentence and number == 0
                if word.lower() in found or self.accepts(word, first):
                    continue
                suggestions = self.suggest(word.lower())
                if suggestions:
                    found[word.lower()] = Typo(word, suggestions)
        return list(found.values())

    def accepts(self, word: str, starts_sentence: bool) -> bool:
        if len(word) < 2 or is_code_like(word):
            return True
        if word[0].isupper() and not starts_sentence:
            return True  # a proper noun: a name, a product, a place
        return self.known(word.lower())

    def known(self, word: str) -> bool:
        """In the dictionary or the accepted words, allowing a possessive, a plural
        and (in English) a British spelling of a word the US dictionary has."""
        word = word.replace("’", "'")
        forms = {word, word.removesuffix("'s"), word.removesuffix("'"), word.removesuffix("s")}
        if any(form in self.accepted or form in self.checker for form in forms):
            return True
        return self.language == "en" and any(
            variant in self.checker for form in forms for variant in british_variants(form)
        )

    def suggest(self, word: str) -> tuple[str, ...]:
        """Up to three corrections one edit away, most frequent first.

        One edit (a letter added, dropped, changed or two swapped) covers most typos;
        searching two edits away costs about half a second per unknown word and mostly
        finds look-alikes of jargon, which would be false alarms.
        """
        candidates = self.checker.known(self.checker.edit_distance_1(word)) - {word}
        ranked = sorted(candidates, key=lambda c: (-self.checker.word_usage_frequency(c), c))
        return tuple(ranked[:3])


@functools.cache
def _checker(language: str) -> SpellChecker:
    return SpellChecker(language=language, distance=1)


def tokens(text: str) -> Iterator[tuple[str, bool]]:
    """(word, starts a sentence) for each word of a markdown text, markup removed."""
    prose = plain(text)
    for match in _TOKEN.finditer(prose):
        word = match.group(0).strip(".'’/-")
        if word:
            yield word, starts_sentence(prose[max(0, match.start() - 40) : match.start()])


def starts_sentence(before: str) -> bool:
    """Whether a word that follows `before` opens a sentence, a bullet or a heading."""
    before = _BULLET.sub(r"\1", before.rstrip(" \t(\"“‘'*_"))
    return not before.strip(" \t") or before[-1] in ".!?:;\n"


def is_code_like(word: str) -> bool:
    """Acronyms, camelCase, snake_case, dotted names and tokens with digits or + and #."""
    bare = re.sub(r"['’]s$", "", word)
    return (
        bool(re.search(r"[\d_.+#@]", bare))
        or bare.isupper()
        or bool(re.fullmatch(r"[A-Z]{2,}s", bare))
        or bool(_CAMEL.search(bare))
    )


def british_variants(word: str) -> list[str]:
    """American spellings of a British word (optimise -> optimize), for a US-English dictionary."""
    return [word[: -len(uk)] + us for uk, us in _BRITISH if word.endswith(uk) and len(word) > len(uk) + 2]


def accepted_words(ws: Workspace) -> set[str]:
    """Every word this profile and its jobs use as a name, plus the shipped and user word lists."""
    names = [*_profile_names(ws), *data_lines("tech_words.txt"), *builtin_skill_words()]
    for job in ws.jobs.values():
        names += [job.company, job.role, *job.tags]
    words: set[str] = set()
    for name in names:
        lowered = str(name).lower()
        words.add(lowered)
        words.update(t.lower() for t, _ in tokens(lowered))
        words.update(p for p in re.split(r"[\s\-/]+", lowered) if p)
    return words


def _profile_names(ws: Workspace) -> Iterator[str]:
    profile = ws.profile
    yield profile.name
    yield from (t.text for t in all_texts(ws) if t.kind != PROSE)
    yield from profile.checks.words
    for key, value in profile.aliases.items():
        yield key
        yield value
    for _, _, item in items(ws.profile):
        yield from item.tags
        yield from getattr(item, "aliases", [])
        for highlight in getattr(item, "highlights", []):
            yield from highlight.tags


@functools.cache
def builtin_skill_words() -> tuple[str, ...]:
    """Every string in the built-in skill table (cvsite/data/skills.yaml), if it ships."""
    path = resources.files("cvsite").joinpath("data", "skills.yaml")
    if not path.is_file():
        return ()
    return tuple(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield str(key)
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)
