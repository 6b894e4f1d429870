"""Coordinators keep their listing current; network staff moderate; the public sees only what
staff published."""

import pytest
from django.utils import timezone

from programs.models import Program, ProgramChange
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def listing_data(program, **changes) -> dict:
    data = {
        "name": program.name,
        "summary": program.summary,
        "description": "",
        "how_to_join": "",
        "target_groups": [],
        "topics": [],
        "formats": [],
        "age_min": "",
        "age_max": "",
        "languages": "Deutsch",
        "street": "",
        "postcode": program.postcode,
        "city": program.city,
        "state": program.state,
        "latitude": "",
        "longitude": "",
        "reach": program.reach,
        "radius_km": "",
        "contact_name": "",
        "contact_role": "",
        "contact_email": "",
        "contact_phone": "",
        "website": "",
        "availability": program.availability,
        "image_alt": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def membership():
    return ProgramCoordinatorFactory(program__status=Program.Status.DRAFT)


def edit_url(program) -> str:
    return f"/koordination/programme/{program.slug}/"


def test_edit_form_requires_login(client, membership):
    response = client.get(edit_url(membership.program))

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_coordinator_cannot_see_other_programs_listing(client, membership):
    other = ProgramFactory()
    client.force_login(membership.user)

    assert client.get(edit_url(other)).status_code == 404
    assert client.post(edit_url(other), listing_data(other, name="Gekapert")).status_code == 404
    assert client.post(f"{edit_url(other)}einreichen/").status_code == 404
    other.refresh_from_db()
    assert other.name != "Gekapert"


def test_volunteer_cannot_edit_any_listing(client, membership):
    client.force_login(UserFactory())

    assert client.get(edit_url(membership.program)).status_code == 404


def test_draft_edit_applies_at_once_and_locates_the_address(client, membership):
    program = membership.program
    client.force_login(membership.user)

    response = client.post(
        edit_url(program),
        listing_data(program, name="Lesefreunde", postcode="80331", city="München", state=""),
    )

    program.refresh_from_db()
    assert response.status_code == 302
    assert program.name == "Lesefreunde"
    assert program.state == "BY"
    assert round(program.latitude) == 48
    assert "Lesefreunde" in program.search_text


def test_edit_with_bad_input_shows_german_errors_and_changes_nothing(client, membership):
    program = membership.program
    client.force_login(membership.user)

    response = client.post(
        edit_url(program),
        listing_data(program, name="", postcode="99999", age_min="12", age_max="6"),
    )

    html = response.content.decode()
    program.refresh_from_db()
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in html
    assert "Die Postleitzahl 99999 kennen wir nicht." in html
    assert "Das Höchstalter darf nicht unter dem Mindestalter liegen." in html
    assert 'value="99999"' in html
    assert program.name != ""


@pytest.mark.clock
def test_draft_submitted_then_published_by_staff(client, membership, staff_user):
    program = membership.program
    client.force_login(membership.user)
    client.post(f"{edit_url(program)}einreichen/")
    program.refresh_from_db()
    assert program.status == Program.Status.REVIEW
    assert client.get(program.get_absolute_url()).status_code == 404

    client.force_login(staff_user)
    client.post(f"/netzwerk/pruefung/programme/{program.slug}/veroeffentlichen/")

    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED
    assert program.last_reviewed_at == timezone.localdate()
    client.logout()
    assert client.get(program.get_absolute_url()).status_code == 200


def test_staff_sends_back_with_reason_shown_to_coordinator(client, membership, staff_user):
    program = membership.program
    program.status = Program.Status.REVIEW
    program.save()
    client.force_login(staff_user)

    without_reason = client.post(
        f"/netzwerk/pruefung/programme/{program.slug}/zurueckgeben/", {"reason": " "}
    )
    program.refresh_from_db()
    assert program.status == Program.Status.REVIEW
    assert without_reason.status_code == 302

    client.post(
        f"/netzwerk/pruefung/programme/{program.slug}/zurueckgeben/",
        {"reason": "Bitte die Zielgruppe ergänzen."},
    )
    program.refresh_from_db()
    client.force_login(membership.user)

    assert program.status == Program.Status.DRAFT
    assert "Bitte die Zielgruppe ergänzen." in client.get(edit_url(program)).content.decode()


def test_published_listing_changes_wait_for_approval(client, staff_user):
    membership = ProgramCoordinatorFactory(program__name="Alter Name")
    program = membership.program
    client.force_login(membership.user)

    client.post(edit_url(program), listing_data(program, name="Neuer Name"))

    program.refresh_from_db()
    change = ProgramChange.objects.get(program=program)
    assert program.name == "Alter Name"
    assert change.status == ProgramChange.Status.PENDING
    assert change.data["name"] == "Neuer Name"
    client.logout()
    assert "Alter Name" in client.get(program.get_absolute_url()).content.decode()

    client.force_login(staff_user)
    client.post(f"/netzwerk/pruefung/aenderungen/{change.pk}/annehmen/")

    program.refresh_from_db()
    change.refresh_from_db()
    assert program.name == "Neuer Name"
    assert change.status == ProgramChange.Status.APPROVED
    assert change.reviewed_by == staff_user


def test_second_edit_replaces_pending_proposal(client):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    client.force_login(membership.user)

    client.post(edit_url(program), listing_data(program, name="Erster Vorschlag"))
    client.post(edit_url(program), listing_data(program, name="Zweiter Vorschlag"))

    assert list(ProgramChange.objects.values_list("data__name", flat=True)) == ["Zweiter Vorschlag"]


def test_rejected_proposal_keeps_public_version(client, staff_user):
    membership = ProgramCoordinatorFactory(program__name="Öffentlich")
    program = membership.program
    client.force_login(membership.user)
    client.post(edit_url(program), listing_data(program, name="Abgelehnt"))
    change = ProgramChange.objects.get()
    client.force_login(staff_user)

    client.post(f"/netzwerk/pruefung/aenderungen/{change.pk}/ablehnen/", {"reason": "Zu werblich."})

    change.refresh_from_db()
    program.refresh_from_db()
    assert change.status == ProgramChange.Status.REJECTED
    assert change.reason == "Zu werblich."
    assert program.name == "Öffentlich"


def test_review_queue_is_staff_only(client, membership):
    client.force_login(membership.user)

    assert client.get("/netzwerk/pruefung/").status_code == 403
    assert (
        client.post(
            f"/netzwerk/pruefung/programme/{membership.program.slug}/veroeffentlichen/"
        ).status_code
        == 404
    )


def test_review_queue_lists_programs_and_changes(client, staff_user):
    ProgramFactory(name="Wartet auf Prüfung", status=Program.Status.REVIEW)
    membership = ProgramCoordinatorFactory(program__name="Mit Änderung")
    client.force_login(membership.user)
    client.post(edit_url(membership.program), listing_data(membership.program, summary="Neu"))
    client.force_login(staff_user)

    html = client.get("/netzwerk/pruefung/").content.decode()

    assert "Wartet auf Prüfung" in html
    assert "Mit Änderung" in html


@pytest.mark.clock
def test_coordinator_confirms_listing_is_current(client):
    membership = ProgramCoordinatorFactory(program__last_reviewed_at=None)
    client.force_login(membership.user)

    client.post(f"{edit_url(membership.program)}aktuell/")

    membership.program.refresh_from_db()
    assert membership.program.last_reviewed_at == timezone.localdate()


def test_coordination_dashboard_links_own_listings_only(client):
    membership = ProgramCoordinatorFactory(program__name="Meins")
    ProgramFactory(name="Fremdes Programm")
    client.force_login(membership.user)

    html = client.get("/koordination/").content.decode()

    assert edit_url(membership.program) in html
    assert "Fremdes Programm" not in html


def test_coordinator_permission_is_per_program():
    membership = ProgramCoordinatorFactory()
    other = ProgramFactory()

    assert membership.user.has_perm("programs.change_listing", membership.program) is True
    assert membership.user.has_perm("programs.change_listing", other) is False


def test_approved_new_postcode_moves_the_program(client, staff_user):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    client.force_login(membership.user)
    client.post(
        edit_url(program),
        listing_data(
            program,
            postcode="80331",
            city="München",
            latitude=str(program.latitude),
            longitude=str(program.longitude),
            state="SN",
        ),
    )
    change = ProgramChange.objects.get()
    client.force_login(staff_user)

    client.post(f"/netzwerk/pruefung/aenderungen/{change.pk}/annehmen/")

    program.refresh_from_db()
    assert program.state == "BY"
    assert round(program.latitude) == 48


def test_approval_survives_a_deleted_vocabulary_term(client, staff_user):
    from programs.models import TargetGroup

    membership = ProgramCoordinatorFactory()
    program = membership.program
    term = TargetGroup.objects.create(slug="nur-kurz", name_de="Nur kurz", name_en="Briefly")
    kinder = TargetGroup.objects.get(slug="kinder")
    client.force_login(membership.user)
    client.post(edit_url(program), listing_data(program, target_groups=[term.pk, kinder.pk]))
    change = ProgramChange.objects.get()
    term.delete()
    client.force_login(staff_user)

    response = client.post(f"/netzwerk/pruefung/aenderungen/{change.pk}/annehmen/")

    assert response.status_code == 302
    assert list(program.target_groups.values_list("slug", flat=True)) == ["kinder"]


def test_edit_form_shows_the_waiting_proposal(client):
    membership = ProgramCoordinatorFactory(program__name="Öffentlicher Name")
    program = membership.program
    client.force_login(membership.user)
    client.post(edit_url(program), listing_data(program, name="Vorgeschlagener Name"))

    html = client.get(edit_url(program)).content.decode()

    assert 'value="Vorgeschlagener Name"' in html


def test_review_queue_shows_readable_differences(client, staff_user):
    from programs.models import TargetGroup

    membership = ProgramCoordinatorFactory(program__name="Alt")
    program = membership.program
    kinder = TargetGroup.objects.get(slug="kinder")
    client.force_login(membership.user)
    client.post(edit_url(program), listing_data(program, name="Neu", target_groups=[kinder.pk]))
    client.force_login(staff_user)

    html = client.get("/netzwerk/pruefung/").content.decode()

    assert '<th scope="row">Name</th><td>Alt</td><td>Neu</td>' in html
    assert "<td>–</td><td>Kinder</td>" in html
