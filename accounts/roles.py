"""The roles above a volunteer: operator, network staff and (per program) coordinator."""

# Operators (superusers) run the installation. Network staff moderate, edit news and pages, keep
# the programs, grant the coordinator role and see network-wide counts, never a program's people.
# Coordinators are granted per program (programs.ProgramCoordinator). The admin follows the same
# line: the parts network staff manage say so with NetworkStaffAdminMixin, the parts about people
# with OperatorOnlyAdminMixin; everything else is the operator's, as Django's permissions leave it.


def is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_network_staff(user) -> bool:
    """Network staff, operators included (they are staff as well)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


class NetworkStaffAdminMixin:
    """An admin page network staff manage in full: they hold no model permissions of their own."""

    def has_module_permission(self, request):
        return is_network_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_network_staff(request.user)

    def has_add_permission(self, request, *args):
        return is_network_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_network_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_network_staff(request.user)


class OperatorOnlyAdminMixin:
    """An admin page about people (accounts, applications, the outbox): operators only, also
    when a group's permissions would let network staff in."""

    def has_module_permission(self, request):
        return is_operator(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_operator(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_operator(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_operator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user) and super().has_delete_permission(request, obj)
