"""Two sets of figures side by side: every table casts and every difference adds up.
The comparison tables are plain rows: no database."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from figures.costs.financial_year import FinancialYear as FY
from reports.comparisons import Side, comparison_tables
from reports.rollups import Figures
from reports.tables import RowKind, casting_errors

YEARS = [FY(2025), FY(2026)]


def figures(fte, *years, full_year=None):
    return Figures(D(fte), D(full_year or years[0]), dict(zip(YEARS, map(D, years), strict=True)))


IMPROVEMENT = Side(
    "Improvement structure",
    [
        ("Assessment", figures("132", "6719800", "6800000")),
        ("Leadership", figures("2", "213200", "213200")),
    ],
)
EFFICIENT = Side(
    "Efficient structure",
    [
        ("Assessment", figures("123", "6151700", "6200000")),
        ("Targeted", figures("66", "2865400", "2865400")),
    ],
)


def rows(table, kind=RowKind.LINE):
    return [row.cells for row in table.rows if row.kind == kind]


def test_it_sets_two_structures_side_by_side_with_the_differences():
    summary = comparison_tables(key="c", by="workstream", left=IMPROVEMENT, right=EFFICIENT)[0]

    assessment, leadership, targeted = rows(summary)
    assert (assessment["fte_left"], assessment["fte_right"], assessment["fte_change"]) == (
        D("132"), D("123"), D("-9"),
    )  # fmt: skip
    assert assessment["total_change"] == D("12351700") - D("13519800")
    # A group on one side only is shown against nothing on the other.
    assert (leadership["fte_right"], leadership["total_right"]) == (D("0"), D("0"))
    assert (targeted["fte_left"], targeted["total_right"]) == (D("0"), D("5730800"))
    (total,) = rows(summary, RowKind.TOTAL)
    assert total["fte_change"] == D("189") - D("134")


def test_it_prints_each_side_by_year_and_the_difference_by_year():
    _, left, right, difference = comparison_tables(
        key="c", by="team", left=IMPROVEMENT, right=EFFICIENT
    )

    assert [table.title for table in (left, right)] == [
        "Improvement structure by financial year",
        "Efficient structure by financial year",
    ]
    (total,) = rows(difference, RowKind.TOTAL)
    assert total["y2025"] == D("6151700") + D("2865400") - D("6719800") - D("213200")


money = st.decimals(min_value=D("-1000000"), max_value=D("10000000"), places=0)
fte = st.decimals(min_value=D("-20"), max_value=D("200"), places=2)
names = st.sampled_from(["Assessment", "Leadership", "Targeted", "Corporate parenting"])
group_figures = st.builds(
    lambda f, a, b, c: figures(f, a, b, full_year=c), fte, money, money, money
)
groups = st.lists(st.tuples(names, group_figures), unique_by=lambda pair: pair[0], max_size=4)


@settings(max_examples=200, deadline=None)
@given(groups, groups)
def test_it_casts_every_table_and_its_differences_add_up(left, right):
    tables = comparison_tables(key="c", by="funding", left=Side("A", left), right=Side("B", right))

    for table in tables:
        assert casting_errors(table) == []
    if left or right:
        (total,) = rows(tables[0], RowKind.TOTAL)
        assert total["total_change"] == total["total_right"] - total["total_left"]
        # A side with nothing to show prints no total: its total is nothing.
        a, b, d = (next(iter(rows(t, RowKind.TOTAL)), {}) for t in tables[1:])
        for key in ("fte", "y2025", "y2026", "total"):
            assert d[key] == b.get(key, 0) - a.get(key, 0)
