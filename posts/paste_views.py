"""Paste from Excel: a block of cells copied from a spreadsheet, previewed row by row with
the appendix importer's own reading rules, then added to the plan in one go. The preview
is the addition run and rolled back, and each row says what it becomes from the very
values the line is saved with, so what is added is what was previewed (decision 0017)."""

import hashlib
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from investplan.permissions import plan_to_edit
from posts.appendix.reading import UnreadableFile
from posts.importing import WORKSPACE_COLUMNS, import_appendix

MAX_PASTE_CHARACTERS = 1_000_000
MAX_PASTE_ROWS = 10_000
MAX_CELL_CHARACTERS = 100_000  # the CSV reader's own limit is 131,072
_NEWLINES = re.compile(r"\r\n?")
COLUMN_WORDS = ", ".join(label for _, label in WORKSPACE_COLUMNS)


class PasteForm(forms.Form):
    cells = forms.CharField(
        label="Cells copied from Excel",
        help_text="Copy the rows from Excel and paste them here, with their header row (Post, "
        f"Grade, FTE and so on) or without one: a block without a header row is read in the "
        f"workspace's column order, {COLUMN_WORDS}.",
        max_length=MAX_PASTE_CHARACTERS,
        strip=False,  # a blank first cell is a column, not space to trim
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "wrap": "off"}),
    )
    # What the "Add" button adds: the cells as previewed, so cells changed since their
    # preview are previewed again rather than added unseen.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_cells(self) -> str:
        # Excel copies rows ending in CRLF; a cell's own line breaks come quoted.
        text = _NEWLINES.sub("\n", self.cleaned_data["cells"])
        if not text.strip():
            raise forms.ValidationError("Paste the cells copied from Excel.")
        rows = text.count("\n") + 1
        if rows > MAX_PASTE_ROWS:
            raise forms.ValidationError(
                f"Paste at most {MAX_PASTE_ROWS:,} rows at a time; these cells have {rows:,}."
            )
        longest = max((len(cell) for cell in re.split(r"[\t\n]", text)), default=0)
        if longest > MAX_CELL_CHARACTERS:
            raise forms.ValidationError(
                f"A cell holds {longest:,} characters; a cell of a plan line holds at most "
                f"{MAX_CELL_CHARACTERS:,}."
            )
        return text


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@login_required
def paste(request, plan_slug):
    plan, _ = plan_to_edit(request, plan_slug)
    form = PasteForm(request.POST or None)
    report, problem, status, changed = None, "", 200, False
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["cells"]
        adding = request.POST.get("action") == "add"
        if adding and form.cleaned_data["previewed"] != fingerprint(text):
            adding, changed = False, True
        stamp = timezone.localtime().strftime("%Y-%m-%d at %H.%M.%S")
        try:
            report = import_appendix(
                organisation=plan.organisation,
                plan_slug=plan.slug,
                file_name=f"cells pasted by {request.user.get_username()} on {stamp}",
                data=text.encode("utf-8"),
                dry_run=not adding,
                user=request.user,
                pasted=True,
            )
        except UnreadableFile:
            # Its message names the file the cells were read as, which means nothing here.
            problem = (
                "They are not rows of cells as a spreadsheet copies them: a cell may open a "
                "quote that never closes. Copy them from Excel again, or paste fewer rows."
            )
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
            else:
                form = PasteForm({"cells": form.data["cells"], "previewed": fingerprint(text)})
    elif request.method == "POST":
        status = 422
    headerless = (
        report is not None and report.columns is not None and not report.columns.header_rows
    )
    return render(
        request,
        "posts/paste.html",
        {
            "plan": plan,
            "form": form,
            "report": report,
            "problem": problem,
            "changed": changed,
            "headerless": headerless,
            "column_words": COLUMN_WORDS,
        },
        status=status,
    )
