"""The proposal form of coordinators (an item about one of their own programs) and the staff's
form for any item."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import images
from core.text import MultiLineFormField, SingleLineFormField
from events.models import Event
from programs.forms import VocabularyChoiceField
from programs.models import Organization, Program

from . import services
from .models import MAX_IMAGE_BYTES, NewsItem, NewsTag


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


# News photos are shown at most this large; bigger uploads are made smaller when encoded anew.
IMAGE_MAX_SIZE = (1600, 1200)


class IdsChoiceField(VocabularyChoiceField):
    """Programs or events an item is about, as a multiple select (there may be many)."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj):
        if isinstance(obj, Event):
            # Events of a series share their title: the date tells them apart.
            day = date_format(timezone.localtime(obj.starts_at), "SHORT_DATE_FORMAT")
            return f"{obj.title} ({day})"
        return str(obj)


class NewsItemForm(forms.ModelForm):
    """The staff's form for a news item (the admin's fields, but status and moderation note,
    which the publish and take-offline actions change). Saving hands off to news_item_save."""

    slug = forms.SlugField(
        label=_("address"),
        max_length=200,
        required=False,
        help_text=_("Part of the address /aktuelles/…/; left empty, it is made from the title."),
    )
    tags = VocabularyChoiceField(NewsTag.objects.all(), label=_("tags"), required=False)

    class Meta:
        model = NewsItem
        fields = [
            "title",
            "slug",
            "published_on",
            "teaser",
            "body",
            "image",
            "image_alt",
            "organization",
            "tags",
            "programs",
            "events",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "teaser": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 12}),
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["programs"] = IdsChoiceField(
            Program.objects.order_by("name"),
            label=_("programs it is about"),
            required=False,
        )
        self.fields["events"] = IdsChoiceField(
            Event.objects.order_by("-starts_at", "title"),
            label=_("events it is about"),
            required=False,
        )

    def clean_slug(self):
        return self.cleaned_data["slug"].lower()

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            # Encoded anew: no metadata (GPS, camera), nothing smuggled behind the picture.
            try:
                return images.image_reencode(
                    image, max_bytes=MAX_IMAGE_BYTES, max_size=IMAGE_MAX_SIZE, stem="meldung"
                )
            except images.TooLarge as error:
                raise ValidationError(_("The image is too large; at most 5 MB, please.")) from error
        return image

    def save(self, commit=True) -> NewsItem:
        data = self.cleaned_data
        try:
            return services.news_item_save(
                item=self.instance,
                tags=data["tags"],
                programs=data["programs"],
                events=data["events"],
                by=self.user,
            )
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
