"""The POST action of a page: run a service, and tell the user what happened in a message."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


def form_errors_as_messages(request, form) -> None:
    """Each field's errors as one error message (the action's page has no form to show them)."""
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def run_action(request, action: Callable, *, success, form=None) -> bool:
    """Run `action()` once `form` (if given) is valid. The form's errors and a service's refusal
    (ValidationError) become error messages; otherwise `success`, a text or a function of the
    action's result, becomes the success message. Returns whether the action ran through."""
    if form is not None and not form.is_valid():
        form_errors_as_messages(request, form)
        return False
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True
