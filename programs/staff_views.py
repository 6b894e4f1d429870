"""The network staff's pages for programs (/netzwerk/): organisations, programs with every
field, archiving, the coordinator role and invitations by e-mail. Network staff and operators
only: anonymous visitors are led to the login, everyone else signed in gets 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin, permission_required

from core.actions import run_action

from . import invitations, selectors, services
from .forms import CoordinatorGrantForm, InvitationForm, OrganizationForm, StaffProgramForm
from .maps import map_config
from .models import CoordinatorInvitation, Organization, Program, ProgramCoordinator

PAGE_SIZE = 25
PERMISSION = "programs.manage_programs"


def staff_required(view):
    """Anonymous: the login; signed in without the role: 403."""
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


class StaffMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = PERMISSION


class FilteredListMixin:
    """A list with a FilterSet; a page out of range or not a number shows the nearest page."""

    paginate_by = PAGE_SIZE

    @cached_property
    def filterset(self):
        return self.make_filterset(data=self.request.GET or None)

    def get_queryset(self):
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filterset": self.filterset,
            "sort": getattr(self.filterset, "sort_state", None),
            "query_string": query.urlencode(),
        }


# --- Organisations ------------------------------------------------------------------------------


class OrganizationListView(StaffMixin, FilteredListMixin, ListView):
    template_name = "programs/staff/organization_list.html"
    context_object_name = "organizations"

    def make_filterset(self, *, data):
        return selectors.staff_organization_filterset(data=data)


class OrganizationCreateView(StaffMixin, CreateView):
    template_name = "programs/staff/organization_form.html"
    form_class = OrganizationForm

    def form_valid(self, form):
        organization = form.save()
        messages.success(self.request, _("The organisation has been saved."))
        return redirect("programs:staff_organization_edit", slug=organization.slug)


class OrganizationEditView(StaffMixin, UpdateView):
    template_name = "programs/staff/organization_form.html"
    form_class = OrganizationForm
    queryset = Organization.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programs"] = self.object.programs.order_by("name")
        return context

    def form_valid(self, form):
        organization = form.save()
        messages.success(self.request, _("The organisation has been saved."))
        return redirect("programs:staff_organization_edit", slug=organization.slug)


# --- Programs -----------------------------------------------------------------------------------


class StaffProgramListView(StaffMixin, FilteredListMixin, ListView):
    template_name = "programs/staff/program_list.html"
    context_object_name = "programs"

    def make_filterset(self, *, data):
        return selectors.staff_program_filterset(data=data)


class StaffProgramCreateView(StaffMixin, CreateView):
    template_name = "programs/staff/program_form.html"
    form_class = StaffProgramForm

    def get_initial(self):
        organization = self.request.GET.get("traeger", "")
        found = Organization.objects.filter(slug=organization).first() if organization else None
        return {"organization": found} if found else {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "map_config": map_config()}

    def form_valid(self, form):
        program = form.save()
        messages.success(self.request, _("The program has been created as a draft."))
        return redirect("programs:staff_program_edit", slug=program.slug)


class StaffProgramEditView(StaffMixin, UpdateView):
    template_name = "programs/staff/program_form.html"
    form_class = StaffProgramForm
    queryset = Program.objects.select_related("organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            map_config=map_config(),
            coordinators=selectors.program_coordinators(program=self.object),
            invitations=selectors.open_invitations(program=self.object),
            grant_form=CoordinatorGrantForm(),
            invitation_form=InvitationForm(),
        )
        return context

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("The listing has been saved."))
        return redirect("programs:staff_program_edit", slug=self.object.slug)


@require_POST
@staff_required
def program_status_view(request, slug, decision):
    program = get_object_or_404(Program, slug=slug)
    actions = {
        "veroeffentlichen": (services.program_publish, _("The program is published.")),
        "archivieren": (services.program_archive, _("The program is archived.")),
    }
    if decision not in actions:
        raise Http404
    action, success = actions[decision]
    run_action(request, lambda: action(program=program), success=success)
    return redirect("programs:staff_program_edit", slug=program.slug)


# --- The coordinator role -----------------------------------------------------------------------


@require_POST
@staff_required
def coordinator_grant_view(request, slug):
    program = get_object_or_404(Program, slug=slug)
    form = CoordinatorGrantForm(request.POST)
    run_action(
        request,
        lambda: services.coordinator_grant(program=program, user=form.user, by=request.user),
        success=_("The coordinator role has been granted."),
        form=form,
    )
    return redirect("programs:staff_program_edit", slug=program.slug)


@require_POST
@staff_required
def coordinator_revoke_view(request, slug, pk):
    membership = get_object_or_404(ProgramCoordinator, program__slug=slug, pk=pk)
    run_action(
        request,
        lambda: services.coordinator_revoke(membership=membership, by=request.user),
        success=_("The coordinator role has been revoked."),
    )
    return redirect("programs:staff_program_edit", slug=slug)


# --- Invitations --------------------------------------------------------------------------------


@require_POST
@staff_required
def invitation_create_view(request, slug):
    program = get_object_or_404(Program, slug=slug)
    form = InvitationForm(request.POST)
    run_action(
        request,
        lambda: invitations.invitation_create(
            program=program, email=form.cleaned_data["email"], by=request.user
        ),
        success=lambda invitation: (
            _("An invitation has been sent to %(email)s.") % {"email": invitation.email}
        ),
        form=form,
    )
    return redirect("programs:staff_program_edit", slug=program.slug)


class InvitationListView(StaffMixin, ListView):
    """Every open invitation, soonest to expire first."""

    template_name = "programs/staff/invitation_list.html"
    context_object_name = "invitations"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.open_invitations()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


@require_POST
@staff_required
def invitation_revoke_view(request, pk):
    invitation = get_object_or_404(CoordinatorInvitation.objects.select_related("program"), pk=pk)
    run_action(
        request,
        lambda: invitations.invitation_revoke(invitation=invitation),
        success=_("The invitation has been revoked; its link no longer works."),
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(
        reverse("programs:staff_program_edit", kwargs={"slug": invitation.program.slug})
    )
