"""Contact details where they are needed: the volunteer's and the guardian's e-mail and phone on
the coordinators' application, mentee and tandem pages (audited), never for another program's
coordinator and never on the mentor's own pages."""

import pytest
from auditlog.models import LogEntry
from django.template import Context, Template

from tandems.models import Mentee, VolunteerProfile
from tests.factories import ProgramCoordinatorFactory, running_tandem
from tests.factories.tandems import applicant, make_ready

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GUARDIAN = {"guardian_phone": "0341 / 98 76-5", "guardian_email": "eltern-k@example.net"}


@pytest.fixture
def tandem(program, coordinator):
    mentor = make_ready(applicant(program, phone="+49 170 1234567")).volunteer
    tandem = running_tandem(program, mentor=mentor, by=coordinator, mentee_name="Lina")
    Mentee.objects.filter(pk=tandem.mentee_id).update(guardian_name="Familie K.", **GUARDIAN)
    return tandem


def viewed(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), additional_data__what="viewed"
        )
    )


@pytest.mark.parametrize(
    ("phone", "uri"),
    [("0341 / 98 76-5", "tel:034198765"), ("+49 170 1234567", "tel:+491701234567"),
     ("abends 0341 123", ""), ("12", "")],
)  # fmt: skip
def test_tel_uri_of_a_written_phone_number(phone, uri):
    rendered = Template("{% load portal %}{{ phone|tel_uri }}").render(Context({"phone": phone}))

    assert rendered == uri


def test_application_page_shows_the_volunteers_e_mail_and_phone(client, coordinator, program):
    application = applicant(program, phone="0170 123 45 67")
    client.force_login(coordinator)

    response = client.get(f"/en/koordination/bewerbungen/{application.pk}/")

    content = response.content.decode()
    email = application.volunteer.email
    assert f'<a href="mailto:{email}">{email}</a>' in content
    assert '<a href="tel:01701234567">0170 123 45 67</a>' in content
    assert [entry.actor for entry in viewed(application)] == [coordinator]


def test_mentee_page_shows_the_guardians_phone_and_e_mail(client, coordinator, tandem):
    client.force_login(coordinator)

    response = client.get(f"/en/koordination/mentees/{tandem.mentee_id}/")

    content = response.content.decode()
    assert '<a href="mailto:eltern-k@example.net">eltern-k@example.net</a>' in content
    assert '<a href="tel:034198765">0341 / 98 76-5</a>' in content
    assert [entry.actor for entry in viewed(tandem.mentee)] == [coordinator]


def test_tandem_page_shows_the_mentors_and_the_guardians_contact(client, coordinator, tandem):
    client.force_login(coordinator)

    response = client.get(f"/en/koordination/tandems/{tandem.pk}/")

    content = response.content.decode()
    email = tandem.mentor.email
    assert f'<a href="mailto:{email}">{email}</a>' in content
    assert '<a href="tel:+491701234567">+49 170 1234567</a>' in content
    assert '<a href="mailto:eltern-k@example.net">eltern-k@example.net</a>' in content
    assert '<a href="tel:034198765">0341 / 98 76-5</a>' in content
    assert [entry.actor for entry in viewed(tandem)] == [coordinator]


def test_another_programs_coordinator_sees_no_contact_details(client, tandem):
    application = tandem.mentor.applications.get()
    client.force_login(ProgramCoordinatorFactory().user)

    responses = [
        client.get(f"/en/koordination/bewerbungen/{application.pk}/"),
        client.get(f"/en/koordination/mentees/{tandem.mentee_id}/"),
        client.get(f"/en/koordination/tandems/{tandem.pk}/"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    for response in responses:
        content = response.content.decode()
        assert "eltern-k@example.net" not in content
        assert "1234567" not in content
        assert tandem.mentor.email not in content
    assert viewed(application) + viewed(tandem.mentee) + viewed(tandem) == []


def test_mentors_own_page_shows_no_guardian_contact(client, tandem):
    client.force_login(tandem.mentor)

    response = client.get(f"/en/mein-bereich/tandems/{tandem.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Lina" in content
    assert "eltern-k@example.net" not in content
    assert "98 76-5" not in content
    assert "034198765" not in content


def test_volunteer_without_phone_shows_a_dash_not_a_link(client, coordinator, program):
    application = applicant(program)
    VolunteerProfile.objects.filter(user=application.volunteer).update(phone="")
    client.force_login(coordinator)

    content = client.get(f"/en/koordination/bewerbungen/{application.pk}/").content.decode()

    assert 'href="tel:' not in content
