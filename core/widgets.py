"""Form widgets the apps share."""

from django import forms

# The browser's own date picker; the value in ISO form, as the date input requires.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
