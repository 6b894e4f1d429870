"""What the portal's one form layout (templates/includes/form*.html) asks of a form."""

from django import template

register = template.Library()


@register.filter
def has_required(form) -> bool:
    """Whether a visible field of the form must be filled: then the form explains the "*"."""
    return any(field.field.required for field in form.visible_fields())


@register.filter
def fields_with_errors(form) -> list:
    """The visible fields with an error, in the form's order: the error summary links to them."""
    return [field for field in form.visible_fields() if field.errors]


@register.filter
def summary_errors(form) -> list:
    """The errors the summary lists as text: the form's own and those of hidden fields."""
    errors = list(form.non_field_errors())
    for field in form.hidden_fields():
        errors.extend(field.errors)
    return errors
