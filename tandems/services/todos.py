"""The coordinators' to-dos: create one (due today or later, assigned to a coordinator of the
program, about a record of the same program), mark it done."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Program, ProgramCoordinator
from tandems.models import Application, Mentee, Tandem, Todo


def _check_link(program: Program, linked, field: str) -> None:
    if linked is not None and linked.program_id != program.pk:
        raise ValidationError({field: _("This record belongs to another program.")})


@transaction.atomic
def todo_create(
    *,
    program: Program,
    title: str,
    due_on: date,
    assignee,
    by,
    application: Application | None = None,
    mentee: Mentee | None = None,
    tandem: Tandem | None = None,
) -> Todo:
    if due_on < timezone.localdate():
        raise ValidationError(
            {"due_on": _("The due date lies in the past. Please choose today or a later day.")}
        )
    if (
        assignee is not None
        and not ProgramCoordinator.objects.filter(program=program, user=assignee).exists()
    ):
        raise ValidationError({"assignee": _("Please choose one of the program's coordinators.")})
    if sum(linked is not None for linked in (application, mentee, tandem)) > 1:
        raise ValidationError(_("A to-do can be about one record at most."))
    _check_link(program, application, "application")
    _check_link(program, mentee, "mentee")
    _check_link(program, tandem, "tandem")
    todo = Todo(
        program=program,
        title=title,
        due_on=due_on,
        assignee=assignee,
        application=application,
        mentee=mentee,
        tandem=tandem,
        created_by=by,
    )
    todo.full_clean()
    todo.save()
    return todo


@transaction.atomic
def todo_done(*, todo: Todo, by) -> Todo:
    todo = Todo.objects.select_for_update().get(pk=todo.pk)
    if todo.done_at is not None:
        raise ValidationError(_("This to-do is already done."))
    todo.done_at = timezone.now()
    todo.save(update_fields=["done_at"])
    return todo
