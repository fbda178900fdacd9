from decimal import Decimal as D

import pytest

from investplan.reading import ONE_OFF, PERMANENT, FigureTooLarge, parse_duration, parse_money


@pytest.mark.parametrize(
    ("text", "months", "kind"),
    [
        ("2 years", 24, "months"),
        ("1 year", 12, "months"),
        ("18 months", 18, "months"),
        ("3 months", 3, "months"),
        ("Permanent", None, PERMANENT),
        ("Development", None, ONE_OFF),
        ("one-off", None, ONE_OFF),
        ("24", 24, "months"),
    ],
)
def test_it_reads_durations_as_council_papers_write_them(text, months, kind):
    duration = parse_duration(text)

    assert (duration.months, duration.kind) == (months, kind)


def test_it_says_a_bare_number_was_read_as_months():
    assert (parse_duration("24").bare, parse_duration("24 months").bare) == (True, False)


def test_it_names_a_duration_it_cannot_read():
    with pytest.raises(ValueError, match="“about a year” is not a duration"):
        parse_duration("about a year")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("£46,355", D("46355")),
        ("200,000", D("200000")),
        ("-42,413", D("-42413")),
        ("(42,413)", D("-42413")),
        ("£ 551,210", D("551210")),
        ("£306,600.00", D("306600.00")),
        ("-", None),
        ("", None),
    ],
)
def test_it_reads_money_as_council_papers_write_it(text, amount):
    assert parse_money(text) == amount


def test_it_names_money_it_cannot_read():
    with pytest.raises(ValueError, match="“about £5k” is not an amount of money"):
        parse_money("about £5k")


@pytest.mark.parametrize("figure", ["1,000,000,000,000", "(1000000000000)", 10**28, 1e13])
def test_it_refuses_money_of_a_trillion_pounds_or_more(figure):
    with pytest.raises(FigureTooLarge, match="is too large"):
        parse_money(figure)


def test_it_reads_money_just_under_a_trillion_pounds():
    assert parse_money("£999,999,999,999.99") == D("999999999999.99")
