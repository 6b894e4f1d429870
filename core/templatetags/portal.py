import re

from django import template

register = template.Library()


@register.simple_tag
def accessible_widget(field):
    """Render a form field's widget tied to its errors and help text for screen readers.

    Django links the help text; the errors shown above the input are linked here too, and the
    input is marked invalid, so a screen reader announces both when the field gets focus.
    """
    described_by = [f"{field.auto_id}-error-{n}" for n in range(1, len(field.errors) + 1)]
    if field.help_text:
        described_by.append(f"{field.auto_id}-help")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    # Placeholders are not labels; every field shows its label.
    field.field.widget.attrs.pop("placeholder", None)
    return field.as_widget(attrs=attrs)


# A phone number as people write it: digits, spaces and the usual separators, perhaps a leading +.
_PHONE = re.compile(r"\+?[\d\s/().-]+")


@register.filter
def tel_uri(value) -> str:
    """The tel: link of a phone number ("0341 / 123 45-6" → "tel:0341123456"), or "" when the
    text is not one number (a note such as "abends" or two numbers): then it stays plain text."""
    text = str(value or "").strip()
    if not _PHONE.fullmatch(text):
        return ""
    number = ("+" if text.startswith("+") else "") + re.sub(r"\D", "", text)
    return f"tel:{number}" if sum(char.isdigit() for char in number) >= 3 else ""


@register.filter
def webcal(url) -> str:
    """The webcal: address of an http(s) calendar feed ("https://host/a.ics" →
    "webcal://host/a.ics"): calendar apps open it as a subscription instead of a download."""
    text = str(url or "")
    for scheme in ("https://", "http://"):
        if text.startswith(scheme):
            return "webcal://" + text[len(scheme) :]
    return text
