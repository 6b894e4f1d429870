"""The portal's one form layout as Django's form renderer."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """`{{ form }}` and `{{ field.as_field_group }}` render as the includes the templates use: the
    error summary on top, each field with its label, required marker, inline error and help."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/form_field.html"
