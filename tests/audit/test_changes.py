"""Changes to people's records are written by django-auditlog (see audit/registry.py)."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from audit.registry import REDACTED
from tandems import services
from tandems.models import Application, Mentee, ScreeningRecord
from tests.factories import ProgramCoordinatorFactory, UserFactory
from tests.factories.tandems import applicant, new_mentee, screen


def entries_about(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    ).order_by("pk")


def test_mentee_change_writes_an_entry_with_program_and_changed_fields(program):
    mentee = new_mentee(program, first_name="Samira")

    mentee.status = Mentee.Status.INACTIVE
    mentee.guardian_phone = "0341 123456"
    mentee.save()

    entry = entries_about(mentee).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.additional_data == {"program": program.pk}
    assert entry.object_repr == "Samira"
    assert entry.changes == {
        "status": ["waiting", "inactive"],
        "guardian_phone": [REDACTED, REDACTED],
    }


def test_registering_a_mentee_writes_a_created_entry_without_personal_values(program):
    mentee = new_mentee(program, first_name="Samira", guardian_name="Familie Yilmaz")

    entry = entries_about(mentee).get()

    assert entry.action == LogEntry.Action.CREATE
    assert entry.additional_data == {"program": program.pk}
    assert entry.changes["first_name"] == [REDACTED, REDACTED]
    assert entry.changes["guardian_name"] == [REDACTED, REDACTED]
    assert entry.changes["status"] == ["None", "waiting"]
    # Derived coordinates and reverse relations (tandems, consents) are no fields of the record.
    assert not {"latitude", "longitude", "tandems", "consents"} & set(entry.changes)
    assert "Familie Yilmaz" not in str(entry.changes)


def test_screening_record_entry_never_holds_whether_an_entry_was_found(program):
    application = applicant(program)

    record = screen(application, relevant_entry=True)

    entry = entries_about(record).get()
    assert entry.changes["relevant_entry"] == [REDACTED, REDACTED]
    assert entry.changes["inspected"] == [REDACTED, REDACTED]
    assert entry.additional_data == {"program": program.pk}
    assert isinstance(record, ScreeningRecord)


def test_application_moves_are_logged_with_stage_and_program(program):
    application = applicant(program)
    second = program.pipeline_stages.order_by("position")[1]

    services.application_advance(application=application, stage=second, by=UserFactory())

    entry = entries_about(application).last()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.additional_data == {"program": program.pk}
    assert set(entry.changes) == {"stage", "stage_changed_at"}
    assert entry.changes["stage"][1] == str(second.pk)


def test_user_entries_hold_no_password_and_no_last_login(db):
    user = UserFactory(name="Klara Beispiel")
    user.set_password("ein-neues-passwort-123")
    user.name = "Klara Neu"
    user.save()

    entries = list(entries_about(user))
    changed = [set(e.changes) for e in entries]
    assert changed == [{"email", "name", "is_active", "is_staff"}, {"name"}]
    assert entries[-1].changes == {"name": [REDACTED, REDACTED]}
    assert all(e.additional_data == {"program": None} for e in entries)
    assert not LogEntry.objects.filter(changes__has_key="password").exists()


def test_a_login_writes_no_entry(client, db):
    user = UserFactory()
    before = LogEntry.objects.count()

    client.force_login(user)  # sets last_login

    assert LogEntry.objects.count() == before


def test_change_through_a_request_names_the_actor_and_no_address(client, program):
    coordinator = ProgramCoordinatorFactory(program=program).user
    application = applicant(program)
    client.force_login(coordinator)

    client.post(
        f"/koordination/bewerbungen/{application.pk}/ablehnen/",
        {"reason": "Passt zeitlich nicht."},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    entry = entries_about(application).last()
    assert entry.changes["status"] == ["open", "rejected"]
    assert entry.changes["reason"] == [REDACTED, REDACTED]
    assert entry.actor == coordinator
    assert (entry.remote_addr, entry.remote_port, entry.actor_email) == (None, None, None)
    assert Application.objects.get(pk=application.pk).status == "rejected"


def test_changes_outside_a_request_have_no_actor(program):
    mentee = new_mentee(program)

    assert entries_about(mentee).get().actor is None


def test_no_entry_of_any_kind_stores_an_address(client, program):
    coordinator = ProgramCoordinatorFactory(program=program).user
    mentee = new_mentee(program)
    client.force_login(coordinator)

    client.get(f"/koordination/mentees/{mentee.pk}/", REMOTE_ADDR="203.0.113.7")

    assert LogEntry.objects.count() > 1
    assert not LogEntry.objects.exclude(remote_addr=None).exists()
    assert not LogEntry.objects.exclude(actor_email=None).exists()
