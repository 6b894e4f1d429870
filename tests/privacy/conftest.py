"""A volunteer and a mentee whose every personal field carries a marker, and a search for the
marker in every text column of the database: after an erasure it must find nothing."""

from datetime import time, timedelta

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from events import services as event_services
from notifications.models import NotificationSettings
from tandems import services
from tandems.models import CHECKIN_ITEMS, Mentee
from tandems.services import lifecycle
from tests.factories import EventFactory, ProgramCoordinatorFactory, UserFactory, running_tandem
from tests.factories.tandems import make_ready, profile_for

MARK = "markierung"  # matched case-insensitively
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def rows_with(marker: str = MARK) -> dict[str, list]:
    """Every row of every table with the marker in a text column: {"app.Model.field": [pks]}."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            queryset = model._base_manager.all()
            if isinstance(field, models.JSONField):
                queryset = queryset.annotate(_text=Cast(field.name, models.TextField()))
                lookup = "_text__icontains"
            else:
                lookup = f"{field.name}__icontains"
            pks = list(queryset.filter(**{lookup: marker}).values_list("pk", flat=True))
            if pks:
                found[f"{model._meta.label}.{field.name}"] = pks
    return found


def answer_all(checkin, *, by, answered_by="mentor"):
    return lifecycle.checkin_submit(
        checkin=checkin, answers=dict.fromkeys(CHECKIN_ITEMS, 4), answered_by=answered_by, by=by
    )


@pytest.fixture
def coordinator_a(db):
    return ProgramCoordinatorFactory(program__name="Lesepat:innen A")


@pytest.fixture
def marked_mentor(coordinator_a, mailoutbox):
    """A mentor of program A with a running tandem and data of every kind, each marked."""
    program = coordinator_a.program
    user = UserFactory(email="zora.markierung@example.org", name="Zora Markierung")
    profile_for(
        user,
        name="Zora Markierung",
        motivation="Markierung: Lesen macht Freude",
        phone="0341 5550123",
    )
    application = services.application_submit(
        program=program, user=user, privacy_version="2026-11", contact_by_other_programs=True
    )
    services.application_note_add(
        application=application, text="Notiz zu Zora MARKIERUNG", author=coordinator_a.user
    )
    services.training_record(
        application=application, title="Markierung-Schulung", attended_on=timezone.localdate()
    )
    services.conduct_signature_record(
        application=application, version="2026", signed_on=timezone.localdate()
    )
    make_ready(application)
    tandem = running_tandem(
        program,
        mentor=user,
        mentee_name="Mina",
        by=coordinator_a.user,
        started_on=timezone.localdate() - timedelta(days=40),
    )
    lifecycle.meeting_log(
        tandem=tandem,
        by=user,
        day=timezone.localdate() - timedelta(days=3),
        status="held",
        note="Mit Zora Markierung gelesen",
    )
    lifecycle.meeting_plan(
        tandem=tandem,
        by=user,
        day=timezone.localdate() + timedelta(days=3),
        start=time(16, 0),
        end=time(17, 0),
        place="Bei Markierung zu Hause",
    )
    answer_all(tandem.checkins.get(respondent="mentor", occasion="start"), by=user)
    NotificationSettings.objects.create(user=user, meeting_lead_hours=2)
    lifecycle.calendar_feed_for(user=user)
    event = EventFactory(program=program)
    event_services.registration_create(
        event=event,
        name="Zora Markierung",
        email="Zora.Markierung@example.org",
        consent_version="1",
        accessibility_needs="Markierung: Rampe",
    )
    return user


@pytest.fixture
def marked_mentee(coordinator_a):
    """A minor mentee of program A in a running tandem, every field marked."""
    program = coordinator_a.program
    mentee = services.mentee_register(
        mentee=Mentee(
            program=program,
            first_name="Markierung-Kind",
            year_of_birth=timezone.localdate().year - 11,
            postcode="04109",
            city="Leipzig-Markierung",
            languages="Deutsch, Markierung",
            goals_and_needs="Lesen üben (Markierung)",
            guardian_name="Mutter Markierung",
            guardian_phone="0341 Markierung",
            guardian_email="vormund-markierung@example.org",
            reminder_email="eltern.markierung@example.org",
        ),
        guardian_consent_version="2026-11",
        reminder_consent_version="2026-11",
    )
    volunteer = make_ready(
        services.application_submit(program=program, user=_volunteer(), privacy_version="2026-11")
    ).volunteer
    tandem = services.tandem_propose(mentee=mentee, volunteer=volunteer, by=coordinator_a.user)
    tandem = lifecycle.tandem_start(
        tandem=tandem, by=coordinator_a.user, started_on=timezone.localdate() - timedelta(days=30)
    )
    lifecycle.goal_add(tandem=tandem, title="Markierung: ein Buch lesen")
    lifecycle.meeting_log(
        tandem=tandem,
        by=volunteer,
        day=timezone.localdate() - timedelta(days=2),
        status="held",
        note="Markierung-Kind hat vorgelesen",
    )
    answer_all(
        tandem.checkins.get(respondent="mentee", occasion="start"),
        by=volunteer,
        answered_by="mentee_mentor",
    )
    return mentee


def _volunteer():
    user = UserFactory()
    profile_for(user)
    return user
