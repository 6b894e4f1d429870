"""Match support and concerns: a tandem's support log for its coordinators, and concerns about
someone's safety, raised by the mentor or a coordinator and closed by a coordinator.

A concern's text is shown on one page only, `/koordination/sorgen/<id>/`, to the coordinators of
its program (another program's coordinators, network staff and everybody else: 404). The mentor
who raised it is told that it arrived, never more.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from audit.mixins import AccessLogMixin
from programs.permissions import CoordinatorPermissionMixin
from tandems import selectors
from tandems.forms.coordination import add_service_errors
from tandems.forms.support import ConcernCloseForm, ConcernForm, SupportContactForm
from tandems.models import Concern, Tandem
from tandems.services import support
from tandems.views.tandem import TandemMixin

CONTACTS_PER_PAGE = 25
CONCERN_RECEIVED = gettext_lazy(
    "Your report has been received. The program's coordinators have been told at once."
)


class SupportLogView(AccessLogMixin, TandemMixin, FormView):
    """The tandem's support contacts, the newest first, and the form to log one."""

    template_name = "tandems/coordination/support_log.html"
    form_class = SupportContactForm
    permission_required = "tandems.change_tandem"
    audit_detail = "begleitung"

    def audit_object(self):
        return self.tandem

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contacts = self.tandem.support_contacts.select_related("author").order_by(
            "-contacted_on", "-pk"
        )
        page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(page_obj=page, contacts=page.object_list)
        return context

    def form_valid(self, form):
        try:
            form.save(tandem=self.tandem, by=self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The support contact has been logged."))
        return redirect("tandems:coordination_support", pk=self.tandem.pk)


class CoordinatorConcernView(TandemMixin, FormView):
    """A coordinator raises a concern about a tandem of their program."""

    template_name = "tandems/concern_form.html"
    form_class = ConcernForm
    permission_required = "tandems.change_tandem"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "back_url": reverse("tandems:coordination_tandem", kwargs={"pk": self.tandem.pk}),
        }

    def form_valid(self, form):
        try:
            concern = support.concern_raise(
                program=self.tandem.program,
                tandem=self.tandem,
                by=self.request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, CONCERN_RECEIVED)
        return redirect(concern)


class MentorConcernView(LoginRequiredMixin, FormView):
    """The mentor raises a concern about their tandem, from any page of their area. Also after
    the tandem ended: a worry can come later."""

    template_name = "tandems/concern_form.html"
    form_class = ConcernForm

    @cached_property
    def tandem(self) -> Tandem:
        tandem = get_object_or_404(
            selectors.tandems_of_mentor(user=self.request.user), pk=self.kwargs["pk"]
        )
        if not self.request.user.has_perm("tandems.mentor_view_tandem", tandem):
            raise Http404
        return tandem

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.tandem  # noqa: B018 (404 before the form is shown or read)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "tandem": self.tandem,
            "back_url": reverse("tandems:mentor_tandem", kwargs={"pk": self.tandem.pk}),
            "as_mentor": True,
        }

    def form_valid(self, form):
        try:
            support.concern_raise(
                program=self.tandem.program,
                tandem=self.tandem,
                by=self.request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, CONCERN_RECEIVED)
        return redirect("tandems:mentor_tandem", pk=self.tandem.pk)


class ConcernView(AccessLogMixin, CoordinatorPermissionMixin, FormView):
    """The concern with its text, and while it is open the form that records what was done."""

    template_name = "tandems/coordination/concern_detail.html"
    form_class = ConcernCloseForm
    permission_required = "tandems.view_concern"
    audit_detail = "sorge"

    @cached_property
    def concern(self) -> Concern:
        return get_object_or_404(
            selectors.concerns_of_coordinator(user=self.request.user).select_related(
                "raised_by", "closed_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.concern

    def audit_object(self):
        return self.concern

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "concern": self.concern}

    def post(self, request, *args, **kwargs):
        if not self.concern.is_open:
            messages.error(request, _("This concern has already been closed."))
            return redirect(self.concern)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            support.concern_close(
                concern=self.concern, by=self.request.user, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The concern is closed; what was done is recorded."))
        return redirect(self.concern)
