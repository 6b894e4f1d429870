"""The program import in the browser for network staff: upload, columns, preview, import.

Each step works on the upload kept in a ProgramImport of the person who uploaded it (another
person's upload is 404). The preview is the engine's dry run; the import runs the same engine
(programs/imports.py) with the same report, all rows or none unless "valid rows only".
"""

import markdown as markdown_lib
import nh3
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core import markdown
from core.tabular import TableError

from . import services_import
from .forms import ImportConfirmForm, ImportMappingForm, ImportUploadForm
from .imports import COLUMNS, allowed_values
from .models import ProgramImport

PERMISSION = "programs.import_programs"
ROWS_SHOWN = 1000  # rows of the report listed on the page; the summary counts all
SAMPLES = 3  # values shown per file column on the mapping page


def _own_upload(request, pk) -> ProgramImport:
    return get_object_or_404(ProgramImport, pk=pk, uploaded_by=request.user)


class ImportAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = PERMISSION


class ImportUploadView(ImportAccessMixin, FormView):
    template_name = "programs/import_upload.html"
    form_class = ImportUploadForm

    def form_valid(self, form):
        try:
            record = services_import.program_import_upload(
                upload=form.cleaned_data["file"], user=self.request.user
            )
        except TableError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        if services_import.mapping_is_exact(record.mapping):
            return redirect(record)
        return redirect("programs:import_mapping", pk=record.pk)

    def get_context_data(self, **kwargs):
        recent = ProgramImport.objects.select_related("uploaded_by")[:20]
        return {**super().get_context_data(**kwargs), "recent": recent}


class _UploadStepMixin(ImportAccessMixin):
    """A step on an upload that is still waiting; a finished one shows its result page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return self.handle_no_permission()
        self.record = _own_upload(request, kwargs["pk"])
        if self.record.status != ProgramImport.Status.UPLOADED:
            return redirect(self.record)
        try:
            self.table = services_import.program_import_table(record=self.record)
        except TableError as error:  # readable at upload; a changed limit may refuse it now
            messages.error(request, error.message)
            return redirect("programs:import")
        return super().dispatch(request, *args, **kwargs)


class ImportMappingView(_UploadStepMixin, FormView):
    template_name = "programs/import_mapping.html"
    form_class = ImportMappingForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "headers": self.table.headers,
            "mapping": self.record.mapping,
        }

    def form_valid(self, form):
        services_import.program_import_map(record=self.record, mapping=form.mapping())
        return redirect(self.record)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        samples = {header: [] for header in form.headers}
        for row in self.table.rows:
            for header, values in samples.items():
                value = row.values.get(header, "").strip()
                if value and len(values) < SAMPLES and value not in values:
                    values.append(value[:80])
            if all(len(values) >= SAMPLES for values in samples.values()):
                break
        context.update(
            record=self.record,
            fields=[
                (form[f"column_{index}"], samples[header])
                for index, header in enumerate(form.headers)
            ],
            columns=[(column, allowed_values(column, html=True)) for column in COLUMNS],
        )
        return context


class ImportPreviewView(ImportAccessMixin, TemplateView):
    """The dry run of a waiting upload; for a finished one, what it did."""

    template_name = "programs/import_preview.html"

    def get(self, request, *args, **kwargs):
        record = _own_upload(request, kwargs["pk"])
        if record.status != ProgramImport.Status.UPLOADED:
            return render(request, "programs/import_done.html", {"record": record})
        try:
            table = services_import.program_import_table(record=record)
        except TableError as error:
            messages.error(request, error.message)
            return redirect("programs:import")
        report = services_import.program_import_run(
            record=record, dry_run=True, partial=False, table=table
        )
        context = self.get_context_data(
            record=record, table=table, report=report, form=ImportConfirmForm()
        )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_report_context(context["report"]))
        context["mapped"] = [
            (header, column) for header, column in context["record"].mapping.items() if column
        ]
        context["left_out"] = [
            header for header, column in context["record"].mapping.items() if not column
        ]
        return context


def _report_context(report) -> dict:
    entries = report.entries()
    return {
        "entries": entries[:ROWS_SHOWN],
        "rows_hidden": max(0, len(entries) - ROWS_SHOWN),
        "invalid": sum(1 for row in report.rows if row.problems),
    }


@require_POST
@login_required
def import_run_view(request, pk):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    record = _own_upload(request, pk)
    if record.status != ProgramImport.Status.UPLOADED:
        messages.info(request, _("This file has already been imported or discarded."))
        return redirect(record)
    form = ImportConfirmForm(request.POST)
    partial = form.is_valid() and form.cleaned_data["partial"]
    try:
        table = services_import.program_import_table(record=record)
    except TableError as error:
        messages.error(request, error.message)
        return redirect("programs:import")
    report = services_import.program_import_run(
        record=record, dry_run=False, partial=partial, table=table
    )
    context = {"record": record, "table": table, "report": report, "form": form}
    context.update(_report_context(report))
    if report.written:
        messages.success(request, _("The programs have been imported."))
        return render(request, "programs/import_done.html", context)
    messages.error(request, _("Nothing was imported: the file has errors. See the report below."))
    context["mapped"] = [(header, column) for header, column in record.mapping.items() if column]
    context["left_out"] = [header for header, column in record.mapping.items() if not column]
    return render(request, "programs/import_preview.html", context)


@require_POST
@login_required
def import_discard_view(request, pk):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    record = _own_upload(request, pk)
    services_import.program_import_discard(record=record)
    messages.success(request, _("The uploaded file has been deleted."))
    return redirect("programs:import")


@require_safe
@login_required
def import_template_view(request):
    """The template as an Excel workbook: the columns with an example row, and a second sheet
    explaining each column and its allowed values."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    data = services_import.template_xlsx()
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="programme-vorlage.xlsx"'
    return response


GUIDE = settings.BASE_DIR / "docs" / "import.md"
GUIDE_TAGS = {"h1", "table", "thead", "tbody", "tr", "th", "td"}


@require_safe
@login_required
def import_guide_view(request):
    """docs/import.md, the columns and rules of the import, as a page of the portal."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    text = GUIDE.read_text(encoding="utf-8").replace("](../static/", f"]({settings.STATIC_URL}")
    html = markdown_lib.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    guide = nh3.clean(
        html,
        tags=markdown.TAGS | GUIDE_TAGS,
        attributes=markdown.ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
    )
    return render(request, "programs/import_guide.html", {"guide": guide})
