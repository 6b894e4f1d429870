"""The network staff's pages for organisations and programs (/netzwerk/): lists with search and
filters, create, edit every field, archive, and the coordinator role."""

import pytest
from auditlog.models import LogEntry

from programs.models import Organization, Program, ProgramCoordinator
from tests.factories import (
    OrganizationFactory,
    ProgramCoordinatorFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, name="Nora Netzwerk")
    client.force_login(user)
    return user


def test_organisation_list_searches_and_pages(client, staff):
    OrganizationFactory(name="Balu und Du e. V.", city="Köln")
    OrganizationFactory(name="Lesewelt Leipzig e. V.")
    for number in range(30):
        OrganizationFactory(name=f"Zukunft {number:02d}")

    found = client.get("/netzwerk/traeger/", {"q": "balu"})
    first = client.get("/netzwerk/traeger/")
    beyond = client.get("/netzwerk/traeger/", {"page": "99"})

    assert [o.name for o in found.context["organizations"]] == ["Balu und Du e. V."]
    assert len(first.context["organizations"]) == 25
    assert beyond.status_code == 200
    assert beyond.context["page_obj"].number == 2


def test_organisation_list_queries_do_not_grow(client, staff, django_assert_max_num_queries):
    OrganizationFactory()
    client.get("/netzwerk/traeger/")
    for _number in range(10):
        ProgramFactory()

    with django_assert_max_num_queries(10):
        client.get("/netzwerk/traeger/")


def test_staff_create_and_rename_an_organisation(client, staff):
    response = client.post(
        "/netzwerk/traeger/neu/",
        {"name": "Größer Werden e. V.", "postcode": "04109", "city": "Leipzig"},
    )

    organization = Organization.objects.get()
    assert organization.slug == "groesser-werden-e-v"
    assert response["Location"] == "/netzwerk/traeger/groesser-werden-e-v/"
    program = ProgramFactory(organization=organization)

    client.post(f"/netzwerk/traeger/{organization.slug}/", {"name": "Gemeinsam Wachsen e. V."})

    program.refresh_from_db()
    assert "Gemeinsam Wachsen" in program.search_text


def test_organisation_with_a_bad_postcode_changes_nothing(client, staff):
    response = client.post("/netzwerk/traeger/neu/", {"name": "X e. V.", "postcode": "1234x"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "postcode": ["Eine deutsche Postleitzahl hat fünf Ziffern."]
    }
    assert not Organization.objects.exists()


def test_program_list_filters_by_status_and_text(client, staff):
    ProgramFactory(name="Lesepaten Nord", status=Program.Status.DRAFT)
    ProgramFactory(name="Lesepaten Süd")
    ProgramFactory(name="Sportpaten", status=Program.Status.ARCHIVED)

    drafts = client.get("/netzwerk/programme/", {"status": "draft"})
    text = client.get("/netzwerk/programme/", {"q": "lesepaten"})
    junk = client.get("/netzwerk/programme/", {"status": "nonsense", "state": "XX"})

    assert [p.name for p in drafts.context["programs"]] == ["Lesepaten Nord"]
    assert [p.name for p in text.context["programs"]] == ["Lesepaten Nord", "Lesepaten Süd"]
    assert junk.status_code == 200


def test_program_list_queries_do_not_grow(client, staff, django_assert_max_num_queries):
    ProgramCoordinatorFactory()
    client.get("/netzwerk/programme/")
    for _number in range(10):
        ProgramCoordinatorFactory()

    with django_assert_max_num_queries(10):
        client.get("/netzwerk/programme/")


def _program_data(organization, **values):
    data = {
        "organization": organization.pk,
        "name": "Schülerpaten Halle",
        "summary": "Studierende helfen Schüler:innen.",
        "postcode": "06108",
        "city": "Halle (Saale)",
        "reach": "local",
        "availability": "open",
    }
    return {**data, **values}


def test_staff_create_a_program_as_a_draft_with_a_german_slug(client, staff):
    organization = OrganizationFactory()

    response = client.post("/netzwerk/programme/neu/", _program_data(organization))

    program = Program.objects.get()
    assert (program.slug, program.status) == ("schuelerpaten-halle", Program.Status.DRAFT)
    assert program.has_location  # from the postcode
    assert response["Location"] == "/netzwerk/programme/schuelerpaten-halle/"


def test_staff_edit_a_published_program_at_once_without_a_proposal(client, staff):
    program = ProgramFactory(name="Alt")
    badge = __import__("programs.models", fromlist=["FundingBadge"]).FundingBadge.objects.create(
        slug="bund", name_de="Bund", name_en="Federal"
    )

    client.post(
        f"/netzwerk/programme/{program.slug}/",
        _program_data(program.organization, name="Neu", external_id="ext-1",
                      funding_badges=[badge.pk]),
    )  # fmt: skip

    program.refresh_from_db()
    assert (program.name, program.external_id, program.status) == ("Neu", "ext-1", "published")
    assert list(program.funding_badges.all()) == [badge]
    assert not program.changes.exists()


def test_staff_archive_and_publish(client, staff):
    program = ProgramFactory(status=Program.Status.DRAFT)

    client.post(f"/netzwerk/programme/{program.slug}/status/veroeffentlichen/")
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED
    client.post(f"/netzwerk/programme/{program.slug}/status/archivieren/")
    program.refresh_from_db()
    assert program.status == Program.Status.ARCHIVED
    assert client.post(f"/netzwerk/programme/{program.slug}/status/loeschen/").status_code == 404


def test_staff_grant_and_revoke_the_role_with_audit_entries(client, staff):
    program = ProgramFactory()
    person = UserFactory(email="kim@example.org")

    client.post(f"/netzwerk/programme/{program.slug}/koordination/", {"email": "KIM@example.org"})
    membership = ProgramCoordinator.objects.get(program=program)
    client.post(f"/netzwerk/programme/{program.slug}/koordination/{membership.pk}/entziehen/")

    assert membership.user == person
    assert not ProgramCoordinator.objects.exists()
    actions = list(
        LogEntry.objects.get_for_object(membership).order_by("pk").values_list("action", "actor")
    )
    assert actions == [(LogEntry.Action.CREATE, staff.pk), (LogEntry.Action.DELETE, staff.pk)]


def test_granting_to_an_unknown_address_says_so_and_changes_nothing(client, staff):
    program = ProgramFactory()

    response = client.post(
        f"/netzwerk/programme/{program.slug}/koordination/", {"email": "niemand@example.org"},
        follow=True,
    )  # fmt: skip

    assert not ProgramCoordinator.objects.exists()
    assert "Kein aktives Konto hat diese bestätigte Adresse" in response.content.decode()


def test_revoking_another_programs_membership_is_404(client, staff):
    program = ProgramFactory()
    other = ProgramCoordinatorFactory()

    response = client.post(f"/netzwerk/programme/{program.slug}/koordination/{other.pk}/entziehen/")

    assert response.status_code == 404
    assert ProgramCoordinator.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_others_cannot_act_on_staff_pages(client, role):
    program = ProgramFactory()
    user = ProgramCoordinatorFactory(program=program).user if role == "coordinator" else None
    client.force_login(user or UserFactory())

    posts = [
        client.post(f"/netzwerk/programme/{program.slug}/status/archivieren/"),
        client.post(f"/netzwerk/programme/{program.slug}/koordination/", {"email": "a@b.de"}),
        client.post("/netzwerk/traeger/neu/", {"name": "X"}),
    ]

    assert [response.status_code for response in posts] == [403, 403, 403]
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED
    assert not Organization.objects.filter(name="X").exists()


def test_anonymous_posts_lead_to_the_login(client):
    program = ProgramFactory()

    response = client.post(f"/netzwerk/programme/{program.slug}/status/archivieren/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def _png(size=(2400, 1200)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_staff_upload_an_image_which_is_encoded_anew(client, staff, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    program = ProgramFactory()
    image = SimpleUploadedFile("bild.png", _png(), content_type="image/png")

    client.post(
        f"/netzwerk/programme/{program.slug}/",
        _program_data(program.organization, image=image, image_alt="Zwei lesen zusammen"),
    )

    program.refresh_from_db()
    with Image.open(program.image.path) as stored:
        assert stored.size == (1600, 800)
    assert program.image_alt == "Zwei lesen zusammen"


def test_a_renamed_executable_as_image_is_refused_in_german(client, staff, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    program = ProgramFactory()
    fake = SimpleUploadedFile("bild.png", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/png")

    response = client.post(
        f"/netzwerk/programme/{program.slug}/", _program_data(program.organization, image=fake)
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["image"]
    program.refresh_from_db()
    assert not program.image
