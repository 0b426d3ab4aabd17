"""The model: partial dates, tags, ids and the per-field rules pydantic enforces."""

from __future__ import annotations

import calendar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cvsite.model import Experience, Job, PartialDate, Profile, Project, kebab, parse_date, parse_end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", PartialDate(2021)),
        (2021, PartialDate(2021)),
        ("2021-04", PartialDate(2021, 4)),
        ("2021-4", PartialDate(2021, 4)),
        (" 2021-04-17 ", PartialDate(2021, 4, 17)),
        ("2024-02-29", PartialDate(2024, 2, 29)),
    ],
)
def test_parse_date_accepts_partial_dates(text: object, expected: PartialDate) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-13", "'2021-13' has no month 13; months run 01 to 12"),
        ("2021-00", "'2021-00' has no month 0; months run 01 to 12"),
        ("2021-02-30", "'2021-02-30' is not a real day (February has 28)"),
        ("2023-02-29", "'2023-02-29' is not a real day (February has 28)"),
        ("2021-04-31", "'2021-04-31' is not a real day (April has 30)"),
        ("April 2021", "'April 2021' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
        ("21-04", "'21-04' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
        (2021.5, "a date must be written YYYY, YYYY-MM or YYYY-MM-DD"),
        (True, "a date must be written YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_impossible_dates_are_explained(text: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value) == message


def test_partial_date_text_and_precision() -> None:
    assert str(PartialDate(2021)) == "2021"
    assert str(PartialDate(987, 3)) == "0987-03"
    assert PartialDate(2021, 4, 7).precision == "day"
    assert PartialDate(2021, 4).precision == "month"
    assert PartialDate(2021).precision == "year"
    assert PartialDate(2020, 12) < PartialDate(2021) < PartialDate(2021, 1)


@pytest.mark.parametrize("word", ["present", "Present", " NOW ", "current"])
def test_end_may_be_present(word: str) -> None:
    assert parse_end(word) == "present"


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    year = draw(st.integers(1, 9999))
    month = draw(st.integers(0, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1])) if month and draw(st.booleans()) else 0
    return PartialDate(year, month, day)


@given(partial_dates())
def test_date_text_round_trips(date: PartialDate) -> None:
    assert parse_date(str(date)) == date
    assert str(parse_date(str(date))) == str(date)


@given(st.integers(1000, 9999), st.integers(1, 12), st.integers(1, 31))
def test_unpadded_dates_parse_to_canonical_text(year: int, month: int, day: int) -> None:
    text = f"{year}-{month}-{day}"
    if day > calendar.monthrange(year, month)[1]:
        with pytest.raises(ValueError, match="is not a real day"):
            parse_date(text)
    else:
        assert str(parse_date(text)) == f"{year:04d}-{month:02d}-{day:02d}"


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_date_only_raises_value_error(value: object) -> None:
    try:
        date = parse_date(value)
    except ValueError as error:
        assert str(error)
    else:
        assert parse_date(str(date)) == date


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("Machine Learning", "machine-learning"),
        ("data_engineering", "data-engineering"),
        ("  CI/CD ", "ci-cd"),
        ("C++", "c++"),
        ("C#", "c#"),
        (".NET", ".net"),
        ("Node.js", "node.js"),
        ("A  --  B", "a-b"),
        ("ＰＹＴＨＯＮ", "python"),
    ],
)
def test_kebab_tags(tag: str, expected: str) -> None:
    assert kebab(tag) == expected


@given(st.text(max_size=30))
def test_kebab_is_idempotent(text: str) -> None:
    once = kebab(text)
    assert kebab(once) == once
    assert once == once.lower() or not once.isascii()
    assert not once.startswith("-") and not once.endswith("-")


def test_item_tags_are_normalised_and_empty_tags_refused() -> None:
    item = Project.model_validate({"title": "X", "tags": ["Machine Learning", "SQL"]})
    assert item.tags == ["machine-learning", "sql"]
    with pytest.raises(ValidationError, match="'!!!' is not a usable tag"):
        Project.model_validate({"title": "X", "tags": ["!!!"]})


def test_job_tag_weights_are_normalised() -> None:
    job = Job.model_validate({"company": "A", "role": "B", "tags": {"Machine Learning": 2}})
    assert job.tags == {"machine-learning": 2.0}


def test_end_before_start_is_refused_at_the_coarser_precision() -> None:
    ok = Experience.model_validate({"role": "R", "org": "O", "start": "2021-06", "end": 2021})
    assert str(ok.end) == "2021"
    same_month = Experience.model_validate({"role": "R", "org": "O", "start": "2021-06-20", "end": "2021-06"})
    assert str(same_month.end) == "2021-06"
    with pytest.raises(ValidationError, match=r"ends \(2021-05\) before it starts \(2021-06\)"):
        Experience.model_validate({"role": "R", "org": "O", "start": "2021-06", "end": "2021-05"})
    with pytest.raises(ValidationError, match=r"ends \(2021-06-01\) before it starts \(2021-06-02\)"):
        Project.model_validate({"title": "T", "start": "2021-06-02", "end": "2021-06-01"})


def test_highlights_may_be_plain_strings() -> None:
    item = Experience.model_validate(
        {"role": "R", "org": "O", "start": 2020, "highlights": ["Did it", {"text": "More", "tags": ["A B"]}]}
    )
    assert [h.text for h in item.highlights] == ["Did it", "More"]
    assert item.highlights[1].tags == ["a-b"]


def test_contact_allows_extra_links_but_checks_them() -> None:
    profile = Profile.model_validate(
        {"name": "A", "headline": "B", "contact": {"mastodon": "https://social.example/@a"}}
    )
    assert profile.contact.model_extra == {"mastodon": "https://social.example/@a"}
    with pytest.raises(ValidationError, match="is not a web address"):
        Profile.model_validate({"name": "A", "headline": "B", "contact": {"mastodon": "@a"}})


def test_required_text_may_not_be_blank() -> None:
    with pytest.raises(ValidationError):
        Profile.model_validate({"name": "   ", "headline": "B"})


def test_model_dump_writes_dates_as_text() -> None:
    item = Experience.model_validate({"role": "R", "org": "O", "start": "2021-4", "end": "present"})
    dumped = item.model_dump(mode="json")
    assert (dumped["start"], dumped["end"]) == ("2021-04", "present")
