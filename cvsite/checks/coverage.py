"""`keyword-coverage` (per job): the posting's key terms that the profile never mentions.

A recruiter's keyword screen reads the posting's requirements and looks for
them in the CV. When the profile as a whole covers too little of what the
posting weighs most, the check names the missing terms, most important first,
so the user can show them where they have them, add an alias where they call
them something else, or see that the job is a stretch. Terms come from
`cvsite.terms`, the same vocabulary that tailoring uses.
"""

from __future__ import annotations

import re

from cvsite.checks.common import data_yaml, strings, warning
from cvsite.errors import Problem
from cvsite.loader import Workspace
from cvsite.terms import PostingTerm, Vocabulary, extract_posting_terms

CODE = "keyword-coverage"
_TABLE = "keyword_coverage.yaml"
_SKIP = ("$schema", "checks")


def check_keyword_coverage(ws: Workspace) -> list[Problem]:
    profile = ws.profile
    vocab = Vocabulary.build(profile.aliases, profile.skill_names())
    text, keys = profile_terms(ws, vocab)
    settings = data_yaml(_TABLE)
    problems = []
    for slug in sorted(ws.jobs):
        terms = extract_posting_terms(ws.postings.get(slug, ""), vocab)
        if len(terms) < int(settings["min_terms"]):
            continue
        # A keyword screen reads requirement strength; how common a term is does not matter to it.
        terms.sort(key=lambda t: (-strength(t), t.position))
        missing = [t for t in terms if not mentioned(t, keys, text)]
        share = coverage(terms, missing)
        if share < float(settings["min_coverage"]):
            listed = ", ".join(t.display for t in missing[: int(settings["max_listed"])])
            more = len(missing) - int(settings["max_listed"])
            problems.append(warning(
                ws, ws.job_file(slug), ("posting",), CODE,
                f"the profile covers {share:.0%} of this posting's key terms; it never mentions "
                f"{listed}{f' and {more} more' if more > 0 else ''}",
                "where you have them, show them in a project or highlight; where you call them "
                "something else, add `aliases:` to profile.yaml"))
    return problems


def profile_terms(ws: Workspace, vocab: Vocabulary) -> tuple[str, set[str]]:
    """All text of profile.yaml, lower-cased, and the canonical keys of every term in it."""
    doc = ws.documents.get(ws.profile_file)
    values = [value for _, value in strings(doc, skip=_SKIP)] if doc else []
    keys: set[str] = set()
    for value in values:
        keys.update(vocab.find(value))
        if len(value) <= 60:  # a tag or a name, which may be a term the vocabulary lacks
            keys.add(vocab.key(value))
    return "\n".join(values).lower(), keys


def mentioned(term: PostingTerm, keys: set[str], text: str) -> bool:
    """Known terms by key (aliases and versions count); unknown ones as a whole word."""
    if term.term in keys:
        return True
    word = re.escape(term.display.lower())
    return re.search(rf"(?<![\w.+#-]){word}(?![\w+#]|\.\w)", text) is not None


def strength(term: PostingTerm) -> float:
    """How much the posting asks for a term: its weight before the specificity discount."""
    return term.weight / term.specificity


def coverage(terms: list[PostingTerm], missing: list[PostingTerm]) -> float:
    total = sum(map(strength, terms))
    return 1 - sum(map(strength, missing)) / total if total else 1.0
