"""The coordinators' people search: one text, checked before anything is searched."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import SearchFormField
from tandems.search import MAX_QUERY_LENGTH, MIN_QUERY_LENGTH


class PeopleSearchForm(forms.Form):
    q = SearchFormField(
        label=_("Name, e-mail address or phone number"),
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": _("Please enter a name, an e-mail address or a phone number."),
            "null_characters_not_allowed": _(
                "The search text contains characters we cannot search for."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language, not once at import.
        self.fields["q"].error_messages["max_length"] = gettext(
            "The search text is too long; it may have at most %(max)s characters."
        ) % {"max": MAX_QUERY_LENGTH}

    def clean_q(self):
        query = self.cleaned_data["q"]
        if not any(char.isalnum() for char in query):
            raise forms.ValidationError(
                _("Please search for letters or digits, e.g. a part of a name."), code="no_words"
            )
        if len(query) < MIN_QUERY_LENGTH:
            raise forms.ValidationError(
                gettext("Please enter at least %(min)s characters.") % {"min": MIN_QUERY_LENGTH},
                code="min_length",
            )
        return query
