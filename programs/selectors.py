from django.db.models import QuerySet

from .models import Program, ProgramCoordinator


def program_list_public() -> QuerySet[Program]:
    return Program.objects.published().select_related("organization")


def programs_coordinated_by(*, user) -> QuerySet[Program]:
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(memberships__user=user).select_related("organization")


def user_coordinates_any_program(*, user) -> bool:
    if not user.is_authenticated:
        return False
    return ProgramCoordinator.objects.filter(user=user).exists()
