"""How figures are printed on screen: the same formatting as the committee tables."""

from django import template

from figures.costs.money import format_money
from reports.tables import Column, Kind, format_cell, format_fte

register = template.Library()
_MONEY = Column("money", "£", Kind.MONEY)


@register.filter
def pounds(value) -> str:
    """A figure already rounded to whole pounds, with thousands separated: 12,345."""
    return format_cell(_MONEY, value)


@register.filter
def money(value) -> str:
    """Pounds and pence, rounded half up, under a £ heading: 1,522.65, -40,600.00."""
    return "" if value is None else format_money(value, symbol="")


@register.filter
def fte(value) -> str:
    return "" if value is None else format_fte(value)


@register.filter
def split(text: str) -> list[str]:
    return text.split()


@register.filter
def field(form, name: str):
    """A form's bound field by name, for laying a form out in groups."""
    return form[name]


@register.filter
def listed(first, second=None) -> list:
    """`a|listed:b|listed:c` makes [a, b, c], and `a|listed` makes [a], for the error
    summary of a page of forms."""
    items = first if isinstance(first, list) else [first]
    return [*items, second] if second is not None else items


@register.filter
def or_errors(errors, formset) -> bool:
    """Whether there are errors here or in the formset."""
    return bool(errors) or bool(formset.total_error_count())


@register.filter
def as_written(field) -> str:
    """A bound field's value as its own widget writes it into the page, for an input laid
    out by hand: a date as ISO for the date picker, as `{{ field }}` would write it."""
    value = field.field.widget.format_value(field.value())
    return "" if value is None else value
