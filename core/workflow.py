"""The draft → review → published workflow that programs, events and news share."""

from django.core.exceptions import ValidationError


def transition(obj, *, to: str, allowed=None, refusal="", lock: bool = True, **changes):
    """Move `obj` to the status `to`, with `changes` to other fields (a callable is given the
    object and returns the value). With `lock` the row is read again under SELECT FOR UPDATE,
    so two moderators deciding at once cannot both pass the check. A status outside `allowed`
    is refused with `refusal`, changing nothing. Call inside a transaction."""
    if lock:
        obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if allowed is not None and obj.status not in allowed:
        raise ValidationError(refusal)
    obj.status = to
    for name, value in changes.items():
        setattr(obj, name, value(obj) if callable(value) else value)
    obj.save(update_fields=["status", *changes, "updated_at"])
    return obj
