"""Time expressions resolved against the document date (newsgraph.extract.time).

Unless a test says otherwise the document date is 2019-09-03, a Tuesday.
"""

from __future__ import annotations

import pytest

from newsgraph.extract.time import EXTRACTOR_VERSION, TimeExpr, extract_times, time_for_token

pytestmark = pytest.mark.model

D = "2019-09-03"


@pytest.fixture(scope="module")
def nlp():
    from newsgraph.nlp import load_nlp
    return load_nlp()


def rows(nlp, text, published=D):
    """(span text, value, granularity, relation, approximate, anchored) of every expression."""
    doc = nlp(text)
    times = extract_times(doc, published)
    for t in times:
        assert isinstance(t, TimeExpr)
        t.span.check(text)
    return [(t.span.text, t.value, t.granularity, t.relation, t.approximate, t.anchored) for t in times]


def test_version():
    assert EXTRACTOR_VERSION == "time/1.0"


# ------------------------------------------------------------------ explicit dates

@pytest.mark.parametrize("text, published, expected", [
    ("The two sides will meet on September 4th.", D,
     ("September 4th", "2019-09-04", "day", "future", False, True)),
    ("The talks ended on 4 September 2019 in Doha.", D,
     ("4 September 2019", "2019-09-04", "day", "future", False, False)),
    ("The memo is dated 2019-09-04.", D,
     ("2019-09-04", "2019-09-04", "day", "future", False, False)),
    # a past verb with a date one day after the document date: within the one-day slack
    ("Delegates arrived in Kabul on Sept. 4.", D,
     ("Sept. 4", "2019-09-04", "day", "future", False, True)),
    # a past verb and a date well after the document date: the year before
    ("The rebels captured the town on September 20.", D,
     ("September 20", "2018-09-20", "day", "past", False, True)),
    # a future verb and a month just past: the next year
    ("The parties will hold a summit in August.", D,
     ("August", "2020-08", "month", "future", False, True)),
    ("The Taliban captured the city in December.", "2019-01-10",
     ("December", "2018-12", "month", "past", False, True)),
    ("Prices peaked around September 4.", D,
     ("around September 4", "2019-09-04", "day", "future", True, True)),
    ("He was born on the 29th of March 1970.", D,
     ("the 29th of March 1970", "1970-03-29", "day", "past", False, False)),
])
def test_explicit_dates(nlp, text, published, expected):
    assert rows(nlp, text, published) == [expected]


@pytest.mark.parametrize("text, expected", [
    # day and month cannot be told apart: the year only
    ("The court ruled on 04/09/2019.", ("04/09/2019", "2019", "year", "present", True, False)),
    ("The court ruled on 15/08/2019.", ("15/08/2019", "2019-08-15", "day", "past", False, False)),
    ("The court ruled on 6/15/2018.", ("6/15/2018", "2018-06-15", "day", "past", False, False)),
])
def test_numeric_dates(nlp, text, expected):
    assert rows(nlp, text) == [expected]


def test_month_range_takes_the_year_of_its_end(nlp):
    assert rows(nlp, "Between August and October 2017, 50 people died.") == [
        ("August", "2017-08", "month", "past", False, False),
        ("October 2017", "2017-10", "month", "past", False, False),
    ]


# ------------------------------------------------------------------ months, years, weeks

@pytest.mark.parametrize("text, expected", [
    ("The ceasefire collapsed in August.", ("August", "2019-08", "month", "past", False, True)),
    ("Fighting resumed in early August.", ("early August", "2019-08", "month", "past", True, True)),
    ("The party was founded in mid-2019.", ("mid-2019", "2019", "year", "present", True, False)),
    ("The group split back in 2015.", ("2015", "2015", "year", "past", False, False)),
    ("Turnout fell last year.", ("last year", "2018", "year", "past", False, True)),
    ("The army withdrew late last year.", ("late last year", "2018", "year", "past", True, True)),
    ("Elections are due next month.", ("next month", "2019-10", "month", "future", False, True)),
    ("The envoy is in Kabul this week.", ("this week", "2019-09-02", "week", "present", False, True)),
    ("The envoy will travel to Kabul next week.", ("next week", "2019-09-09", "week", "future", False, True)),
    ("The envoy met him earlier this week.", ("earlier this week", "2019-09-02", "week", "past", True, True)),
    ("The offensive began last winter.", ("last winter", "2018", "season", "past", False, True)),
    ("The truce held over Christmas.", ("Christmas", "2018-12-25", "day", "past", False, True)),
])
def test_months_years_weeks(nlp, text, expected):
    assert rows(nlp, text) == [expected]


# ------------------------------------------------------------------ weekdays

@pytest.mark.parametrize("text, expected", [
    ("Officials met on Monday.", ("Monday", "2019-09-02", "day", "past", False, True)),
    ("The delegation will meet on Monday.", ("Monday", "2019-09-09", "day", "future", False, True)),
    ("Putin is visiting Turkey on Friday.", ("Friday", "2019-09-06", "day", "future", False, True)),
    ("The militants struck last Tuesday.", ("last Tuesday", "2019-08-27", "day", "past", False, True)),
    ("Talks will resume next Tuesday.", ("next Tuesday", "2019-09-10", "day", "future", False, True)),
    # newswire convention: "on Tuesday" in a story dated Tuesday is that day
    ("The minister resigned on Tuesday.", ("Tuesday", "2019-09-03", "day", "present", False, True)),
    ("Gunmen attacked the convoy early Friday.", ("early Friday", "2019-08-30", "day", "past", False, True)),
])
def test_weekdays(nlp, text, expected):
    assert rows(nlp, text) == [expected]


# ------------------------------------------------------------------ relative days

def test_yesterday_today_tomorrow(nlp):
    assert rows(nlp, "He arrived yesterday, speaks today and leaves tomorrow.") == [
        ("yesterday", "2019-09-02", "day", "past", False, True),
        ("today", "2019-09-03", "day", "present", False, True),
        ("tomorrow", "2019-09-04", "day", "future", False, True),
    ]


def test_ago(nlp):
    assert rows(nlp, "The bomb exploded three days ago, and two weeks ago a convoy was hit.") == [
        ("three days ago", "2019-08-31", "day", "past", False, True),
        ("two weeks ago", "2019-08-20", "week", "past", True, True),
    ]


def test_the_day_before_counts_from_the_previous_date(nlp):
    assert rows(nlp, "The Taliban attacked Ghazni on Monday. The day before, they had seized a checkpoint.") == [
        ("Monday", "2019-09-02", "day", "past", False, True),
        ("The day before", "2019-09-01", "day", "past", False, True),
    ]


def test_time_of_day_does_not_change_the_date(nlp):
    assert rows(nlp, "At 9:12 am on Tuesday the bomb went off.") == [
        ("Tuesday", "2019-09-03", "day", "present", False, True),
    ]


# ------------------------------------------------------------------ no document date

def test_without_a_document_date_relative_expressions_have_no_value(nlp):
    text = ("The Taliban, who attacked Ghazni on Monday, will meet officials on September 4th. "
            "The talks ended on 4 September 2019, yesterday the envoy left, and he returns next week. "
            "Fighting resumed in early August.")
    assert rows(nlp, text, None) == [
        ("Monday", None, "day", "past", False, False),
        ("September 4th", "--09-04", "day", "unknown", False, False),
        ("4 September 2019", "2019-09-04", "day", "unknown", False, False),
        ("yesterday", None, "day", "past", False, False),
        ("next week", None, "week", "future", False, False),
        ("early August", None, "month", "unknown", True, False),
    ]


# ------------------------------------------------------------------ not dates

@pytest.mark.parametrize("text", [
    "The siege lasted for three days.",
    "After 18 years of war, the talks began.",
    "A 45-year-old man was arrested.",
    "Theresa May said the deal was dead.",
    "Corbyn and May met in London.",
    "The party has 2000 members.",
    "USA Today reported the attack.",
    "He told BBC Radio 4's Today programme that talks would go on.",
    "She wrote in the Sunday Times that the vote was lost.",
])
def test_durations_ages_and_names_are_not_dates(nlp, text):
    assert rows(nlp, text) == []


def test_decades_and_movable_holidays_have_no_value(nlp):
    assert rows(nlp, "In the 1990s the Taliban ruled Kabul; fighting slowed during Ramadan.") == [
        ("the 1990s", None, "unknown", "past", False, False),
        ("Ramadan", None, "unknown", "unknown", False, False),
    ]


# ------------------------------------------------------------------ time_for_token

def _token(doc, word):
    return next(t.i for t in doc if t.text == word)


def test_time_for_token_picks_the_predicates_own_expression(nlp):
    doc = nlp("The Taliban, who attacked Ghazni on Monday, will meet Russian officials on September 4th.")
    times = extract_times(doc, D)
    assert time_for_token(times, doc, _token(doc, "meet")).value == "2019-09-04"
    assert time_for_token(times, doc, _token(doc, "attacked")).value == "2019-09-02"


def test_time_for_token_does_not_take_the_reporting_date(nlp):
    doc = nlp("He said on Monday that the Taliban attacked Ghazni.")
    times = extract_times(doc, D)
    assert time_for_token(times, doc, _token(doc, "said")).span.text == "Monday"
    assert time_for_token(times, doc, _token(doc, "attacked")) is None


def test_time_for_token_shares_time_across_coordinated_verbs(nlp):
    doc = nlp("The Taliban attacked Ghazni and killed 20 people last Tuesday.")
    times = extract_times(doc, D)
    assert time_for_token(times, doc, _token(doc, "attacked")).value == "2019-08-27"


def test_time_for_token_on_a_nominal_predicate(nlp):
    doc = nlp("The attack on Monday killed 20 people.")
    times = extract_times(doc, D)
    assert time_for_token(times, doc, _token(doc, "attack")).value == "2019-09-02"


def test_time_for_token_stays_in_its_sentence(nlp):
    doc = nlp("Officials met on Monday. The Taliban attacked Ghazni.")
    times = extract_times(doc, D)
    assert time_for_token(times, doc, _token(doc, "attacked")) is None


def test_time_for_token_through_the_clause_and_an_open_complement(nlp):
    doc = nlp("The two sides held talks on Monday.")
    assert time_for_token(extract_times(doc, D), doc, _token(doc, "talks")).value == "2019-09-02"
    doc = nlp("Officials planned to meet in Moscow back in 2015.")
    assert time_for_token(extract_times(doc, D), doc, _token(doc, "planned")).value == "2015"
