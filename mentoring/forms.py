"""The form of a vocabulary's term (mentoring/vocabulary_views.py): German and English label
and the position in lists; saving hands off to programs.services_vocabularies."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import SingleLineFormField
from programs import services_vocabularies


class VocabularyTermForm(forms.Form):
    name_de = SingleLineFormField(label=_("German label"), max_length=100)
    name_en = SingleLineFormField(label=_("English label"), max_length=100)
    position = forms.IntegerField(
        label=_("position"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("Smaller numbers come first."),
    )

    def __init__(self, *args, term, **kwargs):
        if term.pk:
            kwargs.setdefault(
                "initial",
                {"name_de": term.name_de, "name_en": term.name_en, "position": term.position},
            )
        super().__init__(*args, **kwargs)
        self.term = term

    def clean(self):
        data = super().clean()
        for name in ("name_de", "name_en"):
            if name in data and not data[name].strip():
                self.add_error(name, _("Please give a label."))
        return data

    def save(self):
        data = self.cleaned_data
        try:
            return services_vocabularies.vocabulary_term_save(
                term=self.term,
                name_de=data["name_de"].strip(),
                name_en=data["name_en"].strip(),
                position=data["position"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    self.add_error(name if name in self.fields else None, messages)
            else:
                self.add_error(None, error)
            raise
