"""Reading a job ad the way a hiring manager skims it, for `cvsite new-job`.

Three questions: who is hiring and for what role (`guess_company_role`), which
of the posting's terms are terms of the job at all (`key_terms`: no tracking
codes, page furniture, markup, company name or support channel), and how
strongly the ad asks for each (`term_strengths`: "must" and "strong" against
"a plus" and "familiarity"). The term extractor in `cvsite.terms` finds the
terms; this module judges them. Its word lists and patterns are data files:
`cvsite/data/scaffold/posting-hints.yaml` and `junk-terms.yaml`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from html.parser import HTMLParser
from importlib import resources
from typing import Any

import yaml

from cvsite.tailored import CoverageTerm
from cvsite.terms import PostingTerm, Vocabulary

__all__ = [
    "MAX_FIELD", "guess_company_role", "html_to_text", "is_junk_term", "is_metadata_line", "key_terms",
    "looks_like_html", "names_company", "scale_weight", "section_strength", "term_strength", "term_strengths",
]


def _data(name: str) -> Any:
    """One of new-job's tables in cvsite/data/scaffold."""
    path = resources.files("cvsite") / "data" / "scaffold" / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- HTML


def looks_like_html(text: str) -> bool:
    """An ad copied from a page's source; "use <section>, not <div>" in a plain ad is text."""
    return len(_HTML_END_TAG.findall(text)) >= 2


_HTML_END_TAG = re.compile(r"</(?:p|div|li|ul|ol|h[1-6]|span|a|b|i|strong|em|table|tr|td|section|article"
                           r"|header|footer|body|html)\s*>", re.IGNORECASE)


class _TextOfHtml(HTMLParser):
    """Collects an HTML page's text: headings as Markdown headings, list items as bullets."""

    BLOCKS = frozenset({"p", "div", "br", "ul", "ol", "table", "tr", "section", "article", "header",
                        "footer", "main", "aside", "nav", "blockquote", "pre", "dl", "dt", "dd", "hr"})
    SKIP = frozenset({"script", "style", "noscript", "template", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:  # line breaks in the source are spaces, as in a browser
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(source: str) -> str:
    """The words of an HTML fragment, one block a line, entities decoded."""
    parser = _TextOfHtml()
    parser.feed(source)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()



# ---------------------------------------------------------------- strength


# Posting weights come from the section a term is found in (data/posting_sections.yaml:
# requirements 1.5, responsibilities 1.2, plain text 1.0, nice to have 0.5) and grow
# with repetition. A requirement or a term the ad repeats is core (3); a term the job
# involves is 2; a nice-to-have is 1.
CORE_WEIGHT = 1.45
INVOLVED_WEIGHT = 0.9


def scale_weight(weight: float) -> int:
    return 3 if weight >= CORE_WEIGHT else 2 if weight >= INVOLVED_WEIGHT else 1


def section_strength(term: PostingTerm) -> int:
    """1-3 from where the ad puts the term and how often: the start before any cue.

    A tag weight says how much the job needs a term, not how rare the term is, so
    any other factor a posting weight carries must be divided out here.
    """
    return scale_weight(term.weight / term.specificity)


def term_strengths(terms: list[PostingTerm], text: str, vocab: Vocabulary) -> dict[str, int]:
    """How strongly the ad asks for each term (`term_strength`), by term key."""
    sentences = _sentences(text)
    said: dict[str, list[str]] = {term.term: [] for term in terms}
    written = _written_forms(terms)
    for sentence in sentences:
        # The vocabulary finds aliases; the written form finds what only a list's context
        # confirmed ("Strong Go:" on a line of its own) and terms the vocabulary lacks.
        keys = set(vocab.find(sentence)) | {written.get(m.group().lower(), "")
                                            for m in _any_term(tuple(written)).finditer(sentence)}
        for key in keys & said.keys():
            said[key].append(sentence)
    return {term.term: term_strength(term, said[term.term]) for term in terms}


def _written_forms(terms: list[PostingTerm]) -> dict[str, str]:
    return {term.display.lower(): term.term for term in terms if term.display}


@lru_cache(maxsize=64)
def _any_term(forms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the terms as written: a pass per sentence, not one per term."""
    alternatives = "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?<![\w.+#])(?:{alternatives})(?![\w+#])", re.IGNORECASE)


def term_strength(term: PostingTerm, said: list[str]) -> int:
    """0-3: how strongly the sentences that name `term` ask for it, as a hiring manager reads them.

    The section weight sets the start (requirements 3, tasks 2, nice to have 1);
    "must", "required", "strong", "5+ years" make a term central, "bonus", "a plus",
    "familiarity" make it a mention, and a sentence that only names a channel
    ("ask questions on our GitHub") does not count. Named only as a channel: 0.
    """
    hints = posting_hints()
    if not said:
        return section_strength(term)
    meant = [s for s in said if not _channel_only(s, term, hints)]
    if not meant:
        return 0
    soft_only = True
    for sentence in meant:
        cue = _cue(sentence, term, hints)
        if cue == "hard":
            return 3
        soft_only = soft_only and cue == "soft"
    base = section_strength(term)
    return min(base, 1) if soft_only else base


def _sentences(text: str) -> list[str]:
    """The ad cut into sentences, the unit a cue such as "must" or "a plus" speaks for.

    A sentence wrapped over several lines is one sentence; a bullet, a heading or a
    blank line starts a new one.
    """
    blocks: list[str] = []
    ended = True
    for line in (raw.strip() for raw in text.splitlines()):
        if ended or not line or _BLOCK_START.match(line):
            blocks.append(line)
        else:
            blocks[-1] += " " + line
        ended = not line or line.endswith((".", "!", "?", ":", ";"))
    pieces = (re.split(r"(?<=[.!?;])\s+", block) for block in blocks)
    return [piece for chunk in pieces for piece in chunk if piece]


_BLOCK_START = re.compile(r"[-*•·–]\s|\d+[.)]\s|#")


def _position(sentence: str, term: PostingTerm) -> int:
    """Where the sentence names the term as written in the ad, or -1."""
    match = re.search(rf"(?<![\w.+#]){re.escape(term.display)}(?![\w+#])", sentence, re.IGNORECASE)
    return match.start() if match else -1


def _channel_only(sentence: str, term: PostingTerm, hints: PostingHints) -> bool:
    """'Ask questions on our GitHub': the platform is where to talk, not what to know."""
    lower = sentence.lower()
    if term.display.lower() not in hints.channel_platforms and term.term not in hints.channel_platforms:
        return False
    return bool(hints.channel_phrases.search(lower)) and not hints.skill_cues.search(lower)


def _cue(sentence: str, term: PostingTerm, hints: PostingHints) -> str | None:
    """'hard', 'soft' or None: how the sentence qualifies the term.

    The nearest cue within reach speaks for the term ("Strong Python; Go is a
    plus"); a soft cue only on its own side of it (posting-hints.yaml). A hard cue
    further away still counts ("You must have 4+ years of professional experience
    writing Go"): the sentence as a whole is a requirement.
    """
    lower = sentence.lower()
    at = _position(sentence, term)
    hard = _spans(hints.hard, lower)
    if at < 0:  # named by an alias: no position to measure from
        soft = hints.soft_before.search(lower) or hints.soft_after.search(lower)
        return "soft" if soft else "hard" if hard else None
    end = at + len(term.display)
    near = [(max(start - end, at - stop, 0), 1, "hard") for start, stop in hard]
    near += [(at - stop, 0, "soft") for _, stop in _spans(hints.soft_before, lower) if stop <= at]
    near += [(start - end, 0, "soft") for start, _ in _spans(hints.soft_after, lower) if start >= end]
    within = [cue for cue in near if cue[0] <= hints.reach]
    if within:
        return min(within)[2]
    return "hard" if hard else None


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


# ---------------------------------------------------------------- key terms


@dataclass(frozen=True)
class JunkRules:
    """junk-terms.yaml, compiled: what is never a key term of an ad."""

    metadata_lines: tuple[re.Pattern[str], ...]
    identifier_shapes: tuple[re.Pattern[str], ...]
    markup_words: frozenset[str]


@cache
def junk_rules() -> JunkRules:
    data = _data("junk-terms.yaml")
    return JunkRules(
        tuple(re.compile(p, re.IGNORECASE) for p in data["metadata_lines"]),
        tuple(re.compile(p) for p in data["identifier_shapes"]),
        frozenset(str(w).lower() for w in data["markup_words"]),
    )


def is_metadata_line(line: str) -> bool:
    """A job board's furniture ("Posted 2 days ago · 143 applicants", "Job ID: W20-1183")."""
    line = line.strip().strip("*_#>-•· ").strip()
    return any(pattern.fullmatch(line) for pattern in junk_rules().metadata_lines)


def key_terms(terms: list[PostingTerm], text: str, company: str | None,
              vocab: Vocabulary) -> list[tuple[PostingTerm, int]]:
    """The posting terms worth showing a user, each with its strength (1-3): no
    identifiers, markup, page furniture, company name, or platform named only as
    a channel ("ask us on our GitHub").

    The term extractor keeps any tech-shaped token it does not know, so a page
    copied from a job board brings its tracking codes along; this is where
    new-job drops them. A term the skill table or the profile knows is never junk.
    """
    content = "\n".join(line for line in text.splitlines() if not is_metadata_line(line))
    kept = [term for term in terms
            if not is_junk_term(term, vocab) and not names_company(term, company, vocab)
            and (vocab.is_known(term.term) or _position(content, term) >= 0)]
    strengths = term_strengths(kept, content, vocab)
    return [(term, strengths[term.term]) for term in kept if strengths[term.term] > 0]


def is_junk_term(term: PostingTerm | CoverageTerm, vocab: Vocabulary) -> bool:
    """An identifier (camelCase, W20) or a markup word the vocabulary does not know as a skill."""
    if vocab.is_known(term.term):
        return False
    rules = junk_rules()
    return term.display.lower() in rules.markup_words or any(
        shape.fullmatch(term.display) for shape in rules.identifier_shapes)


def names_company(term: PostingTerm | CoverageTerm, company: str | None, vocab: Vocabulary) -> bool:
    """Whether a term the vocabulary does not know is (part of) the company's name."""
    if not company or vocab.is_known(term.term):
        return False
    words = set(_words(company))
    return bool(words) and set(_words(term.display)) <= words


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", re.sub(r"['’]s\b", "", text).lower())


# ---------------------------------------------------------------- company and role


@dataclass(frozen=True)
class PostingHints:
    """posting-hints.yaml, compiled: where an ad names its company and role, and its cues."""

    company_labels: tuple[str, ...]
    role_labels: tuple[str, ...]
    not_company: frozenset[str]
    boards_and_channels: frozenset[str]
    role_words: frozenset[str]
    title_lines: int
    subject_words: frozenset[str]
    reach: int
    hard: re.Pattern[str]
    soft_before: re.Pattern[str]
    soft_after: re.Pattern[str]
    channel_platforms: frozenset[str]
    channel_phrases: re.Pattern[str]
    skill_cues: re.Pattern[str]


@cache
def posting_hints() -> PostingHints:
    data = _data("posting-hints.yaml")

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data[key])

    def one_of(patterns: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))

    channels, strength = data["channels"], data["strength"]
    return PostingHints(
        tuple(data["company_labels"]), tuple(data["role_labels"]),
        words("not_company"), words("boards_and_channels"), words("role_words"),
        int(data["title_lines"]), words("subject_words"),
        int(strength["reach"]), one_of(strength["hard"]),
        one_of(strength["soft_before"]), one_of(strength["soft_after"]),
        frozenset(str(w).lower() for w in channels["platforms"]),
        one_of(channels["phrases"]), one_of(channels["skill_cues"]),
    )


MAX_FIELD = 80  # a company or a role longer than a line is prose, not a name
GUESS_CHARS = 20_000  # an ad names its company and role near the top; a whole web page need not be read


def guess_company_role(text: str, vocab: Vocabulary | None = None) -> tuple[str | None, str | None]:
    """The company and the role, read the way a recruiter skims an ad.

    Every place an ad names them gives a candidate with a confidence: labels
    ("Company: X"), the title block at the top ("Role at X", "X | Role", a name
    line the ad repeats), sentences ("X is hiring a Y", "Join X as Y", "At X,
    we"), an "About X" heading, and last a proper name the text keeps repeating
    as the subject of its sentences. The most confident one wins; None when
    nothing fits, so the caller can leave a placeholder. `vocab` keeps known
    skills ("Python is a must", "at AWS") from passing for a company on the
    weak evidence of repetition or "at".
    """
    hints = posting_hints()
    vocab = vocab or _builtin_vocab()
    lines = [line for line in (_strip_markup(raw) for raw in text[:GUESS_CHARS].splitlines())
             if line and not is_metadata_line(line)]
    text = "\n".join(lines)  # "**Helio** is hiring": the sentences without their markup
    companies: list[tuple[int, str | None]] = []
    roles: list[tuple[int, str | None]] = []
    labelled_role = _labelled(lines, hints.role_labels)
    companies.append((100, _labelled(lines, hints.company_labels)))
    roles.append((100, labelled_role and _role(labelled_role, hints)))
    for score, (company, role) in _sentence_guesses(text, hints):
        companies.append((score, company))
        roles.append((score - 5, role))
    for company_guess, role_guess in _title_guesses(lines[: hints.title_lines], hints, text):
        companies.append(company_guess)
        roles.append(role_guess)
    companies += _about(lines, hints)
    companies += _at_mentions(text, hints, vocab)
    companies += _repeated_names(text, hints, vocab)
    return _best(companies), _best(roles)


@cache
def _builtin_vocab() -> Vocabulary:
    return Vocabulary.build()


def _best(candidates: list[tuple[int, str | None]]) -> str | None:
    """The most confident usable candidate (the earliest among equals)."""
    usable = [(score, value) for score, value in candidates
              if value and _fits_a_field(value)]
    return max(usable, key=lambda c: c[0])[1] if usable else None


def _fits_a_field(value: str) -> bool:
    return len(value) <= MAX_FIELD and "\n" not in value and value.isprintable()


def _strip_markup(line: str) -> str:
    """'## 🚀 **Data Engineer**' -> 'Data Engineer': heading marks, emoji and emphasis say nothing."""
    line = re.sub(r"^\s*#{1,6}\s*", "", line).strip()
    line = line.lstrip("".join(c for c in line[:8] if unicodedata.category(c) in _SYMBOLS)).strip()
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    return line.strip().strip("*_").strip()


_SYMBOLS = frozenset({"So", "Sk", "Cf", "Mn", "Zs"})  # emoji, their joiners and modifiers, spaces


def _labelled(lines: list[str], labels: tuple[str, ...]) -> str | None:
    names = "|".join(map(re.escape, labels))
    pattern = re.compile(rf"^(?:{names})\s*[:：]\s*(.+)$", re.IGNORECASE)
    for line in lines:
        match = pattern.match(line)
        if match:
            return _tidy(match.group(1))
    return None


# A capitalised word, then more of them; "of", "and", "de" only inside a name ("Bank of Ireland").
_NAME = r"[A-Z0-9][\w&.'’-]*(?: (?:(?:of|and|de|la|für) )?[A-Z0-9&][\w&.'’-]*)*"
# Company names start a sentence: "Kestrel Freight is hiring a Data Engineer to ...".
_SENTENCE_START = r"(?:^|(?<=[.!?] ))"
# "is hiring a", and German ads' "sucht eine:n" ("Die Stadtwerke München suchen einen Data Engineer").
_SEEKS = (r"(?:(?:is|are) (?:hiring|looking for|seeking|searching for|recruiting) "
          r"(?:an? |our (?:next |new |first )?)?"
          r"|such(?:t|en)(?: ab sofort| zum nächstmöglichen Zeitpunkt)? "
          r"(?:eine?[nr]?(?:[:*_/]in|[:*_/]n)? )?)")
_HIRING = re.compile(rf"{_SENTENCE_START}(?P<company>{_NAME}) {_SEEKS}(?P<role>[^.,;:!?()\n]{{3,80}})",
                     re.MULTILINE)
# "My client, a fintech in Amsterdam, is hiring a Machine Learning Engineer": the role only.
_HIRING_ANYONE = re.compile(rf"\b{_SEEKS}(?P<role>[^.,;:!?()\n]{{3,80}})")
_JOIN = re.compile(rf"\b[Jj]oin (?P<company>{_NAME})(?: as (?:an? |our )?(?P<role>[^.,;:!?()\n]{{3,80}}))?")
_AT_WE = re.compile(rf"(?:^|(?<=[.!?] ))At (?P<company>{_NAME}),? (?:we|our)\b", re.MULTILINE)
_ROLE_END = re.compile(r"\s+(?:to|who|in|for|with|based|that|and|on|at|from|remote|für|zur|zum|mit|im)\b.*$",
                       re.IGNORECASE)


def _sentence_guesses(text: str, hints: PostingHints) -> list[tuple[int, tuple[str | None, str | None]]]:
    """'X is hiring a Y' (90), 'Join X as Y' (80), '... is hiring a Y' (80), 'At X, we' (70)."""
    found: list[tuple[int, tuple[str | None, str | None]]] = []
    for score, pattern in ((90, _HIRING), (80, _JOIN), (80, _HIRING_ANYONE), (70, _AT_WE)):
        for match in pattern.finditer(text):
            company, role = match.groupdict().get("company"), match.groupdict().get("role")
            found.append((score, (company and _company(_possessive(company), hints),
                                  role and _role(_ROLE_END.sub("", role), hints))))
    return found


_AT = re.compile(r"\s+(?:at|@)\s+")
_SEPARATORS = re.compile(r"\s+[-|·]\s+|\s*[|·–—]\s*")


_Guess = tuple[int, str | None]


def _title_guesses(lines: list[str], hints: PostingHints, text: str) -> list[tuple[_Guess, _Guess]]:
    """The title block: "Data Engineer at Kestrel Freight", "Kestrel Freight | Data Engineer",
    or the name and the title on lines of their own. Earlier lines weigh more, and
    a title line names the role better than any sentence (95 down to 90).

    After "at" the rest is the company; beside a dash or bar, or on a line of its
    own, a name could as well be a place or a team, so it counts as the company
    only when the ad names it again.
    """
    guesses = (_title_line(line, number, hints, text) for number, line in enumerate(lines))
    return [guess for guess in guesses if guess]


def _title_line(line: str, number: int, hints: PostingHints, text: str) -> tuple[_Guess, _Guess] | None:
    if len(line) > 100 or re.match(r"[-*•·]\s", line):
        return None
    # "Senior Data Scientist at Example GmbH. Python, SQL." names both in its first sentence.
    first = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0].rstrip(".!?")
    at = _AT.split(first, maxsplit=1)
    if len(at) == 2 and _role(at[0], hints):
        company = _company(_SEPARATORS.split(at[1])[0], hints, weak=True)
        return (85 - number, company), (95 - number, _role(at[0], hints))
    if line.endswith((".", "!", "?", ":", ",")):
        return None
    on_its_own = re.match(r"(?:at|@)\s+(.+)", line)  # "at Wavelength Health (View all jobs)"
    if on_its_own:
        company = _company(_without_suffix(_SEPARATORS.split(on_its_own.group(1))[0]), hints, weak=True)
        return (85 - number, company), (0, None)
    parts = [p for p in (_tidy(p) for p in _SEPARATORS.split(line)) if p]
    role = next((p for p in parts if _role(p, hints)), None)
    names = [p for p in parts if p is not role and re.fullmatch(_NAME, p) and _named_again(p, text)]
    company = next((c for c in (_company(n, hints, weak=True) for n in names) if c), None)
    return (65 - number, company), (95 - number, role and _role(role, hints))


def _named_again(name: str, text: str) -> bool:
    """Whether the ad mentions `name` again, and not as a place ("in Berlin", "from Berlin")."""
    mentions = re.findall(rf"(\w+\s+)?(?<![\w-]){re.escape(name)}(?![\w-])", text)
    places = {"in", "near", "from", "to", "around", "across"}
    return sum(1 for before in mentions[1:] if before.strip().lower() not in places) >= 1


def _about(lines: list[str], hints: PostingHints) -> list[tuple[int, str | None]]:
    """An "About Halcyon Health" heading (80), or "About the company" over a name line (75)."""
    found: list[tuple[int, str | None]] = []
    for number, line in enumerate(lines):
        match = re.match(r"^(?:About|Über)\s+([A-Z].{1,59}?)[:.!]?$", line)
        if match:
            found.append((80, _company(match.group(1), hints)))
        elif re.fullmatch(r"About (?:the|this) (?:company|employer|organi[sz]ation)[:.]?", line, re.I):
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if re.fullmatch(_NAME, following):
                found.append((75, _company(following, hints)))
    return found


_AT_NAME = re.compile(rf"\b(?:at|@) (?P<company>{_NAME})")


def _at_mentions(text: str, hints: PostingHints, vocab: Vocabulary) -> list[tuple[int, str | None]]:
    """'work at Vantor Energy on ...' (50), when the ad names the company more than once."""
    names = dict.fromkeys(_possessive(match.group("company")) for match in _AT_NAME.finditer(text))
    return [(50, _company(name, hints, weak=True)) for name in names
            if _named_again(name, text) and not vocab.is_known(vocab.key(name))]


_PROPER = re.compile(r"(?<![\w@#.&'’-])[A-Z][\w&'’-]*(?: (?:(?:&|of|and) )?[A-Z][\w&'’-]*)*")


def _repeated_names(text: str, hints: PostingHints, vocab: Vocabulary) -> list[tuple[int, str | None]]:
    """A proper name the ad repeats and makes the subject of a sentence (40 + mentions).

    "Marrow Bio designs enzymes ... Marrow Bio's lab": the company, even when no
    pattern names it. Known skills, stopwords, role and heading words never count.
    """
    counts: Counter[str] = Counter()
    acting: set[str] = set()
    people: set[str] = set()  # and places
    plausible: dict[str, bool] = {}
    for match in _PROPER.finditer(text):
        name = _possessive(match.group())
        if name not in plausible:
            plausible[name] = _plausible_name(name, hints, vocab)
        if not plausible[name]:
            continue
        counts[name] += 1
        end = match.start() + len(name)
        if _acts(text[end:end + 30], hints):
            acting.add(name)
        if _PERSON_BEFORE.search(text, max(0, match.start() - 20), match.start()) or _introduced(
                text[end:end + 60], hints):
            people.add(name)
    return [(40 + min(count, 9), name) for name, count in counts.items()
            if count >= 2 and name in acting - people]


# "You'll report to Jana, our Head of Data": a person, however often the ad names her;
# "offices in Berlin": a place.
_PERSON_BEFORE = re.compile(r"\b(?:report(?:s|ing)? to|meet|managed by|led by|work(?:ing)? with"
                            r"|in|near|from|around|across|based in)\s+\Z")


def _introduced(after: str, hints: PostingHints) -> bool:
    """Whether a name is followed by a job title: "Jana, our Head of Data"."""
    title = re.match(r",\s+(?:our|your|the|a|an)\s+([^,.;]{0,40})", after)
    return bool(title and hints.role_words & set(re.findall(r"[a-z]+", title.group(1).lower())))


def _acts(after: str, hints: PostingHints) -> bool:
    """Whether the words after a name make it the subject: "'s lab", " builds", " is a"."""
    if re.match(r"['’]s\b", after):
        return True
    return any(re.match(rf" {re.escape(words)}\b", after) for words in hints.subject_words)


def _plausible_name(name: str, hints: PostingHints, vocab: Vocabulary) -> bool:
    words = name.lower().split()
    return (len(words) <= 4 and name.lower() not in hints.not_company | hints.boards_and_channels
            and not (words[0] in _stop_words() or vocab.is_known(vocab.key(name)))
            and not hints.role_words & set(words) and not is_metadata_line(name))


@cache
def _stop_words() -> frozenset[str]:
    lines = (line.split("#", 1)[0].strip() for line in
             (resources.files("cvsite") / "data" / "stopwords.txt").read_text(encoding="utf-8").splitlines())
    return frozenset(line.lower() for line in lines if line)


def _possessive(name: str) -> str:
    return re.sub(r"['’]s$", "", name)


def _company(value: str, hints: PostingHints, weak: bool = False) -> str | None:
    """`value` as a company name, or None. A `weak` guess (repeated, after "at", in the
    title block) is never a job board or a channel."""
    value = _tidy(value)
    words = value.split()
    if not value or len(words) > 6 or value.lower() in hints.not_company:
        return None
    if weak and value.lower() in hints.boards_and_channels:
        return None
    if words[0].lower() in {"we", "you", "our", "this", "your", "they", "us", "a", "an", "wir", "uns"}:
        return None
    if words[0].lower() in {"the", "die", "der", "das"} and not (len(words) > 1 and words[1][:1].isupper()):
        return None  # "The team"; but "The New York Times", "Die Stadtwerke München"
    return value if value[0].isupper() or value[0].isdigit() else None


def _without_suffix(role: str) -> str:
    """'Data Engineer (m/f/d)' -> 'Data Engineer': a trailing note in brackets is not the title."""
    return _tidy(re.sub(r"\s*\([^)]*\)\s*$", "", role)) or role


def _role(value: str, hints: PostingHints) -> str | None:
    value = _without_suffix(value)
    # "a passionate Senior Data Engineer": the title starts at its first capital.
    value = re.sub(r"^(?:[a-z][\w-]* )+(?=[A-Z])", "", value)
    words = re.findall(r"[a-z]+", value.lower())
    if not value or len(words) > 8 or not hints.role_words & set(words):
        return None
    return value[0].upper() + value[1:]


def _tidy(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip(" \t*_\"'“”.,;:!-–—|")
