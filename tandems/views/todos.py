"""The coordinators' to-dos across their programs: list with filters, create, mark done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from core.actions import run_action
from programs.models import ProgramCoordinator
from programs.permissions import CoordinatorPermissionMixin
from programs.selectors import programs_coordinated_by
from tandems import selectors
from tandems.filters import TodoFilterSet
from tandems.forms.coordination import add_service_errors
from tandems.forms.messages import TodoForm
from tandems.models import Todo
from tandems.services import todos as todo_services

PAGE_SIZE = 50
LINKS = ("application", "mentee", "tandem")


class TodoMixin(CoordinatorPermissionMixin):
    """Signed-in users who coordinate no program get 404, as on every program page."""

    permission_required = "programs.access_coordination"

    @cached_property
    def programs(self):
        return programs_coordinated_by(user=self.request.user)

    def has_permission(self):
        return super().has_permission() and self.programs.exists()


def linked_record(user, kind: str, pk):
    """The application, mentee or tandem `pk` among the user's programs; 404 for any other."""
    finders = {
        "application": selectors.applications_of_coordinator,
        "mentee": selectors.mentees_of_coordinator,
        "tandem": selectors.tandems_of_coordinator,
    }
    return get_object_or_404(finders[kind](user=user), pk=pk)


class TodoListView(TodoMixin, TemplateView):
    template_name = "tandems/coordination/todo_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = TodoFilterSet(
            self.request.GET,
            queryset=selectors.todos_of_coordinator(user=self.request.user),
            user=self.request.user,
            programs=self.programs,
        )
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = Paginator(queryset, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            filter_form=filterset.form,
            sort=filterset.sort_state,
            page_obj=page,
            query_string=query.urlencode(),
        )
        return context


def coordinator_choices(programs) -> list[tuple[int, str]]:
    memberships = (
        ProgramCoordinator.objects.filter(program__in=programs.values("pk"))
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    seen, choices = set(), []
    for membership in memberships:
        if membership.user_id not in seen:
            seen.add(membership.user_id)
            user = membership.user
            choices.append((user.pk, user.name or user.email))
    return choices


class TodoCreateView(TodoMixin, FormView):
    template_name = "tandems/coordination/todo_form.html"

    def get_form(self, form_class=None):
        return TodoForm(
            **self.get_form_kwargs(),
            programs=self.programs,
            coordinators=coordinator_choices(self.programs),
        )

    def get_initial(self):
        initial = {"assignee": self.request.user.pk}
        for kind in LINKS:
            value = self.request.GET.get(kind, "")
            if value.isascii() and value.isdigit():
                record = linked_record(self.request.user, kind, value)
                initial.update({kind: record.pk, "program": record.program_id})
                self.linked = record
                break
            if value:
                raise Http404
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        linked = getattr(self, "linked", None)
        if linked is not None:
            # An unsaved to-do about the record, for the link the list shows too.
            context["linked_todo"] = Todo(**{linked._meta.model_name: linked})
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        links = {}
        for kind in LINKS:
            if data.get(kind):
                links[kind] = linked_record(self.request.user, kind, data[kind])
        self.linked = next(iter(links.values()), None)
        assignee = ProgramCoordinator.objects.filter(
            program__in=self.programs.values("pk"), user_id=data["assignee"]
        ).first()
        try:
            todo_services.todo_create(
                program=data["program"],
                title=data["title"],
                due_on=data["due_on"],
                assignee=assignee.user if assignee else None,
                by=self.request.user,
                **links,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The to-do has been saved."))
        return redirect("tandems:coordination_todos")


@require_POST
@login_required
def todo_done_view(request, pk):
    todo = get_object_or_404(selectors.todos_of_coordinator(user=request.user), pk=pk)
    run_action(
        request,
        lambda: todo_services.todo_done(todo=todo, by=request.user),
        success=_("The to-do is done."),
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("tandems:coordination_todos")
