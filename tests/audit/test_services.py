"""The audit service API the privacy part calls: record, forget, prune; and the nightly task."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.db.models import CharField, JSONField, TextField
from django.db.models.functions import Cast

from audit import services, tasks
from tandems import services as tandem_services
from tandems.models import (
    Application,
    ApplicationNote,
    CodeOfConductSignature,
    ConsentRecord,
    Goal,
    Mentee,
    ScreeningRecord,
    Tandem,
    Training,
    VolunteerProfile,
)
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem
from tests.factories.tandems import make_ready, new_mentee, profile_for

NAME = "Wilhelmine Kanarienvogel"
EMAIL = "wilhelmine.kanarienvogel@example.org"
MENTEE_NAME = "Kanarienkind"


def entries_containing(text: str) -> list[tuple[int, str]]:
    """Every entry with `text` in any of its text or JSON columns: (id, column)."""
    found = []
    for field in LogEntry._meta.concrete_fields:
        if not isinstance(field, CharField | TextField | JSONField):
            continue
        column = Cast(field.name, TextField())
        matches = LogEntry.objects.annotate(text=column).filter(text__icontains=text)
        found += [(pk, field.name) for pk in matches.values_list("pk", flat=True)]
    return sorted(found)


# --- audit_record ------------------------------------------------------------------------------


def test_record_of_an_export_names_actor_program_and_detail(program, coordinator):
    mentee = new_mentee(program, first_name="Samira")

    services.audit_record(actor=coordinator, action="exported", obj=mentee, detail="Auskunft")

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.object_repr, entry.additional_data) == (
        coordinator,
        "Samira",
        {"program": program.pk, "what": "exported", "detail": "Auskunft"},
    )


def test_record_of_an_erasure_by_a_task_names_no_one(program):
    mentee = new_mentee(program, first_name="Samira")

    services.audit_record(actor=None, action="erased", obj=mentee)

    entry = LogEntry.objects.get(additional_data__what="erased")
    assert entry.action == LogEntry.Action.DELETE
    assert entry.actor is None
    assert entry.object_repr == f"Mentee #{mentee.pk}"
    assert entry.additional_data == {"program": program.pk, "what": "erased", "detail": ""}


def test_record_of_a_program_list_is_about_the_program(program):
    services.audit_record(actor=None, action="viewed", program=program, detail="mentees")

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.content_type.model, entry.object_pk) == ("program", str(program.pk))
    assert entry.additional_data == {"program": program.pk, "what": "viewed", "detail": "mentees"}


def test_record_of_an_account_belongs_to_no_program(db):
    user = UserFactory()

    services.audit_record(actor=user, action="exported", obj=user)

    assert LogEntry.objects.get(action=LogEntry.Action.ACCESS).additional_data["program"] is None


def test_record_refuses_unknown_actions_and_entries_about_nothing(program):
    with pytest.raises(ValueError, match="unknown audit action"):
        services.audit_record(actor=None, action="deleted", program=program)
    with pytest.raises(ValueError, match="needs the record"):
        services.audit_record(actor=None, action="viewed")

    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


# --- audit_forget ------------------------------------------------------------------------------


def _volunteer_with_a_history(client, program):
    """A volunteer of `program` with every record that names them, changed, viewed, exported."""
    coordinator = ProgramCoordinatorFactory(program=program).user
    # No name on the account: its str() is then the e-mail address, the profile holds the name.
    user = UserFactory(name="", email=EMAIL)
    profile_for(user, name=NAME)
    application = tandem_services.application_submit(
        program=program, user=user, privacy_version="1", contact_by_other_programs=True
    )
    tandem_services.application_note_add(
        application=application, text="Sehr engagiert.", author=coordinator
    )
    tandem_services.training_record(
        application=application, title="Kinderschutz", attended_on=application.created_at.date()
    )
    tandem_services.conduct_signature_record(
        application=application, version="2026", signed_on=application.created_at.date()
    )
    make_ready(application)
    tandem = running_tandem(program, mentor=user, mentee_name=MENTEE_NAME)
    client.force_login(coordinator)
    client.get(f"/koordination/bewerbungen/{application.pk}/")
    client.get(f"/koordination/tandems/{tandem.pk}/")
    services.audit_record(actor=coordinator, action="exported", obj=user, program=program)
    return user, tandem


def test_forget_leaves_no_entry_naming_the_volunteer(client, program):
    user, _tandem = _volunteer_with_a_history(client, program)
    assert entries_containing(NAME) != []
    assert entries_containing(EMAIL) != []

    scrubbed = services.audit_forget(
        obj=[
            user,
            VolunteerProfile.objects.filter(user=user),
            Application.objects.filter(volunteer=user),
            ApplicationNote.objects.filter(application__volunteer=user),
            ScreeningRecord.objects.filter(volunteer=user),
            Training.objects.filter(volunteer=user),
            CodeOfConductSignature.objects.filter(volunteer=user),
            ConsentRecord.objects.filter(user=user),
            Tandem.objects.filter(mentor=user),
        ]
    )

    assert entries_containing(NAME) == []
    assert entries_containing(EMAIL) == []
    assert entries_containing("kanarienvogel") == []
    assert scrubbed == LogEntry.objects.filter(object_repr=services.FORGOTTEN).count()
    assert scrubbed >= 12


def test_forget_keeps_action_time_actor_program_and_field_names(client, program):
    user, tandem = _volunteer_with_a_history(client, program)
    application = Application.objects.get(volunteer=user)
    before = list(
        LogEntry.objects.filter(content_type__model="application", object_pk=str(application.pk))
        .order_by("pk")
        .values_list("pk", "action", "timestamp", "actor_id", "additional_data__program")
    )
    fields_before = [
        sorted(e.changes or {})
        for e in LogEntry.objects.filter(object_pk=str(application.pk)).order_by("pk")
        if e.content_type.model == "application"
    ]

    services.audit_forget(obj=application)

    after = LogEntry.objects.filter(
        content_type__model="application", object_pk=str(application.pk)
    ).order_by("pk")
    assert (
        list(after.values_list("pk", "action", "timestamp", "actor_id", "additional_data__program"))
        == before
    )
    assert [sorted(e.changes or {}) for e in after] == fields_before
    assert {e.object_repr for e in after} == {"anonymisiert"}
    assert all(set(v) == {"[redacted]"} for e in after for v in (e.changes or {}).values())


def test_forget_a_mentee_after_a_hard_delete(program):
    mentee = new_mentee(program, first_name=MENTEE_NAME)
    mentee_pk = mentee.pk
    services.audit_record(actor=None, action="viewed", obj=mentee)
    mentee.delete()
    assert entries_containing(MENTEE_NAME) != []

    scrubbed = services.audit_forget(obj=Mentee(pk=mentee_pk))

    # created, viewed, deleted
    assert scrubbed == 3
    assert entries_containing(MENTEE_NAME) == []


def test_forget_a_mentee_with_her_tandem_goals_and_consents(program):
    tandem = running_tandem(program, mentee_name=MENTEE_NAME)
    Goal.objects.create(tandem=tandem, title=f"{MENTEE_NAME} liest vor")
    mentee = tandem.mentee
    assert entries_containing(MENTEE_NAME) != []

    services.audit_forget(
        obj=[
            mentee,
            ConsentRecord.objects.filter(mentee=mentee),
            Tandem.objects.filter(mentee=mentee),
            Goal.objects.filter(tandem__mentee=mentee),
        ]
    )

    assert entries_containing(MENTEE_NAME) == []


def test_forget_refuses_an_instance_without_id(program):
    mentee = new_mentee(program)
    mentee.delete()

    with pytest.raises(ValueError, match="without a primary key"):
        services.audit_forget(obj=mentee)


def test_forget_of_nothing_scrubs_nothing(program):
    new_mentee(program)

    assert services.audit_forget(obj=Mentee.objects.none()) == 0
    assert services.audit_forget(obj=[]) == 0
    assert not LogEntry.objects.filter(object_repr=services.FORGOTTEN).exists()


# --- audit_prune and its task ------------------------------------------------------------------

NOW = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)


def _entry_at(moment, program):
    with time_machine.travel(moment, tick=False):
        services.audit_record(actor=None, action="viewed", program=program)
    return LogEntry.objects.latest("pk").pk


@pytest.mark.clock
def test_prune_deletes_exactly_the_entries_older_than_the_period(program):
    period = timedelta(days=settings.AUDIT_RETENTION_DAYS)
    too_old = _entry_at(NOW - period - timedelta(seconds=1), program)
    just_kept = _entry_at(NOW - period, program)
    recent = _entry_at(NOW - timedelta(days=1), program)

    deleted = services.audit_prune(now=NOW)

    assert deleted == 1
    assert sorted(LogEntry.objects.values_list("pk", flat=True)) == [just_kept, recent]
    assert too_old not in LogEntry.objects.values_list("pk", flat=True)


@pytest.mark.clock
def test_prune_follows_the_configured_period(program, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    _entry_at(NOW - timedelta(days=31), program)
    kept = _entry_at(NOW - timedelta(days=29), program)

    assert services.audit_prune(now=NOW) == 1
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [kept]


@pytest.mark.clock
def test_the_prune_task_uses_the_clock(program):
    _entry_at(NOW - timedelta(days=settings.AUDIT_RETENTION_DAYS + 1), program)
    _entry_at(NOW - timedelta(days=1), program)

    with time_machine.travel(NOW, tick=False):
        deleted = tasks.prune.delay().get()

    assert deleted == 1
    assert LogEntry.objects.count() == 1


@pytest.mark.clock
def test_the_prune_runs_nightly_after_the_retention_run():
    entry = settings.CELERY_BEAT_SCHEDULE["audit-prune"]

    assert entry["task"] == "audit.prune"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {45})
    assert settings.CELERY_TIMEZONE == "Europe/Berlin"
