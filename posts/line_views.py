"""The plan workspace: finance officers edit lines in place, add, duplicate and delete
them (with undo); everyone who may read the plan sees it, filters, searches and sorts it;
any figure opens its working; every change is on record and can be reverted.

Views parse, call a service, render. Saving in place answers htmx with the line's row, its
group's subtotal and the plan totals; without JavaScript every form posts and redirects."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from figures.costing import cost_line
from figures.costs.engine import CostingError
from figures.costs.money import POUND, round_money
from investplan.permissions import plan_for, plan_to_edit, powers_over
from investplan.reading import read_id
from posts.forms import LineInPlaceForm, PlanLineEditForm
from posts.history import line_changes, plan_changes
from posts.models import LineStatus, PlanLine
from posts.services import (
    CannotRestore,
    LineChangedElsewhere,
    add_plan_line,
    delete_plan_line,
    duplicate_plan_line,
    line_version,
    restore_plan_line,
    revert_plan_line,
    update_plan_line,
)
from posts.workspace import (
    MORE_ROWS,
    SORTS,
    WorkspaceOptions,
    build_workspace,
    workspace_line,
    workspace_row,
    workspace_rows,
)
from reports.rendering import query_string

UNDO_KEY = "undo-delete"


def _options_of(request) -> WorkspaceOptions:
    """The workspace's filters and sort: from the query, or for an htmx request from the
    page the user is looking at, so subtotals are those of the lines they see."""
    if request.htmx and request.htmx.current_url:
        query = parse_qs(urlsplit(request.htmx.current_url).query)
        return WorkspaceOptions.from_query({key: values[-1] for key, values in query.items()})
    return WorkspaceOptions.from_query(request.GET)


def _workspace_at(plan, line_id: int) -> str:
    """The workspace open down to the line (its row may be beyond the first rows)."""
    return reverse("posts:workspace", args=[plan.slug]) + f"?show={line_id}#line-{line_id}"


def _line_of(plan, line_id: int) -> PlanLine:
    line = get_object_or_404(
        PlanLine.objects.select_related(
            "workstream", "team", "grade", "from_grade", "point", "from_point"
        ),
        pk=line_id,
        plan=plan,
    )
    line.plan = plan
    return line


@login_required
@require_GET
def workspace(request, plan_slug):
    plan = plan_for(request, plan_slug)
    powers = powers_over(request.user, plan)
    options = WorkspaceOptions.from_query(request.GET)
    group, upto, opened = request.GET.get("open", ""), read_id(request.GET.get("upto")), None
    if (read_id(group) is not None or group == "none") and upto is not None:
        opened = (read_id(group), upto)
    sheet = build_workspace(
        plan, options, show_line=read_id(request.GET.get("show")), opened=opened
    )
    base = reverse("posts:workspace", args=[plan.slug])
    sort_links = {
        key: base
        + query_string(
            options.as_query(
                sort="" if key == "position" else key,
                dir="desc" if options.sort == key and not options.descending else "",
            )
        )
        for key in SORTS
    }
    undo = request.session.pop(UNDO_KEY, None)
    if undo and undo.get("plan") != plan.pk:
        undo = None
    return render(
        request,
        "posts/workspace.html",
        {
            "plan": plan,
            "powers": powers,
            "sheet": sheet,
            "options": options,
            "options_query": query_string(options.as_query()),
            "sorts": SORTS,
            "sort_links": sort_links,
            "workstreams": sheet.workstreams,
            "statuses": LineStatus.choices,
            "undo": undo,
        },
    )


@login_required
@require_GET
def workspace_more(request, plan_slug):
    """The next rows of one workstream, for "Show more": htmx puts them in place of the
    button. Without JavaScript the button is a link to the whole page, opened further."""
    plan = plan_for(request, plan_slug)
    options = WorkspaceOptions.from_query(request.GET)
    group_param, start = request.GET.get("group", ""), read_id(request.GET.get("from"))
    if not (read_id(group_param) is not None or group_param == "none") or start is None:
        raise Http404("No such rows")
    if not request.htmx:
        upto = str(start + MORE_ROWS)
        return redirect(
            reverse("posts:workspace", args=[plan.slug])
            + query_string(options.as_query(open=group_param, upto=upto))
            + f"#group-{group_param}"
        )
    sheet, group = workspace_rows(plan, options, read_id(group_param), start)
    return render(
        request,
        "posts/_more_rows.html",
        {
            "plan": plan,
            "sheet": sheet,
            "group": group,
            "rows": group.rows,
            "powers": powers_over(request.user, plan),
            "options_query": query_string(options.as_query()),
        },
    )


def _saved_row_response(
    request, plan, line_id: int, *, focus: bool = True, powers=None
) -> HttpResponse:
    """The line's row, its group's subtotal and the plan totals, as the user sees them
    (`powers`: the user's over the plan, if the view has them already)."""
    sheet = workspace_line(plan, _options_of(request), line_id)
    found = sheet.group_of(line_id)
    context = {
        "plan": plan,
        "sheet": sheet,
        "powers": powers or powers_over(request.user, plan),
        "focus": focus,
        "group": found[0] if found else None,
        "rows": [found[1]] if found else [],
    }
    return render(request, "posts/_line_saved.html", context)


@login_required
@require_GET
def line_row(request, plan_slug, line_id):
    """The row as shown: what Cancel puts back."""
    plan = plan_for(request, plan_slug)
    _line_of(plan, line_id)
    return _saved_row_response(request, plan, line_id)


@login_required
def line_in_place(request, plan_slug, line_id):
    """Edit a line in its row. GET gives the editing row; POST saves it."""
    plan, powers = plan_to_edit(request, plan_slug)
    line = _line_of(plan, line_id)
    if request.method == "GET":
        form = LineInPlaceForm(instance=line, plan=plan, initial={"version": line_version(line)})
        return _edit_row(request, plan, line, form)
    form = LineInPlaceForm(request.POST, instance=line, plan=plan)
    # update_plan_line costs the line in its transaction, and a line that cannot be costed
    # is its ValidationError on the same field: the form need not cost it first as well.
    form.checks_cost = False
    status = 422
    if form.is_valid():
        try:
            update_plan_line(
                line_id=line.pk,
                seen_version=form.cleaned_data["version"],
                user=request.user,
                **form.line_fields(),
            )
        except LineChangedElsewhere as conflict:
            _refuse_as_changed(form, conflict, line)
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return _saved_row_response(request, plan, line.pk, powers=powers)
            messages.success(request, f"Saved “{form.cleaned_data['title']}”.")
            return redirect("posts:workspace", plan.slug)
    return _edit_row(request, plan, line, form, status=status)


def _refuse_as_changed(form, conflict: LineChangedElsewhere, line) -> None:
    """Nothing is overwritten: say who changed what, keep what the user typed, and let a
    second save, made knowing this, go through."""
    form.add_error(None, str(conflict))
    form.conflict = conflict
    data = form.data.copy()
    data["version"] = line_version(PlanLine.objects.get(pk=line.pk))
    form.data = data


def _edit_row(request, plan, line, form, status=200):
    """The editing row, with the line's figures as stored beside its boxes (no sums: the
    subtotal and totals are not swapped until it is saved)."""
    return render(
        request,
        "posts/_line_edit_row.html",
        {
            "plan": plan,
            "line": line,
            "form": form,
            "years": plan.financial_years,
            "row": workspace_row(plan, _options_of(request), line.pk),
        },
        status=status,
    )


@login_required
@require_POST
def line_preview(request, plan_slug, line_id):
    """What the line would cost with the values typed so far; nothing is saved."""
    plan, _ = plan_to_edit(request, plan_slug)
    line = _line_of(plan, line_id)
    form = LineInPlaceForm(request.POST, instance=line, plan=plan)
    figures, problem = None, ""
    if form.is_valid():
        try:
            cost = cost_line(form.instance)
        except CostingError as error:
            problem = str(error)
        else:
            years = plan.financial_years
            amounts = [round_money(cost.years.get(year, 0), POUND) for year in years]
            figures = {
                "full_year": round_money(cost.full_year_effect, POUND),
                "years": amounts,
                "total": sum(amounts),
            }
    else:
        problem = "; ".join(
            f"{form.fields[name].label if name in form.fields else 'Line'}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
    return render(
        request,
        "posts/_line_preview.html",
        {"line": line, "figures": figures, "problem": problem, "years": plan.financial_years},
    )


@login_required
def line_page(request, plan_slug, line_id=None):
    """Every field of a line on one page, with an error summary: add a line, or change
    one. Works without JavaScript."""
    plan, powers = plan_to_edit(request, plan_slug)
    line = _line_of(plan, line_id) if line_id else PlanLine(plan=plan)
    initial = {"version": line_version(line)} if line.pk else {}
    if not line.pk and read_id(request.GET.get("workstream")) is not None:
        initial["workstream"] = read_id(request.GET["workstream"])
    form = PlanLineEditForm(request.POST or None, instance=line, plan=plan, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                if line.pk:
                    saved = update_plan_line(
                        line_id=line.pk,
                        seen_version=form.cleaned_data["version"],
                        user=request.user,
                        findings=form.cleaned_data["findings"],
                        **form.line_fields(),
                    )
                else:
                    saved = add_plan_line(
                        plan=plan,
                        user=request.user,
                        findings=form.cleaned_data["findings"],
                        **form.line_fields(),
                    )
            except LineChangedElsewhere as conflict:
                _refuse_as_changed(form, conflict, line)
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Saved “{saved.title}”.")
                return redirect(_workspace_at(plan, saved.pk))
    return render(
        request,
        "posts/line_form.html",
        {"plan": plan, "line": line, "form": form, "powers": powers},
        status=status,
    )


@login_required
@require_POST
def line_duplicate(request, plan_slug, line_id):
    plan, _ = plan_to_edit(request, plan_slug)
    copy = duplicate_plan_line(line=_line_of(plan, line_id), user=request.user)
    messages.success(request, f"Added “{copy.title}”, a copy with the same findings and funding.")
    return redirect(_workspace_at(plan, copy.pk))


@login_required
@require_POST
def line_delete(request, plan_slug, line_id):
    plan, _ = plan_to_edit(request, plan_slug)
    deleted = delete_plan_line(line=_line_of(plan, line_id), user=request.user)
    request.session[UNDO_KEY] = {
        "plan": plan.pk,
        "line": deleted.line_id,
        "title": deleted.title,
    }
    return redirect("posts:workspace", plan.slug)


@login_required
@require_POST
def line_restore(request, plan_slug, line_id):
    plan, _ = plan_to_edit(request, plan_slug)
    try:
        line = restore_plan_line(plan=plan, line_id=line_id, user=request.user)
    except CannotRestore as problem:
        messages.error(request, str(problem))
        return redirect("posts:workspace", plan.slug)
    messages.success(request, f"“{line.title}” is back, with its findings and funding.")
    return redirect(_workspace_at(plan, line.pk))


@login_required
@require_GET
def line_working(request, plan_slug, line_id):
    """How the line's figures are worked out: salary, FTE, months, on-costs, award."""
    plan = plan_for(request, plan_slug)
    line = _line_of(plan, line_id)
    cost, problem = None, ""
    try:
        cost = cost_line(line)
    except CostingError as error:
        problem = str(error)
    return render(
        request,
        "posts/line_working.html",
        {"plan": plan, "line": line, "cost": cost, "problem": problem},
    )


@login_required
@require_GET
def line_history(request, plan_slug, line_id):
    plan = plan_for(request, plan_slug)
    records = PlanLine.history.filter(id=line_id, plan_id=plan.pk)
    if not records.exists():
        raise Http404("No such line")
    line = PlanLine.objects.filter(pk=line_id, plan=plan).first()
    return render(
        request,
        "posts/line_history.html",
        {
            "plan": plan,
            "line": line,
            "title": records.order_by("-history_id").first().title,
            "changes": line_changes(line_id, plan),
            "powers": powers_over(request.user, plan),
            "version": line_version(line) if line else None,
        },
    )


@login_required
@require_POST
def line_revert(request, plan_slug, line_id):
    plan, _ = plan_to_edit(request, plan_slug)
    line = _line_of(plan, line_id)
    to_version = read_id(request.POST.get("to_version"))
    if to_version is None or not line.history.filter(history_id=to_version).exists():
        raise Http404("No such version of this line")
    try:
        revert_plan_line(
            line_id=line.pk,
            to_version=to_version,
            seen_version=read_id(request.POST.get("version")),
            user=request.user,
        )
    except LineChangedElsewhere as conflict:
        messages.error(request, f"Not reverted. {conflict}")
    except ValidationError as error:
        messages.error(request, "Not reverted: " + " ".join(error.messages))
    else:
        messages.success(request, f"“{line.title}” is back as it was at version {to_version}.")
    return redirect("posts:line-history", plan.slug, line.pk)


@login_required
@require_GET
def plan_history(request, plan_slug):
    plan = plan_for(request, plan_slug)
    page = Paginator(plan_changes(plan), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "posts/plan_history.html",
        {"plan": plan, "page": page, "powers": powers_over(request.user, plan)},
    )
