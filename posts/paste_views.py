"""Paste from Excel: a block of cells copied from a spreadsheet, previewed row by row with
the appendix importer's own reading rules, then added to the plan in one go."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from investplan.permissions import plan_to_edit
from posts.appendix.reading import UnreadableFile
from posts.importing import import_appendix

# Read in this order when the pasted block has no header row of its own.
PLAIN_COLUMNS = ["Post", "Grade", "FTE", "Start date", "Duration", "Workstream", "Where based"]
MAX_PASTE_CHARACTERS = 1_000_000


class PasteForm(forms.Form):
    cells = forms.CharField(
        label="Cells copied from Excel",
        help_text="Copy the rows with their header row (Post, Grade, FTE, Start date and so "
        "on) and paste them here.",
        max_length=MAX_PASTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "wrap": "off"}),
    )
    no_header = forms.BooleanField(
        label="The first row is a post, not a header: read the columns as "
        + ", ".join(PLAIN_COLUMNS),
        required=False,
    )


@login_required
def paste(request, plan_slug):
    plan, _ = plan_to_edit(request.user, plan_slug)
    form = PasteForm(request.POST or None)
    report, problem, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["cells"].replace("\r\n", "\n").strip("\n")
        if form.cleaned_data["no_header"]:
            text = "\t".join(PLAIN_COLUMNS) + "\n" + text
        adding = request.POST.get("action") == "add"
        stamp = timezone.localtime().strftime("%Y-%m-%d %H.%M.%S")
        try:
            report = import_appendix(
                organisation=plan.organisation,
                plan_slug=plan.slug,
                file_name=f"pasted by {request.user.get_username()} {stamp}.tsv",
                data=text.encode("utf-8"),
                dry_run=not adding,
                user=request.user,
            )
        except UnreadableFile as error:
            problem = str(error)
            status = 422
        else:
            if adding and report.committed:
                messages.success(
                    request,
                    f"Added {report.lines_created} line{'s' if report.lines_created != 1 else ''}"
                    " from the pasted rows.",
                )
                return redirect("posts:workspace", plan.slug)
            if report.has_errors:
                status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "posts/paste.html",
        {"plan": plan, "form": form, "report": report, "problem": problem},
        status=status,
    )
