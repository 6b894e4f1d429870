"""The roles above a volunteer: operator, network staff and (per program) coordinator."""

# Operators (superusers) run the installation. Network staff moderate, edit news and pages, keep
# the programs, grant the coordinator role and see network-wide counts, never a program's people.
# Coordinators are granted per program (programs.ProgramCoordinator). Network staff work under
# /netzwerk/ and /koordination/; the Django admin is the operators' alone (mentoring/admin_site.py).


def is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_network_staff(user) -> bool:
    """Network staff, operators included (they are staff as well)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)
