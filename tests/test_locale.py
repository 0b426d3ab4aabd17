import pytest

from cvsite.errors import CvsiteError
from cvsite.locale import available_locales, load_locale
from cvsite.model import PartialDate


def test_english_and_german_date_ranges():
    start = PartialDate(2021, 4)
    assert load_locale("en").date_range(start, "present") == "Apr 2021 – present"
    assert load_locale("de").date_range(start, "present") == "Apr. 2021 – heute"
    assert load_locale("de").date_range(PartialDate(2019, 3), PartialDate(2020)) == "März 2019 – 2020"


def test_single_dates_and_open_ranges():
    en = load_locale("en")
    assert en.date_range(PartialDate(2019), PartialDate(2019)) == "2019"
    assert en.date_range(PartialDate(2019, 6, 2), None) == "Jun 2019"
    assert en.date_range(None, None) == ""


def test_strings_are_filled_in():
    assert load_locale("en").text("why_company", company="Acme") == "Why Acme"
    assert load_locale("de").text("page_of", n=1, N=2) == "Seite 1 von 2"
    assert load_locale("en").section("projects") == "Projects"
    assert load_locale("de").kind("talk") == "Vortrag"


def test_every_locale_has_every_key():
    assert {"en", "de"} <= set(available_locales())
    for code in available_locales():
        assert len(load_locale(code).data["months"]) == 12


@pytest.mark.parametrize("code", ["fr", "dee", "../en", ""])
def test_unknown_language_is_a_clear_error(code):
    with pytest.raises(CvsiteError) as error:
        load_locale(code)
    message = str(error.value)
    assert "unknown language" in message and "available: de, en" in message


def test_unknown_language_suggests_the_closest():
    with pytest.raises(CvsiteError, match="did you mean 'de'"):
        load_locale("dee")
