"""The data export: a volunteer's own data, a mentee's for their program's coordinators."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.registry import mentee_parts, user_parts
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def unpack(response) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_export_holds_every_part_of_the_volunteer(client, marked_mentor):
    client.force_login(marked_mentor)

    response = client.get("/mein-bereich/meine-daten/export.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    files = unpack(response)
    assert set(files) == {
        "uebersicht.html",
        "export.json",
        *(f"daten/{part.label}.json" for part in user_parts(confidential=False)),
    }
    # Concerns about someone's safety are registered but never in the self-service export.
    assert {"daten/sorgen.json", "daten/geschlossene-sorgen.json"}.isdisjoint(files)
    data = {name: json.loads(text) for name, text in files.items() if name.endswith(".json")}
    assert [row["email"] for row in data["daten/konto.json"]] == ["zora.markierung@example.org"]
    assert [row["name"] for row in data["daten/profil.json"]] == ["Zora Markierung"]
    # The optional phone number is the volunteer's data too (Art. 15 GDPR).
    assert [row["phone"] for row in data["daten/profil.json"]] == ["0341 5550123"]
    assert [row["text"] for row in data["daten/notizen-zu-bewerbungen.json"]] == [
        "Notiz zu Zora MARKIERUNG"
    ]
    assert [row["relevant_entry"] for row in data["daten/fuehrungszeugnis.json"]] == [False]
    assert sorted(row["scope"] for row in data["daten/einwilligungen.json"]) == [
        "other_programs",
        "privacy",
    ]
    assert [row["mentee"] for row in data["daten/tandems.json"]] == ["Mina"]
    assert sorted(row["note"] for row in data["daten/treffen.json"]) == [
        "",
        "Mit Zora Markierung gelesen",
    ]
    checkins = data["daten/check-ins.json"]
    assert [row["wellbeing"] for row in checkins if row["completed_at"]] == [4]
    assert [
        row["meeting_lead_hours"] for row in data["daten/benachrichtigungs-einstellungen.json"]
    ] == [2]
    assert [
        row["accessibility_needs"] for row in data["daten/veranstaltungs-anmeldungen.json"]
    ] == ["Markierung: Rampe"]
    meta = data["export.json"]
    assert {part["file"]: part["rows"] for part in meta["parts"]}["daten/treffen.json"] == 2
    assert "Zora Markierung" in files["uebersicht.html"]
    assert "<script" not in files["uebersicht.html"]


def test_export_holds_nothing_of_other_people(client, marked_mentor, coordinator_a):
    other = UserFactory(email="andere@example.org")
    client.force_login(other)

    files = unpack(client.get("/mein-bereich/meine-daten/export.zip"))

    assert not any("markierung" in text.lower() for text in files.values())
    account = json.loads(files["daten/konto.json"])
    assert [row["email"] for row in account] == ["andere@example.org"]


def test_export_needs_a_login(client):
    response = client.get("/mein-bereich/meine-daten/export.zip")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


@pytest.mark.clock
def test_export_query_count_does_not_grow_with_the_data(
    client, marked_mentor, django_assert_num_queries
):
    client.force_login(marked_mentor)
    client.get("/mein-bereich/meine-daten/export.zip")
    with CaptureQueriesContext(connection) as queries:
        client.get("/mein-bereich/meine-daten/export.zip")
    tandem = marked_mentor.tandems.get()
    for days in range(4, 24):
        lifecycle.meeting_log(
            tandem=tandem,
            by=marked_mentor,
            day=timezone.localdate() - timedelta(days=days),
            status="held",
        )

    with django_assert_num_queries(len(queries)):
        client.get("/mein-bereich/meine-daten/export.zip")


def test_my_data_page_lists_the_sections_with_data(client, marked_mentor):
    client.force_login(marked_mentor)

    html = client.get("/en/mein-bereich/meine-daten/").content.decode()

    assert "Zora Markierung" in html
    assert "Mit Zora Markierung gelesen" in html
    assert 'href="/en/mein-bereich/meine-daten/export.zip"' in html


@pytest.mark.clock
def test_mentee_export_for_the_programs_coordinator(client, marked_mentee, coordinator_a):
    client.force_login(coordinator_a.user)

    response = client.get(f"/koordination/mentees/{marked_mentee.pk}/export.zip")

    assert response.status_code == 200
    files = unpack(response)
    assert set(files) == {
        "uebersicht.html",
        "export.json",
        *(f"daten/{part.label}.json" for part in mentee_parts()),
    }
    mentee = json.loads(files["daten/mentee.json"])
    assert [row["guardian_name"] for row in mentee] == ["Mutter Markierung"]
    consents = json.loads(files["daten/einwilligungen.json"])
    assert sorted(row["scope"] for row in consents) == ["guardian", "reminders"]
    assert [row["title"] for row in json.loads(files["daten/ziele.json"])] == [
        "Markierung: ein Buch lesen"
    ]
    # Only the mentee's own check-ins, not the mentor's.
    checkins = json.loads(files["daten/check-ins.json"])
    assert [row["wellbeing"] for row in checkins if row["completed_at"]] == [4]


def test_mentee_export_is_404_for_another_program(client, marked_mentee):
    other = ProgramCoordinatorFactory()
    client.force_login(other.user)

    assert client.get(f"/koordination/mentees/{marked_mentee.pk}/export.zip").status_code == 404
    assert client.get("/koordination/mentees/999999/export.zip").status_code == 404


def test_mentee_export_is_written_to_the_audit_trail(client, marked_mentee, coordinator_a):
    from auditlog.models import LogEntry

    client.force_login(coordinator_a.user)
    client.get(f"/koordination/mentees/{marked_mentee.pk}/export.zip")

    entry = LogEntry.objects.filter(additional_data__what="exported").get()
    assert (entry.actor, entry.object_pk, entry.additional_data["program"]) == (
        coordinator_a.user,
        str(marked_mentee.pk),
        coordinator_a.program.pk,
    )
