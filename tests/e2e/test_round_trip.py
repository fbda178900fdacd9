"""Every form of the app, submitted unchanged, changes nothing (issue 16, acceptance 3).

The forms are not listed here: the test finds them by walking the app as each role, from
the home page along same-site links, and by what an htmx button brings into a page (a
line edited in its row). Each POST form that edits something is submitted through the
browser as it was served; afterwards every value a person stored is as it was, and a
form that came filled in (an existing line, the funding sources) was accepted.

Left out: GET forms (filters, sorts: they change nothing), and forms of buttons only
(delete, duplicate, archive, revert, reopen, sign out): those are actions, not edits, and
doing them is their point. Approval asks for its committee and meeting date afresh, so
sent unchanged it is refused, and changes nothing."""

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from simple_history.models import HistoricalChanges

from figures.checks import differences
from investplan.models import Plan, Role
from reports.models import RenderedReport
from tests.e2e.conftest import sign_in
from tests.e2e.every_kind import PEOPLE, plan_of_every_kind

# The same address pattern (numbers taken out) is opened at most this often per role:
# enough for a line of each of the four kinds and the plan's other one; once, if the first
# such page has nothing to edit. The same page with another query (a sort, a filter)
# shows the same forms, and is opened once.
MAX_PER_PATTERN = 6
SKIPPED = re.compile(r"/(pdf|xlsx|docx|download)/$|^/admin/|^/sign-out/")

# What a person stored, table by table. Left out, because they move by design when an
# unchanged form is saved or a page is read, and hold nothing a person typed:
# - history rows (simple_history's Historical* tables): a save is put on record even
#   when it changes nothing;
# - revision counters (Plan.revision, Organisation.revision): they count saves, to key
#   stored PDFs and costs;
# - rendered PDFs: made from the facts and kept to be served again; the stored figures
#   (the figures app) are worked out from the facts too, and are checked against a fresh
#   costing at the end instead;
# - the user's last_login: signing in as each role sets it;
# - sessions, tasks, admin log, permissions and content types: Django's own bookkeeping.
STORED_APPS = {"auth", "investplan", "posts", "funding", "reports"}
DERIVED = {RenderedReport}
MOVING_FIELDS = {"revision", "last_login"}

# In the browser: the page's POST forms. A form "edits" when it has a field a person
# fills (not only hidden inputs and buttons); it is "complete" when every required field
# has a value as the server wrote it (the attribute, not what the browser made of it: a
# browser empties a date box whose value it cannot read, the fault this test is for). A
# form's address is read from its attribute: `form.action` would be a field named
# "action", as the paste form's buttons are.
FORMS_OF_PAGE = """() => {
  const actionOf = (f) => new URL(f.getAttribute('action') || location.href, location.href).href;
  const fills = (e) => !e.disabled && !['submit', 'button', 'reset', 'hidden', 'image']
    .includes(e.type) && !['FIELDSET', 'OUTPUT', 'OBJECT', 'BUTTON'].includes(e.tagName);
  const hasValue = (e) => {
    if (e.type === 'checkbox' || e.type === 'radio')
      return [...e.form.elements].some((o) => o.name === e.name && o.checked);
    if (e.tagName === 'INPUT') return (e.getAttribute('value') || '') !== '';
    return e.value !== '';
  };
  const forms = [...document.forms].filter((f) => f.method === 'post');
  return forms.map((f) => {
    const fields = [...f.elements].filter(fills);
    return {
      action: actionOf(f),
      index: forms.filter((o) => actionOf(o) === actionOf(f)).indexOf(f),
      fields: fields.map((e) => e.name),
      complete: fields.filter((e) => e.required).every(hasValue),
    };
  });
}"""

# Marks the form's first submit button to click; says whether the browser will send it.
MARK_FORM = """([action, index]) => {
  const actionOf = (f) => new URL(f.getAttribute('action') || location.href, location.href).href;
  const form = [...document.forms]
    .filter((f) => f.method === 'post' && actionOf(f) === action)[index];
  const submit = form && [...form.elements].find((e) => e.type === 'submit');
  if (!submit) return 'gone';
  submit.setAttribute('data-round-trip', '');
  // The browser will not send a form it finds invalid (a required box left empty).
  return !form.noValidate && !form.checkValidity() ? 'held back' : 'ready';
}"""


@dataclass(frozen=True)
class Place:
    """Where forms are: a page, and the htmx button (its hx-get address) that brought
    them in, if one did."""

    url: str
    opened_by: str = ""

    def __str__(self):
        return self.url + (f" (opened by {self.opened_by})" if self.opened_by else "")


class _Outline(HTMLParser):
    """What the walk needs of a page as served: its links, its htmx buttons, and its POST
    forms with the fields a person fills, as (address, field names)."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.links, self.openers = url, [], []
        self.fields: dict[str, list[str]] = {}
        self._form = None

    @property
    def forms(self) -> frozenset:
        return frozenset((form, tuple(names)) for form, names in self.fields.items() if names)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.links.append(urljoin(self.url, attrs["href"]).split("#")[0])
        elif tag == "button" and attrs.get("hx-get"):
            self.openers.append(attrs["hx-get"])
        elif tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = urljoin(self.url, attrs.get("action") or self.url)
            self.fields.setdefault(self._form, [])
        elif tag in ("input", "select", "textarea") and (self._form or "form" in attrs):
            kind = (attrs.get("type") or "text").lower()
            if tag != "input" or kind not in ("hidden", "submit", "button", "reset", "image"):
                form = "#" + attrs["form"] if "form" in attrs else self._form
                self.fields.setdefault(form, []).append(attrs.get("name", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _pattern(url: str) -> tuple[str, int]:
    """The address with its numbers taken out, and how often such an address is opened."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/)", "/<n>", parts.path)
    return (path + "?", 1) if parts.query else (path, MAX_PER_PATTERN)


def places_with_forms(page, base_url: str, seen_forms: set, problems: list):
    """Walk from the home page, reading each page as served in the user's session, and
    yield the places whose forms have not been seen yet (as this role or another)."""
    home = Place(base_url + "/")
    queue, queued, per_pattern, formless = [home], {home}, Counter(), set()

    def follow(place: Place, address: str) -> None:
        pattern, most = _pattern(address)
        key = ("opened by " if place.opened_by else "") + pattern
        if place not in queued and per_pattern[key] < most:
            queued.add(place)
            per_pattern[key] += 1
            queue.append(place)

    while queue:
        place = queue.pop(0)
        pattern = _pattern(base_url + place.opened_by if place.opened_by else place.url)[0]
        if pattern in formless:
            continue  # a page of this kind had nothing to edit: the others are alike
        if place.opened_by:
            htmx = {"HX-Request": "true", "HX-Current-URL": place.url}
            response = page.request.get(base_url + place.opened_by, headers=htmx)
        else:
            response = page.request.get(place.url)
        if not response.ok:
            problems.append(f"{place} answered {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        outline = _Outline(response.url)
        outline.feed(response.text())
        if not outline.forms:
            formless.add(pattern)
        elif outline.forms not in seen_forms:
            seen_forms.add(outline.forms)
            yield place
        if not place.opened_by:
            for url in outline.links:
                if url.startswith(base_url + "/") and not SKIPPED.search(urlsplit(url).path):
                    follow(Place(url), url)
            for address in outline.openers:
                follow(Place(place.url, address), base_url + address)


def _open(page, place: Place) -> list[dict]:
    """The place in the browser, and its POST forms."""
    page.goto(place.url)
    if place.opened_by:
        with page.expect_response(lambda r: r.url.endswith(place.opened_by)):
            page.locator(f'button[hx-get="{place.opened_by}"]').click()
        page.wait_for_load_state()
    return page.evaluate(FORMS_OF_PAGE)


def submit_unchanged(page, form: dict) -> tuple[int, str]:
    """Submit the form as served: the answer's status and the errors it shows."""
    state = page.evaluate(MARK_FORM, [form["action"], form["index"]])
    assert state != "gone", f"the form posting to {form['action']} has gone"
    if state == "held back":
        return 400, "the browser held it back, as invalid"
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("[data-round-trip]").click()
    page.wait_for_load_state()
    errors = page.locator(".error-summary, .error-message").all_inner_texts()
    return answer.value.status, " ".join(" ".join(errors).split())


def stored_values() -> dict:
    """{table: {primary key: {column: value}}} of everything a person stored."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if (
            model._meta.app_label not in STORED_APPS
            or model in DERIVED
            or issubclass(model, HistoricalChanges)
            or model._meta.label in {"auth.Permission", "auth.Group_permissions"}
        ):
            continue
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in MOVING_FIELDS]
        key = columns.index(model._meta.pk.attname)
        tables[model._meta.db_table] = {
            row[key]: dict(zip(columns, row, strict=True))
            for row in model._base_manager.values_list(*columns)
        }
    return tables


def changes_between(before: dict, after: dict) -> list[str]:
    said = []
    for table, rows in after.items():
        old_rows = before.get(table, {})
        for pk in sorted(old_rows.keys() - rows.keys(), key=str):
            said.append(f"{table} {pk} deleted")
        for pk in sorted(rows.keys() - old_rows.keys(), key=str):
            said.append(f"{table} {pk} added: {rows[pk]}")
        for pk in sorted(rows.keys() & old_rows.keys(), key=str):
            for column, value in rows[pk].items():
                if old_rows[pk][column] != value:
                    said.append(f"{table} {pk} {column}: {old_rows[pk][column]!r} → {value!r}")
    return said


@pytest.mark.django_db(transaction=True)
def test_it_changes_nothing_when_any_form_is_submitted_unchanged(browser, live_server):
    plan_of_every_kind()
    problems, seen_forms, submitted = [], set(), []
    # The head of service last: an approval that took fields would fix the plan's lines.
    for role in (Role.VIEWER, Role.FINANCE_OFFICER, Role.ADMIN, Role.HEAD_OF_SERVICE):
        username = PEOPLE[role]
        page = browser.new_context().new_page()
        sign_in(page, live_server, username)
        for place in places_with_forms(page, live_server.url, seen_forms, problems):
            forms = _open(page, place)
            for number, form in enumerate(forms):
                if not form["fields"]:
                    continue  # buttons only: an action
                if submitted and submitted[-1][0] == place:
                    _open(page, place)  # afresh, as the last one was submitted from it
                where = f"as {username}, the form on {place}".replace(live_server.url, "")
                if form["action"] != place.url:
                    where += " posting to " + form["action"].removeprefix(live_server.url)
                before = stored_values()
                status, errors = submit_unchanged(page, form)
                submitted.append((place, number))
                changes = changes_between(before, stored_values())
                if changes:
                    problems.append(f"{where} changed " + "; ".join(changes))
                if status >= 500 or status in (403, 404):
                    problems.append(f"{where} answered {status}")
                elif status >= 400 and form["complete"]:
                    problems.append(f"{where} was refused: {errors}")
        page.context.close()
    assert len(submitted) >= 25, submitted  # the walk found the app's forms
    assert not problems, "\n".join(problems)
    assert [str(found) for plan in Plan.objects.all() for found in differences(plan)] == []
