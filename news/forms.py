"""The proposal form of coordinators: an item about one of their own programs."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, SingleLineFormField
from programs.forms import VocabularyChoiceField
from programs.models import Program

from . import services
from .models import NewsItem, NewsTag


class NewsProposalForm(forms.Form):
    title = SingleLineFormField(label=_("title"), max_length=200)
    teaser = MultiLineFormField(
        label=_("teaser"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NewsItem._meta.get_field("teaser").help_text,
    )
    body = MultiLineFormField(
        label=_("text"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=NewsItem._meta.get_field("body").help_text,
    )
    tags = VocabularyChoiceField(NewsTag.objects.all(), label=_("tags"), required=False)
    program = forms.ModelChoiceField(
        Program.objects.none(), label=_("the program it is about"), empty_label=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Another program's id in the POST is not among the choices: "select a valid choice".
        self.fields["program"].queryset = (
            Program.objects.filter(memberships__user=user).distinct().order_by("name")
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Please give a title."))
        return title

    def save(self, *, item: NewsItem | None = None) -> NewsItem:
        """A new proposal, or with `item` the proposer's change to a sent-back one."""
        data = self.cleaned_data
        values = {
            "by": self.user,
            "program": data["program"],
            "title": data["title"],
            "teaser": data["teaser"],
            "body": data["body"],
            "tags": data["tags"],
        }
        try:
            if item is not None:
                return services.news_item_revise(item=item, **values)
            return services.news_item_propose(**values)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    self.add_error(name if name in self.fields else None, messages)
            else:
                self.add_error(None, error)
            raise


class SendBackForm(forms.Form):
    reason = MultiLineFormField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Shown to whoever proposed the item."),
    )
