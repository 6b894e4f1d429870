"""The people import for a program's coordinators: templates, upload, column mapping, dry run,
import (tandems/imports.py does the work), and the invitation of imported volunteers."""

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from core.spreadsheet import csv_response
from core.tabular import TableError, read_table
from programs.permissions import ProgramPeopleMixin
from tandems import imports
from tandems.forms.imports import PeopleImportMappingForm, PeopleImportUploadForm
from tandems.services import imports as import_services

SESSION_KEY = "people_import"
REPORT_ROWS_SHOWN = 500


def _uploads(request) -> dict:
    return request.session.get(SESSION_KEY, {})


class PeopleImportView(ProgramPeopleMixin, FormView):
    """Step 1: the templates, the upload; and the invitation of imported volunteers."""

    template_name = "tandems/coordination/people_import.html"
    form_class = PeopleImportUploadForm

    def get_initial(self):
        kind = self.request.GET.get("art", "")
        return {"kind": kind} if kind in imports.KINDS else {}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "kinds": [
                {"kind": kind, "label": label, "columns": imports.columns_of(kind)}
                for kind, label in imports.KINDS.items()
            ],
            "unclaimed": import_services.imported_unclaimed(program=self.program).count(),
        }

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload)  # refuses a file over IMPORT_MAX_BYTES before reading it
            upload.seek(0)
            data = upload.read()
        except TableError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        if not table.rows:
            form.add_error("file", _("The file has no rows to import."))
            return self.form_invalid(form)
        token = import_services.import_upload_store(data=data)
        uploads = _uploads(self.request)
        uploads[token] = {
            "program": self.program.pk,
            "kind": form.cleaned_data["kind"],
            "name": upload.name[:200],
        }
        self.request.session[SESSION_KEY] = uploads
        return redirect("tandems:people_import_step", slug=self.program.slug, token=token)


class PeopleImportStepView(ProgramPeopleMixin, FormView):
    """Step 2: map the columns, then a dry run or the import, each with its report."""

    template_name = "tandems/coordination/people_import_step.html"
    form_class = PeopleImportMappingForm

    @cached_property
    def upload(self) -> dict:
        upload = _uploads(self.request).get(self.kwargs["token"])
        if upload is None or upload.get("program") != self.program.pk:
            raise Http404
        return upload

    @cached_property
    def table(self):
        data = import_services.import_upload_read(token=self.kwargs["token"])
        if data is None:
            raise Http404
        try:
            return read_table(data)
        except TableError:
            raise Http404 from None

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "kind": self.upload["kind"],
            "headers": self.table.headers,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "upload": self.upload,
            "kind_label": imports.KINDS[self.upload["kind"]],
            "table": self.table,
            "row_count": len(self.table.rows),
        }

    def form_valid(self, form):
        dry_run = self.request.POST.get("action") != "import"
        report = imports.people_import(
            program=self.program,
            kind=self.upload["kind"],
            table=self.table,
            by=self.request.user,
            mapping=form.mapping(),
            dry_run=dry_run,
            partial=form.cleaned_data["partial"],
        )
        finished = not dry_run and (report.written or (report.ok and not report.changes))
        if finished:
            import_services.import_upload_delete(token=self.kwargs["token"])
            uploads = _uploads(self.request)
            uploads.pop(self.kwargs["token"], None)
            self.request.session[SESSION_KEY] = uploads
            return render(
                self.request,
                "tandems/coordination/people_import_done.html",
                {
                    "program": self.program,
                    "report": report,
                    "kind_label": imports.KINDS[report.kind],
                    "shown": _shown(report),
                    "unclaimed": import_services.imported_unclaimed(program=self.program).count(),
                },
            )
        context = self.get_context_data(form=form, report=report, shown=_shown(report))
        return self.render_to_response(context)


def _shown(report) -> list:
    """The rows the report lists: those with a message or a change, at most REPORT_ROWS_SHOWN."""
    rows = [row for row in report.rows if row.errors or row.warnings or row.action != "unchanged"]
    return rows[:REPORT_ROWS_SHOWN]


class PeopleImportTemplateView(ProgramPeopleMixin, View):
    """The template of a kind: the header row and an example row, as CSV or XLSX."""

    def get(self, request, *args, **kwargs):
        kind, extension = kwargs["kind"], kwargs["extension"]
        if kind not in imports.KINDS or extension not in ("csv", "xlsx"):
            raise Http404
        header, example = imports.template_rows(kind)
        filename = f"vorlage-{kind}.{extension}"
        if extension == "csv":
            return csv_response(filename=filename, header=header, rows=[example])
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(imports.KINDS[kind])[:31]
        sheet.append(header)
        sheet.append(example)
        for cells in sheet.iter_rows():
            for cell in cells:
                cell.data_type = "s"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@method_decorator(require_POST, name="dispatch")
class PeopleImportInviteView(ProgramPeopleMixin, View):
    """Invite imported volunteers without a password to claim their account (each once)."""

    def post(self, request, *args, **kwargs):
        """All imported volunteers without a password, or the one of `application`."""
        one = request.POST.get("application", "")
        ids = [int(one)] if one.isdigit() and len(one) < 12 else None
        count = import_services.volunteers_invite(program=self.program, application_ids=ids)
        messages.success(
            request,
            ngettext(
                "%(count)s imported volunteer has been invited to set a password.",
                "%(count)s imported volunteers have been invited to set a password.",
                count,
            )
            % {"count": count},
        )
        if ids is not None and self.program.applications.filter(pk=ids[0]).exists():
            return redirect("tandems:coordination_application", pk=ids[0])
        return redirect(reverse("tandems:people_import", kwargs={"slug": self.program.slug}))
