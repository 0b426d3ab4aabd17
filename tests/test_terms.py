"""Tests for cvsite.terms: the traps real keyword matchers fell into, one by one."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvsite.terms import PostingTerm, Vocabulary, extract_posting_terms, read_posting

VOCAB = Vocabulary.build()
FRESH = Vocabulary.build()  # a second build must behave the same (no hidden global state)


def found(text: str, vocab: Vocabulary = VOCAB) -> set[str]:
    return set(vocab.find(text))


def k(term: str) -> str:
    return VOCAB.key(term)


def terms_of(posting: str, vocab: Vocabulary = VOCAB) -> dict[str, PostingTerm]:
    return {t.term: t for t in extract_posting_terms(posting, vocab)}


# --- The built-in data ------------------------------------------------------------


def test_builtin_table_is_a_few_hundred_entries() -> None:
    assert len(VOCAB._display) >= 300


def test_no_stopword_is_a_builtin_term() -> None:
    assert not (VOCAB._stop_keys & set(VOCAB._display)), "a skill would never be extracted"


def test_section_weights_order_requirements_over_nice_to_have_over_benefits() -> None:
    from cvsite.terms import _section_rules

    weights = {rule.name: rule.weight for rule in _section_rules()[1]}
    assert weights["requirements"] > weights["nice_to_have"] > 0
    assert weights["responsibilities"] > weights["nice_to_have"]
    assert weights["benefits"] == weights["legal"] == weights["not_required"] == 0
    # the company's own description is context: above nothing, below any real requirement
    assert 0 < weights["company"] < weights["nice_to_have"]
    assert weights["title"] > weights["requirements"], "the job title says what the job is"


def test_duplicate_form_in_builtin_table_is_refused() -> None:
    from cvsite.terms import _TableBuilder

    builder = _TableBuilder()
    builder.add_builtin("Kubernetes", ["k8s"], [])
    with pytest.raises(ValueError, match="k8s"):
        builder.add_builtin("Amazon EKS", ["K8S"], [])


# --- Whole terms, not substrings --------------------------------------------------


def test_ml_is_not_found_inside_html() -> None:
    assert found("Wrote HTML and CSS templates") == {k("HTML"), k("CSS")}
    assert k("ML") in found("ML models served as HTML reports")


def test_ai_is_not_found_inside_maintained() -> None:
    assert k("AI") not in found("Maintained the billing service")
    assert k("AI") in found("Built AI-powered search")


def test_java_and_javascript_are_different_skills() -> None:
    assert found("Widgets in JavaScript") == {k("JavaScript")}
    assert found("Services in Java 17") == {k("Java")}
    assert found("Java and JavaScript") == {k("Java"), k("JavaScript")}
    assert k("Java") != k("JavaScript")
    assert found("Javascripting is not a word") == set()


# --- Ambiguous English words ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "React to incidents within minutes.",
        "We go the extra mile for customers.",
        "Swift delivery of features.",
        "Our go-to-market team is growing.",
        "Reporting to the C-suite.",
        "Series C funding, strong R&D budget.",
        "Sparks fly when the team reacts quickly and goes further.",
        "Brush off the rust and express yourself.",
    ],
)
def test_ambiguous_words_in_plain_english_are_not_skills(text: str) -> None:
    ambiguous = {k(word) for word in ("Go", "React", "Swift", "C", "R", "Spark", "Rust", "Express")}
    assert not (found(text) & ambiguous)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Go, Python and Rust", {"Go", "Python", "Rust"}),
        ("React and TypeScript", {"React", "TypeScript"}),
        ("Services in golang", {"Go"}),
        ("Five years of experience with React", {"React"}),
        ("Our API is written in Go", {"Go", "APIs"}),
        ("Senior Go Engineer", {"Go"}),
        ("Proficiency in R is required", {"R"}),
        ("C/C++ on embedded targets", {"C", "C++"}),
        ("Go, Rust, Swift", {"Go", "Rust", "Swift"}),
        ("Go (Golang) services", {"Go"}),
        ("Batch jobs on Spark and Kafka", {"Spark", "Kafka"}),
        ("React Native apps", {"React Native"}),
        ("Apps in Swift 5", {"Swift"}),
    ],
)
def test_ambiguous_words_with_technical_context_are_skills(text: str, expected: set[str]) -> None:
    assert found(text) == {k(name) for name in expected}


@pytest.mark.parametrize(
    "text",
    [
        "React to incidents in our Kubernetes clusters",
        "Join the on-call rotation and react quickly to incidents.",
        "Python experts go the extra mile",
        "SQL or rust away",
    ],
)
def test_verbs_next_to_a_skill_are_still_english(text: str) -> None:
    ambiguous = {k(word) for word in ("Go", "React", "Rust")}
    assert found(text) and not (found(text) & ambiguous)


def test_lower_case_ambiguous_words_in_a_list_are_skills() -> None:
    assert found("python, go, rust and react") == {k(n) for n in ("Python", "Go", "Rust", "React")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("- Go\n- Rust", {"Go", "Rust"}), ("Skills:\n* Swift.\n", {"Swift"}), ("1. React", {"React"})],
)
def test_ambiguous_word_alone_on_a_bullet_line_is_a_skill(text: str, expected: set[str]) -> None:
    assert found(text) == {k(name) for name in expected}


# --- Punctuation in names ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("C++", "C++"),
        ("C#", "C#"),
        (".NET", ".NET"),
        ("Node.js", "Node.js"),
        ("CI/CD", "CI/CD"),
        ("scikit-learn", "scikit-learn"),
    ],
)
def test_names_with_punctuation_match_as_themselves_only(text: str, name: str) -> None:
    assert found(f"Experience: {text}.") == {k(name)}
    assert found(f"({text}, Python)") == {k(name), k("Python")}


def test_punctuated_names_keep_distinct_keys() -> None:
    keys = [k(name) for name in ("C", "C++", "C#", ".NET", "Node.js", "JavaScript", "F#")]
    assert len(set(keys)) == len(keys)
    assert k("node.js") == "node.js", "protected terms are never stemmed"


def test_punctuated_names_spelling_variants() -> None:
    assert found("ci-cd and CICD and continuous integration") == {k("CI/CD")}
    assert found("sklearn or scikit learn") == {k("scikit-learn")}
    assert found("NodeJS and node.js") == {k("Node.js")}
    assert found("dotnet, ASP.NET") == {k(".NET"), k("ASP.NET")}


# --- Longest term first -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("machine learning", "machine learning"),
        ("distributed systems", "distributed systems"),
        ("GitHub Actions", "GitHub Actions"),
        ("window functions", "window functions"),
        ("A/B testing", "A/B testing"),
        ("Spring Boot", "Spring Boot"),
        ("SQL Server", "Microsoft SQL Server"),
        ("Amazon EKS", "Amazon EKS"),
    ],
)
def test_multi_word_terms_are_matched_whole(text: str, name: str) -> None:
    assert found(f"We rely on {text} daily.") == {k(name)}


def test_multi_word_terms_across_separators_and_line_breaks() -> None:
    assert found("machine-learning, Machine\nLearning, MACHINE LEARNING") == {k("machine learning")}
    assert VOCAB.find("machine-learning, Machine\nLearning")[k("ML")] == 2


# --- Case, punctuation, plural and version insensitivity --------------------------


@pytest.mark.parametrize(
    "group",
    [
        ["Python", "python", "PYTHON", "Python 3.11", "python3", "Python3.11", "python-3"],
        ["PostgreSQL", "Postgres", "postgres", "postgresql"],
        ["A/B testing", "A/B tests", "a/b test", "AB testing", "A-B Testing"],
        ["machine learning", "Machine-Learning", "machine_learning", "ML", "ml"],
        ["Kubernetes", "k8s", "K8s"],
        ["JavaScript", "JS", "javascript", "ES6"],
        ["Go", "golang", "Golang", "Go 1.21"],
        ["Vue.js", "Vue", "Vue 3.x", "vuejs"],
        ["LLM", "LLMs", "large language models", "Large Language Model"],
        ["Distributed systems", "distributed system"],
        ["Java", "Java 17", "java17"],
    ],
)
def test_spellings_share_one_key(group: list[str]) -> None:
    assert len({k(term) for term in group}) == 1, {term: k(term) for term in group}


def test_versions_in_text_count_the_base_skill() -> None:
    counts = VOCAB.find("Python 3.11, python3 and Python3.11; HTML5 and CSS3")
    assert counts[k("Python")] == 3
    assert counts[k("HTML")] == 1 and counts[k("CSS")] == 1


def test_glued_versions_do_not_turn_letters_into_languages() -> None:
    assert k("R2") != k("R")
    assert found("Data lives in R2 and C4 diagrams") == set()


def test_unknown_tags_still_compare_equal() -> None:
    assert k("Feature-Flags") == k("feature flag") == k("feature_flags")
    assert k("Widgets") == k("widget")
    assert k("Grafana Loki") == k("grafana-loki")
    assert not VOCAB.is_known(k("widget"))


def test_display_names() -> None:
    assert VOCAB.display(k("postgres")) == "PostgreSQL"
    assert VOCAB.display(k("k8s")) == "Kubernetes"
    assert VOCAB.display("no such term") == "no such term"


# --- Over-aliasing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("EKS", "Kubernetes"),
        ("GKE", "Kubernetes"),
        ("Node.js", "JavaScript"),
        ("Java", "JavaScript"),
        ("TypeScript", "JavaScript"),
        ("Computer vision", "CV"),
        ("React", "React Native"),
        ("VCs", "version control"),
    ],
)
def test_related_terms_are_not_aliases(one: str, other: str) -> None:
    assert k(one) != k(other)
    assert k(other) not in found(f"Five years with {one}.")


# --- Profile extensions ------------------------------------------------------------


def test_profile_aliases_extend_the_table() -> None:
    vocab = Vocabulary.build(aliases={"RoR": "Ruby on Rails", "Spanner": "Google Spanner"})
    assert vocab.key("RoR") == vocab.key("Ruby on Rails")
    assert vocab.key("Spanner") == vocab.key("Google Spanner")
    assert vocab.is_known(vocab.key("Spanner"))
    assert vocab.find("Migrated RoR apps to Spanner") == {
        vocab.key("Ruby on Rails"): 1,
        vocab.key("Spanner"): 1,
    }
    assert not VOCAB.is_known(VOCAB.key("Spanner")), "the built-in vocabulary is not changed"


def test_profile_skills_become_known_terms_with_their_aliases() -> None:
    vocab = Vocabulary.build(skills=[("Foobar DB", ["fdb"]), ("PostgreSQL", ["pgsql"])])
    key = vocab.key("Foobar DB")
    assert vocab.display(key) == "Foobar DB"
    assert vocab.find("Tuned FDB and pgsql queries") == {key: 1, vocab.key("postgres"): 1}
    assert vocab.key("pgsql") == VOCAB.key("PostgreSQL")
    assert VOCAB.find("Tuned FDB queries") == {}


def test_profile_aliases_win_over_the_builtin_table() -> None:
    vocab = Vocabulary.build(aliases={"EKS": "Kubernetes"})
    assert vocab.key("EKS") == vocab.key("Kubernetes")


def test_profile_skill_names_are_extracted_from_postings() -> None:
    vocab = Vocabulary.build(skills=[("Quantum annealing", [])])
    posting = "Requirements\n- quantum annealing on real hardware\n"
    assert vocab.key("Quantum annealing") in terms_of(posting, vocab)


# --- Posting extraction ------------------------------------------------------------

POSTING = """\
Senior Data Scientist (Python)

About Acme
Acme is a fast-growing company. We love Excel and our team is strong.

What you'll do
- Build machine learning models and run A/B tests.
- React to incidents and go the extra mile.

Requirements
- 5+ years of experience with Python and SQL (PostgreSQL preferred).
- Strong knowledge of statistics and window functions.
- Experience with Snowflake, Pinot and dbt.

Nice to have
- Kubernetes, Terraform

Benefits
- Free Tableau training, Peloton membership and Python books.

Equal opportunity
We welcome everyone, including Haskell fans.
"""


def test_requirements_weigh_more_than_nice_to_have() -> None:
    terms = terms_of(POSTING)
    assert terms[k("PostgreSQL")].weight > terms[k("Kubernetes")].weight
    assert terms[k("PostgreSQL")].sections == ("requirements",)
    assert terms[k("Kubernetes")].sections == ("nice_to_have",)


def test_benefits_and_boilerplate_only_terms_are_absent() -> None:
    terms = terms_of(POSTING)
    for name in ("Tableau", "Haskell"):
        assert k(name) not in terms
    assert "peloton" not in terms and "acme" not in terms
    excel = terms[k("Excel")]  # "About Acme ... We love Excel": context, at a low weight
    assert excel.sections == ("company",) and excel.notes[0].startswith("context")
    assert excel.weight < terms[k("Kubernetes")].weight


def test_terms_also_in_benefits_count_only_where_they_matter() -> None:
    python = terms_of(POSTING)[k("Python")]
    assert python.count == 2
    assert python.sections == ("title", "requirements")  # "Senior Data Scientist (Python)" leads


def test_generic_posting_words_are_never_extracted() -> None:
    posting = POSTING + (
        "\nRequirements\nExperience, Team, Strong, Data, You, Years, Role and Python.\n"
        "Data\nTeam\n## Experience\nYou will use Python, Data, Experience and SQL.\n"
    )
    vocab = Vocabulary.build(skills=[("Data", []), ("Team", [])])
    extracted = terms_of(posting, vocab)
    for word in ("experience", "team", "strong", "data", "you", "years", "role"):
        assert vocab.key(word) not in extracted
        assert word not in {t.display.lower() for t in extracted.values()}


def test_unknown_technical_terms_are_reported_conservatively() -> None:
    terms = terms_of(POSTING)
    assert terms["pinot"].display == "Pinot"
    assert terms["pinot"].weight < terms[k("dbt")].weight, "a guess ranks below a known skill"
    extracted = terms_of(
        "Requirements\n- Models in ClickPipes and H2O, served via Apache Pulsar.\n"
        "- Based in Berlin, Germany.\n"
    )
    assert {"clickpipe", "h2o", "apache pulsar"} <= set(extracted)
    assert "berlin" not in extracted and "germany" not in extracted and "based" not in extracted


@pytest.mark.parametrize(
    "posting",
    [
        "At PayCo we move money.\nRequirements\n- Python, PayCo tooling\n",
        "About ShopX\nShopX is big.\nRequirements\n- Python, ShopX\n",
        "ShopX's data team\nRequirements\n- Python, ShopX\n",
    ],
)
def test_company_names_are_not_reported_as_skills(posting: str) -> None:
    assert set(terms_of(posting)) == {k("Python")}


def test_order_is_weight_then_first_occurrence() -> None:
    extracted = extract_posting_terms(POSTING, VOCAB)
    keys = [(-t.weight) for t in extracted]
    assert keys == sorted(keys)
    requirements = [t.term for t in extracted if t.weight == 1.5]  # SQL and statistics: common, lower
    assert requirements[:3] == [k("PostgreSQL"), k("window functions"), k("Snowflake")]


def test_posting_terms_are_frozen_records_with_positive_weight() -> None:
    extracted = extract_posting_terms(POSTING, VOCAB)
    assert all(t.weight > 0 and t.count >= 1 and t.sections for t in extracted)
    with pytest.raises(dataclasses.FrozenInstanceError):
        extracted[0].weight = 0  # type: ignore[misc]


def test_repetition_is_dampened() -> None:
    once = terms_of("Requirements\nPython\n")[k("Python")].weight
    many = terms_of("Requirements\n" + "Python. " * 20 + "\n")[k("Python")].weight
    assert once < many < 3 * once


def test_inline_heading_applies_to_its_line_only() -> None:
    posting = "Location: Berlin, near the Kafka museum\nWe build pipelines in Python and Kafka.\n"
    assert terms_of(posting)[k("Kafka")].count == 1
    assert terms_of("Requirements: Python\nNice to have: Rust, Go\n")[k("Python")].sections == (
        "requirements",
    )


@pytest.mark.parametrize(
    "heading",
    ["## Nice-to-haves", "**Bonus points**", "NICE TO HAVE:", "Preferred Qualifications", "Pluses:"],
)
def test_nice_to_have_heading_spellings(heading: str) -> None:
    assert terms_of(f"{heading}\n- Rust, Go\n")[k("Rust")].sections == ("nice_to_have",)


@pytest.mark.parametrize(
    "heading",
    ["What we offer", "## Benefits & Perks", "Why join us?", "**Perks**", "Not required:"],
)
def test_zero_weight_heading_spellings(heading: str) -> None:
    assert terms_of(f"{heading}\n- Free Rust and Go courses\n") == {}


@pytest.mark.parametrize("heading", ["About us", "About Acme Corp:", "Who we are"])
def test_company_heading_spellings_give_context(heading: str) -> None:
    rust = terms_of(f"{heading}\n- Our platform runs on Rust and Go\n")[k("Rust")]
    assert rust.sections == ("company",) and rust.weight < 0.5


@pytest.mark.parametrize(
    "heading", ["Requirements", "What You’ll Need:", "# Must-haves", "Who you are", "About the role"]
)
def test_requirement_and_role_heading_spellings(heading: str) -> None:
    weight = terms_of(f"{heading}\n- Rust\n")[k("Rust")].weight
    assert weight > 1.0


def test_sentence_starting_like_a_heading_is_content() -> None:
    posting = "Benefits\n- Gym\nAbout half of your time you will write Python and SQL every day.\n"
    assert k("Python") not in terms_of(posting), "still in benefits: the sentence is no heading"
    posting = "Requirements\nExperience with Python matters more than anything else here.\n"
    assert k("Python") in terms_of(posting)


def test_empty_and_boilerplate_only_postings() -> None:
    assert extract_posting_terms("", VOCAB) == []
    assert extract_posting_terms("Benefits\n- Python lessons\n", VOCAB) == []


def test_find_returns_a_fresh_counter() -> None:
    counts = VOCAB.find("Python and SQL")
    counts["python"] = 99
    assert VOCAB.find("Python and SQL")["python"] == 1


# --- Properties -------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "Go",
        "go",
        "React",
        "react",
        "Swift",
        "R",
        "C",
        "C++",
        "C#",
        ".NET",
        "Node.js",
        "CI/CD",
        "scikit-learn",
        "Python 3.11",
        "python3",
        "ML",
        "HTML",
        "Java",
        "JavaScript",
        "A/B tests",
        "machine",
        "learning",
        "Requirements",
        "Nice to have:",
        "Benefits",
        "## About us",
        "-",
        ",",
        "and",
        "(",
        ")",
        "/",
        "&",
        "\n",
        "- ",
        "Pinot",
        "LightGBM",
        "H2O",
        "Apache",
        "Foo.js",
        "Experience",
        "Team",
        "İ",
        "ß",
        "ſ",
        "K",
        "Go-to-market",
        "R&D",
        "v2",
        ".",
        "  ",
    ]
)
TEXTS = st.one_of(st.text(), st.lists(WORDS, max_size=40).map(" ".join), st.lists(WORDS).map("".join))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_find_never_raises_and_is_deterministic(text: str) -> None:
    first = VOCAB.find(text)
    assert first == VOCAB.find(text) == FRESH.find(text)
    assert all(VOCAB.is_known(key) and count > 0 for key, count in first.items())


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_extract_never_raises_and_is_deterministic(text: str) -> None:
    first = extract_posting_terms(text, VOCAB)
    assert first == extract_posting_terms(text, VOCAB) == extract_posting_terms(text, FRESH)
    weights = [t.weight for t in first]
    assert all(weight > 0 for weight in weights) and weights == sorted(weights, reverse=True)
    assert len({t.term for t in first}) == len(first)
    assert not ({t.term for t in first} & VOCAB._stop_keys)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_key_is_idempotent(term: str) -> None:
    assert VOCAB.key(VOCAB.key(term)) == VOCAB.key(term)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_key_ignores_ascii_case(term: str) -> None:
    assert VOCAB.key(term.upper()) == VOCAB.key(term.lower())


# --- Concept table (concepts.yaml): each family and the traps it could open ------------


def test_concept_table_names_only_known_entries() -> None:
    from cvsite.terms import _concepts

    concepts = _concepts()
    for _, name, _ in concepts.forms:
        assert VOCAB.is_known(k(name)), name
    for terms, to, credit in concepts.related:
        assert all(VOCAB.is_known(k(name)) for name in (*terms, *to))
        assert 0 < credit < 1, "partial credit, never a full alias"


def test_bad_concept_entries_are_refused() -> None:
    from cvsite.terms import _TableBuilder

    builder = _TableBuilder()
    with pytest.raises(ValueError, match="'Nonexistent skill' is not an entry"):
        builder.add_forms("roles", "Nonexistent skill", ["nonexistent engineer"])
    with pytest.raises(ValueError, match="'Nothing' is not a known term"):
        builder.relate(["Nothing"], ["Python"], 0.5)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Wrote 15 design specs and two public incident retros", "Design docs"),
        ("Wrote 15 design specs and two public incident retros", "Postmortems"),
        ("blameless post-mortems after every outage", "Postmortems"),
        ("Role-based access control for 30 services", "Access control"),
        ("Led the pricing strategy for the new tier", "Pricing"),
        ("Joined the on call rotation", "On-call"),
        ("Mentored four junior engineers", "Mentoring"),
        ("Weekly stakeholder updates for the CFO", "Stakeholder management"),
    ],
)
def test_kinds_of_work_are_found(text: str, name: str) -> None:
    assert k(name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "We review every design with care",  # "design" and "review" alone are no kind of work
        "Our hiring process takes two weeks",
        "Competitive pricing for customers",  # still found, but not "Design docs" or "Access control"
        "Work authorization required",  # authorization alone is no access control
    ],
)
def test_kinds_of_work_do_not_fire_on_ordinary_words(text: str) -> None:
    assert not {k("Design docs"), k("Access control"), k("Interviewing"), k("Postmortems")} & found(text)


def test_role_nouns_map_to_their_discipline_only_as_a_phrase() -> None:
    assert found("We are hiring a data engineer") == {k("Data engineering")}
    assert found("Senior Frontend Developer") == {k("Frontend development")}
    assert k("Data engineering") not in found("an engineer who loves data")
    assert k("Machine learning") in found("ML engineer")
    assert k("Frontend development") not in found("an engineer")
    assert found("Web Developer") == {k("Web development")}
    assert k("Web development") not in found("a developer for the web team")


def test_word_forms_and_spellings() -> None:
    assert k("forecast") == k("Forecasting") and k("forecasts") == k("Forecasting")
    assert k("Ran experiments on pricing") != k("Experimentation")
    assert k("Experimentation") in found("Ran experiments on the checkout")
    assert k("Experimentation") not in found("the experiment browser our scientists use")
    assert k("cost optimisation") == k("Cost optimization") == k("cost optimization")
    assert k("data visualisations") == k("Data visualization")
    assert k("Containerisation") == k("containerization")  # an existing pair keeps its owner


def test_spelling_twins_never_claim_another_entry() -> None:
    from cvsite.terms import _spellings

    assert _spellings("optimisation") == ("optimisation", "optimization")
    assert _spellings("optimize") == ("optimize", "optimise")
    assert _spellings("size") == ("size",) and _spellings("rise") == ("rise",)
    assert k("enterprise") == "enterprise"  # a twin is added only for table forms, never to free words


def test_related_terms_give_partial_credit_both_ways() -> None:
    assert k("Amazon RDS") != k("PostgreSQL") and k("EKS") != k("Kubernetes")
    assert dict(VOCAB.related(k("Amazon RDS")))[k("PostgreSQL")] == 0.5
    assert dict(VOCAB.related(k("Kubernetes")))[k("Amazon EKS")] == 0.5  # both ways
    assert dict(VOCAB.related(k("Frontend development")))[k("Full-stack development")] == 0.5
    assert VOCAB.related(k("Java")) == ()  # Java and JavaScript stay unrelated


def test_profile_tags_become_terms_but_not_noise() -> None:
    vocab = Vocabulary.build(tags=["three-way-match", "x", "team", "go", "12"])
    assert vocab.key("three-way-match") in set(vocab.find("Three-way match of invoices"))
    assert not vocab.find("x marks the spot for the team in 12 days")
    assert not vocab.find("Please react quickly and go the extra mile"), "tag 'go' stays ambiguous"
    assert vocab.find("Services in Go and Rust") == {vocab.key("Go"): 1, vocab.key("Rust"): 1}


# --- Reading a posting: negation, channels, junk ---------------------------------------


@pytest.mark.parametrize(
    ("posting", "negated"),
    [
        ("We won't use machine learning for this.", "machine learning"),
        ("No Kubernetes experience needed.", "kubernetes"),
        ("Docker is not required.", "docker"),
        ("We don’t use Java, Scala or Kotlin.", "kotlin"),
        ("You don't need to know Rust.", "rust"),
    ],
)
def test_negated_clauses_are_ignored(posting: str, negated: str) -> None:
    reading = read_posting("Requirements\n- Python\n- " + posting + "\n", VOCAB)
    assert k(negated) not in {t.term for t in reading.terms}
    assert k(negated) in {t.term for t in reading.ignored}
    assert k("Python") in {t.term for t in reading.terms}


@pytest.mark.parametrize(
    "posting",
    [
        "Not only Python but also Go.",
        "Tools including but not limited to Python and Go.",
        "No visa sponsorship, Python and Go required.",
        "We do not compromise: Python and Go.",
        "Python and Go. No remote work.",
        "Without compromising quality, you will ship Python and Go services.",
    ],
)
def test_negation_stays_in_its_clause(posting: str) -> None:
    terms = terms_of("Requirements\n- " + posting + "\n")
    assert {k("Python"), k("Go")} <= set(terms)


def test_negated_term_named_again_positively_still_counts() -> None:
    posting = "Requirements\n- No Kubernetes experience needed at first.\n- You will learn Kubernetes here.\n"
    assert terms_of(posting)[k("Kubernetes")].count == 1


def test_support_channels_are_not_skills() -> None:
    reading = read_posting("Requirements\n- Go\nQuestions? Ask us on GitHub.\n", VOCAB)
    assert k("GitHub") not in {t.term for t in reading.terms}
    assert next(t for t in reading.ignored if t.term == k("GitHub")).why.startswith("a channel")
    assert k("GitHub") in terms_of("Requirements\n- Experience with GitHub and Go\n")


def test_page_metadata_and_markup_never_become_terms() -> None:
    posting = (
        '<div class="jobPostingId">W20 KW12 dataLayer HiringOrganizationSchema</div>&nbsp;\n'
        "Requirements\n- Python, ClickHouse and LightGBM, W20\n"
        "Apply at https://jobs.example.com/utm_source=Kafka or jobs@example.com\n"
    )
    terms = terms_of(posting)
    assert set(terms) == {k("Python"), k("ClickHouse"), "lightgbm"} | ({k("LightGBM")} & set(terms))
    assert not {"w20", "kw12", "datalayer", "jobpostingid", "div", "nbsp", "kafka"} & set(terms)


def test_title_line_and_role_weigh_most() -> None:
    posting = "Data Engineer\n\nRequirements\n- Python\n- Airflow\n"
    terms = extract_posting_terms(posting, VOCAB)
    assert (terms[0].term, terms[0].sections) == (k("Data engineering"), ("title",))
    role_only = extract_posting_terms("Requirements\n- Airflow\n", VOCAB, title="Data Engineer")
    assert role_only[0].term == k("Data engineering") and role_only[0].position == -1
    assert extract_posting_terms("We need Python and SQL for this role, every day.\n", VOCAB)[0].sections == (
        "general",), "a first line that is a sentence is no title"


def test_specificity_uses_background_and_the_users_other_postings() -> None:
    from cvsite.terms import PostingStats

    posting = "Requirements\n- Python and Airflow\n"
    alone = terms_of(posting)
    assert alone[k("Python")].specificity < 1 == alone[k("Airflow")].specificity
    others = ["Python and Airflow", "Python", "Python and Go", posting]
    stats = PostingStats.of(others, VOCAB)
    shared = {t.term: t for t in extract_posting_terms(posting, VOCAB, stats=stats)}
    assert shared[k("Python")].weight < alone[k("Python")].weight  # in all three other postings
    assert shared[k("Airflow")].weight < alone[k("Airflow")].weight  # in one of three
    assert shared[k("Python")].weight >= 1.5 * 0.3, "never below the floor"
    few = PostingStats.of(["Python", posting], VOCAB)
    assert few.share(k("Python")) == 0.0, "two postings are too few to judge"


def test_background_commonness_names_known_terms_only() -> None:
    from cvsite.terms import _commonness

    for name, factor in _commonness():
        assert VOCAB.is_known(k(name)), f"term_commonness.yaml: {name!r} is not a vocabulary term"
        assert 0 < factor < 1
    assert VOCAB.background(k("Python")) < VOCAB.background(k("Docker")) < VOCAB.background(k("Airflow")) == 1
