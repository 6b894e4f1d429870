"""Documents on a volunteer (of a program), a mentee or a tandem: upload, download, delete.

Only the coordinators of the record's program reach any of it; for everyone else signed in the
document does not exist (404, also for a guessed token). A download is written to the audit trail
("viewed", detail "document"); upload and deletion are written by auditlog itself.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from audit import services as audit_services
from core.actions import run_action
from programs.permissions import CoordinatorPermissionMixin
from tandems import selectors
from tandems.forms.documents import DocumentForm
from tandems.models import Document
from tandems.services import documents as document_services


def record_url(document: Document) -> str:
    """The page of the record a document belongs to, where it is listed."""
    if document.mentee_id:
        url = reverse("tandems:coordination_mentee", args=[document.mentee_id])
    elif document.tandem_id:
        url = reverse("tandems:coordination_tandem", args=[document.tandem_id])
    else:
        # A volunteer's documents are listed on their applications to the program.
        application = selectors.latest_application(
            program_id=document.program_id, volunteer_id=document.volunteer_id
        )
        if application is None:
            return reverse("tandems:coordination_applications", args=[document.program.slug])
        url = reverse("tandems:coordination_application", args=[application.pk])
    return f"{url}#dokumente"


def _upload(request, *, program, record_page: str, **record):
    form = DocumentForm(request.POST, request.FILES)
    run_action(
        request,
        lambda: document_services.document_add(
            program=program,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            by=request.user,
            **record,
        ),
        success=_("The document has been saved."),
        form=form,
    )
    return redirect(f"{record_page}#dokumente")


def _coordinated(request, queryset, pk, permission: str):
    obj = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm(permission, obj):
        raise Http404
    return obj


# A GET answers 405 for everyone, as the other POST-only actions do.
@require_POST
@login_required
def application_document_upload_view(request, pk):
    application = _coordinated(
        request,
        selectors.applications_of_coordinator(user=request.user),
        pk,
        "tandems.change_application",
    )
    return _upload(
        request,
        program=application.program,
        record_page=reverse("tandems:coordination_application", args=[application.pk]),
        volunteer=application.volunteer,
    )


@require_POST
@login_required
def mentee_document_upload_view(request, pk):
    mentee = _coordinated(
        request,
        selectors.mentees_of_coordinator(user=request.user),
        pk,
        "tandems.change_mentee",
    )
    return _upload(
        request,
        program=mentee.program,
        record_page=reverse("tandems:coordination_mentee", args=[mentee.pk]),
        mentee=mentee,
    )


@require_POST
@login_required
def tandem_document_upload_view(request, pk):
    tandem = _coordinated(
        request,
        selectors.tandems_of_coordinator(user=request.user),
        pk,
        "tandems.change_tandem",
    )
    return _upload(
        request,
        program=tandem.program,
        record_page=reverse("tandems:coordination_tandem", args=[tandem.pk]),
        tandem=tandem,
    )


def _download_name(document: Document) -> str:
    return f"{slugify(document.title)[:80] or 'dokument'}.{document.extension}"


@login_required
def document_download_view(request, token):
    """The file as an attachment, never shown inline, never cached; through nginx when
    PRIVATE_MEDIA_ACCEL_REDIRECT names its internal location."""
    document = get_object_or_404(selectors.documents_of_coordinator(user=request.user), token=token)
    if not request.user.has_perm("tandems.view_document", document):
        raise Http404
    accel = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type=document.content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{document.file.name}"
    else:
        # Read at once (at most DOCUMENT_MAX_BYTES): no file handle outlives the request,
        # whoever forgets to close the response. Behind nginx the branch above serves it.
        try:
            with document.file.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError as error:
            raise Http404 from error
        response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_download_name(document)
    )
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    audit_services.audit_record(
        actor=request.user, action=audit_services.VIEWED, obj=document, detail="document"
    )
    return response


class DocumentDeleteView(CoordinatorPermissionMixin, TemplateView):
    """GET asks to confirm, POST deletes the row and (after the commit) the file."""

    template_name = "tandems/coordination/document_delete.html"
    permission_required = "tandems.change_document"

    @cached_property
    def document(self) -> Document:
        return get_object_or_404(
            selectors.documents_of_coordinator(user=self.request.user), token=self.kwargs["token"]
        )

    def get_permission_object(self):
        return self.document

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "document": self.document,
            "back": record_url(self.document),
        }

    def post(self, request, *args, **kwargs):
        back = record_url(self.document)
        run_action(
            request,
            lambda: document_services.document_delete(document=self.document),
            success=_("The document has been deleted."),
        )
        return redirect(back)
