"""The event form of coordinators and network staff. It validates; saving hands over to
services.event_save, whose refusals are shown at the fields they concern."""

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import MultiLineFormField, german_slug
from events import services
from events.models import Audience, Event, EventType
from programs.forms import VocabularyChoiceField
from programs.models import Organization, Program

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# Paths of the calendar beside /veranstaltungen/<slug>/ that an event's slug must not take.
RESERVED_SLUGS = {"kalender", "archiv", "neu", "pruefung"}
NETWORK = "network"

# The repetitions the form offers; anything else (from the admin) is kept as it is.
REPEAT_NONE, REPEAT_WEEKLY, REPEAT_BIWEEKLY, REPEAT_MONTHLY, REPEAT_KEEP = (
    "", "weekly", "biweekly", "monthly", "keep",
)  # fmt: skip
REPEAT_CHOICES = [
    (REPEAT_NONE, _("does not repeat")),
    (REPEAT_WEEKLY, _("every week")),
    (REPEAT_BIWEEKLY, _("every two weeks")),
    (REPEAT_MONTHLY, _("every month on the same weekday (e.g. the first Tuesday)")),
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
SIMPLE_RULE = re.compile(
    r"^FREQ=(?P<freq>WEEKLY|MONTHLY)(;INTERVAL=(?P<interval>\d+))?"
    r"(;BYDAY=(?P<byday>-?\d[A-Z]{2}))?;COUNT=(?P<count>\d+)$"
)


def https_formfield(field, **kwargs):
    """Form fields of the model; a link typed without scheme means https (as in Django 6)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


def unique_event_slug(title: str) -> str:
    base = german_slug(title)[:180].strip("-") or "veranstaltung"
    # Not a calendar path and not a bare number (a year of the month view).
    if base in RESERVED_SLUGS or base.isdigit():
        base = f"veranstaltung-{base}"
    taken = set(Event.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def repetition_rule(kind: str, *, count: int, starts_on) -> str:
    if kind == REPEAT_WEEKLY:
        return f"FREQ=WEEKLY;COUNT={count}"
    if kind == REPEAT_BIWEEKLY:
        return f"FREQ=WEEKLY;INTERVAL=2;COUNT={count}"
    if kind == REPEAT_MONTHLY:
        nth = (starts_on.day - 1) // 7 + 1
        # A fifth weekday is always the month's last one; not every month has a fifth.
        position = -1 if nth == 5 else nth
        return f"FREQ=MONTHLY;BYDAY={position}{WEEKDAYS[starts_on.weekday()]};COUNT={count}"
    return ""


def repetition_of(rule: str) -> tuple[str, int | None]:
    """The form's choice and count for a stored rule; REPEAT_KEEP for a rule it cannot show."""
    if not rule:
        return REPEAT_NONE, None
    match = SIMPLE_RULE.match(rule)
    if match is None:
        return REPEAT_KEEP, None
    freq, interval, byday = match["freq"], match["interval"] or "1", match["byday"]
    count = int(match["count"])
    if freq == "WEEKLY" and not byday and interval in ("1", "2"):
        return (REPEAT_WEEKLY if interval == "1" else REPEAT_BIWEEKLY), count
    if freq == "MONTHLY" and byday and interval == "1":
        return REPEAT_MONTHLY, count
    return REPEAT_KEEP, None


def organiser_choices(*, user, event: Event | None = None) -> list[tuple[str, str]]:
    """The user's programs and their organisations; staff may also choose the network. An
    event's current organiser stays a choice, so staff can edit any event."""
    programs = list(
        Program.objects.filter(memberships__user=user).select_related("organization").distinct()
    )
    choices = []
    if user.is_staff:
        choices.append((NETWORK, str(_("the network"))))
    for program in sorted(programs, key=lambda p: p.name):
        choices.append((f"program:{program.pk}", program.name))
    organizations = {p.organization_id: p.organization for p in programs}
    for organization in sorted(organizations.values(), key=lambda o: o.name):
        choices.append((f"organization:{organization.pk}", organization.name))
    if event is not None and event.pk:
        current = organiser_value(event)
        if current not in {value for value, _label in choices}:
            choices.append((current, event.organiser_name))
    return choices


def organiser_value(event: Event) -> str:
    if event.program_id:
        return f"program:{event.program_id}"
    if event.organization_id:
        return f"organization:{event.organization_id}"
    return NETWORK


class TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class EventForm(forms.ModelForm):
    """An event as its organiser writes it: local dates and times, a simple repetition."""

    event_type = TypeChoiceField(EventType.objects.all(), label=_("type"))
    audiences = VocabularyChoiceField(Audience.objects.all(), label=_("audience"))
    start_date = forms.DateField(label=_("first day"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("start time"), widget=TIME_WIDGET, required=False)
    end_date = forms.DateField(
        label=_("last day"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Leave empty for an event on one day."),
    )
    end_time = forms.TimeField(label=_("end time"), widget=TIME_WIDGET, required=False)
    repeat = forms.ChoiceField(label=_("repeats"), choices=REPEAT_CHOICES, required=False)
    repeat_count = forms.IntegerField(
        label=_("number of dates"),
        min_value=2,
        max_value=100,
        required=False,
        help_text=_("How often the event takes place in all, the first date included."),
    )
    organiser = forms.ChoiceField(label=_("organiser"))
    # The model allows 0 at the database level; the form says what makes sense: 1 or more.
    capacity = forms.IntegerField(
        label=Event._meta.get_field("capacity").verbose_name,
        help_text=Event._meta.get_field("capacity").help_text,
        min_value=1,
        max_value=100000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Event
        formfield_callback = https_formfield
        fields = [
            "title", "summary", "description", "event_type", "audiences", "all_day", "mode",
            "venue", "street", "postcode", "city", "online_url", "step_free", "sign_language",
            "live_captions", "livestream", "childcare", "accessibility_note", "cost", "language",
            "registration", "registration_url", "capacity", "registration_closes_at",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "registration_closes_at": DATETIME_WIDGET,
        }
        help_texts = {
            "description": _(
                "Markdown: **bold**, *italic*, lists with -, links as [text](https://…). "
                "Other HTML is removed."
            ),
        }

    # Service errors about model fields the form shows under other names.
    SERVICE_FIELDS = {
        "starts_at": "start_date",
        "ends_at": "end_date",
        "recurrence": "repeat",
        "slug": None,
    }
    FIELD_ORDER = [
        "title", "summary", "description", "event_type", "audiences", "organiser",
        "start_date", "start_time", "end_date", "end_time", "all_day", "repeat", "repeat_count",
    ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.initial_recurrence = self.instance.recurrence
        self.order_fields(self.FIELD_ORDER)
        self.fields["organiser"].choices = organiser_choices(user=user, event=self.instance)
        event = self.instance
        choices = list(REPEAT_CHOICES)
        if event.pk:
            start = timezone.localtime(event.starts_at)
            end = timezone.localtime(event.ends_at)
            last_day = end.date()
            if event.all_day:
                last_day -= timedelta(days=1)
            repeat, count = repetition_of(event.recurrence)
            if repeat == REPEAT_KEEP:
                choices.append(
                    (
                        REPEAT_KEEP,
                        _("keep the current rule (%(rule)s)") % {"rule": event.recurrence},
                    )
                )
            self.initial.update(
                {
                    "start_date": start.date(),
                    "start_time": None if event.all_day else start.time(),
                    "end_date": last_day if last_day != start.date() else None,
                    "end_time": None if event.all_day else end.time(),
                    "repeat": repeat,
                    "repeat_count": count,
                    "organiser": organiser_value(event),
                }
            )
        elif len(self.fields["organiser"].choices) > 1 and not user.is_staff:
            # A coordinator of one program usually writes for that program.
            self.initial.setdefault("organiser", self.fields["organiser"].choices[0][0])
        self.fields["repeat"].choices = choices

    def clean(self):
        data = super().clean()
        start_date = data.get("start_date")
        if start_date is None:
            return data
        end_date = data.get("end_date") or start_date
        if end_date < start_date:
            self.add_error("end_date", _("The last day must not be before the first day."))
            return data
        if data.get("all_day"):
            self.starts_at, self.ends_at = services.all_day_span(start_date, end_date)
        else:
            for name in ("start_time", "end_time"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(
                        name, _("Please give a time, or tick “all day” for an all-day event.")
                    )
            if data.get("start_time") is None or data.get("end_time") is None:
                return data
            self.starts_at = services.local_datetime(start_date, data["start_time"])
            self.ends_at = services.local_datetime(end_date, data["end_time"])
            if self.ends_at <= self.starts_at:
                self.add_error("end_time", _("The end must be after the start."))
        repeat = data.get("repeat") or REPEAT_NONE
        if repeat in (REPEAT_WEEKLY, REPEAT_BIWEEKLY, REPEAT_MONTHLY):
            if data.get("repeat_count") is None:
                if "repeat_count" not in self.errors:
                    self.add_error(
                        "repeat_count", _("Please say how many times the event takes place.")
                    )
            else:
                self.recurrence = repetition_rule(
                    repeat, count=data["repeat_count"], starts_on=start_date
                )
        elif repeat == REPEAT_KEEP:
            self.recurrence = self.instance.recurrence
        else:
            self.recurrence = ""
        closes = data.get("registration_closes_at")
        if closes is not None and hasattr(self, "ends_at") and closes > self.ends_at:
            self.add_error(
                "registration_closes_at",
                _("Registration must close before the event ends."),
            )
        return data

    def _organiser(self) -> tuple[Program | None, Organization | None]:
        value = self.cleaned_data["organiser"]
        if value == NETWORK:
            return None, None
        kind, _sep, pk = value.partition(":")
        if kind == "program":
            return Program.objects.get(pk=pk), None
        return None, Organization.objects.get(pk=pk)

    def save(self, commit=True):
        """Hand over to services.event_save; its ValidationError names the form's fields."""
        event = self.instance
        event.starts_at, event.ends_at = self.starts_at, self.ends_at
        event.recurrence = self.recurrence
        if event.recurrence != self.initial_recurrence:  # other dates: the left-out ones go
            event.exdates = []
        event.program, event.organization = self._organiser()
        if {"postcode", "city", "mode"} & set(self.changed_data) or event.mode == Event.Mode.ONLINE:
            # The gazetteer fills the Bundesland again for the new place.
            event.state = ""
        if not event.pk:
            event.slug = unique_event_slug(event.title)
        try:
            return services.event_save(
                event=event,
                audiences=self.cleaned_data["audiences"],
                by=self.user,
                needs_review=not self.user.has_perm("events.moderate_events"),
            )
        except ValidationError as error:
            self.add_service_errors(error)
            raise

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = self.SERVICE_FIELDS.get(name, name)
            self.add_error(field if field in self.fields else None, messages)


class RejectForm(forms.Form):
    reason = MultiLineFormField(
        label=_("Reason for sending it back"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The organiser sees it on their list and on the edit page."),
    )
