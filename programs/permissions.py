"""Permission mixins of the coordinators' pages: a program, or an object of one, exists only for
the people allowed to see it (404 for everyone else who is signed in)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from rules.contrib.views import PermissionRequiredMixin

from .selectors import programs_coordinated_by


class CoordinatorPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Signed-in users without the permission get 404: the object does not exist for them."""

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()


class ProgramPeopleMixin(CoordinatorPermissionMixin):
    permission_required = "tandems.coordinate_program_people"

    @cached_property
    def program(self):
        return get_object_or_404(
            programs_coordinated_by(user=self.request.user), slug=self.kwargs["slug"]
        )

    def get_permission_object(self):
        return self.program

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "program": self.program}
