"""A volunteer applies online, follows the application and can withdraw it."""

import pytest

from programs.models import Program, Topic
from tandems.models import Application, ConsentRecord, VolunteerProfile
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def apply_url(program) -> str:
    return f"/programme/{program.slug}/bewerben/"


def form_data(**changes) -> dict:
    data = {
        "name": "Mira Mentorin",
        "form_of_address": "frau",
        "year_of_birth": "1988",
        "postcode": "04109",
        "city": "",
        "languages": "Deutsch, Englisch",
        "interests": [Topic.objects.get(slug="lesen-und-sprache").pk],
        "availability": ["mo-nachmittag"],
        "preferred_age_groups": ["kinder"],
        "motivation": "Ich lese gern vor.",
        "heard_from": "Zeitung",
        "privacy_consent": "on",
    }
    data.update(changes)
    return data


def test_anonymous_is_led_through_login_and_back(client):
    program = ProgramFactory()

    response = client.get(apply_url(program))

    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={apply_url(program)}"


def test_apply_creates_profile_application_and_consent(client):
    program = ProgramFactory(name="Lesepat:innen")
    user = UserFactory()
    client.force_login(user)

    response = client.post(apply_url(program), form_data(contact_by_other_programs="on"))

    assert response.status_code == 302
    assert response["Location"] == "/mein-bereich/"
    profile = VolunteerProfile.objects.get(user=user)
    assert (profile.city, profile.availability) == ("Leipzig", ["mo-nachmittag"])
    application = Application.objects.get(volunteer=user)
    assert (application.program, application.stage.name) == (program, "eingegangen")
    scopes = sorted(ConsentRecord.objects.filter(user=user).values_list("scope", flat=True))
    assert scopes == ["other_programs", "privacy"]
    area = client.get("/mein-bereich/").content.decode()
    assert "Lesepat:innen" in area
    assert "eingegangen" in area


def test_second_program_reuses_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    client.post(apply_url(ProgramFactory()), form_data())

    html = client.get(apply_url(ProgramFactory())).content.decode()

    assert 'value="Mira Mentorin"' in html
    assert 'value="04109"' in html


def test_duplicate_application_refused_politely(client):
    program = ProgramFactory()
    client.force_login(UserFactory())
    client.post(apply_url(program), form_data())

    page = client.get(apply_url(program)).content.decode()
    again = client.post(apply_url(program), form_data())

    assert "Sie haben sich bereits bei diesem Programm beworben." in again.content.decode()
    assert "bereits bei diesem Programm beworben" in page
    assert Application.objects.count() == 1


def test_missing_consent_and_bad_input_give_german_errors(client):
    program = ProgramFactory()
    client.force_login(UserFactory())

    response = client.post(
        apply_url(program),
        form_data(privacy_consent="", postcode="12", year_of_birth="3000", motivation=""),
    )

    html = response.content.decode()
    assert response.status_code == 200
    # The whole form at once shows the first step with an error (the consent's is on the last).
    assert "Schritt 1 von 4" in html
    assert "Eine deutsche Postleitzahl hat fünf Ziffern." in html
    assert 'value="3000"' in html
    assert Application.objects.count() == 0
    assert VolunteerProfile.objects.count() == 0


def test_unpublished_program_cannot_be_applied_to(client):
    client.force_login(UserFactory())

    assert client.get(apply_url(ProgramFactory(status=Program.Status.DRAFT))).status_code == 404


def test_withdraw_own_application_only(client):
    owner, other = UserFactory(), UserFactory()
    program = ProgramFactory()
    client.force_login(owner)
    client.post(apply_url(program), form_data())
    application = Application.objects.get()

    client.force_login(other)
    foreign = client.post(f"/mein-bereich/bewerbungen/{application.pk}/zurueckziehen/")
    client.force_login(owner)
    own = client.post(f"/mein-bereich/bewerbungen/{application.pk}/zurueckziehen/")

    application.refresh_from_db()
    assert foreign.status_code == 404
    assert own.status_code == 302
    assert application.status == "withdrawn"


def test_html_in_free_text_is_escaped(client):
    client.force_login(UserFactory())
    client.post(apply_url(ProgramFactory()), form_data(name="<script>alert(1)</script>"))

    html = client.get("/mein-bereich/").content.decode()

    assert "<script>alert(1)</script>" not in html


def test_program_page_links_the_application(client):
    program = ProgramFactory()

    assert apply_url(program) in client.get(program.get_absolute_url()).content.decode()


def test_sign_up_from_the_apply_button_returns_to_the_form(client, mailoutbox):
    import re

    from tests.factories import PASSWORD

    program = ProgramFactory()
    login = client.get(apply_url(program))["Location"]
    signup = re.search(r'href="(/konto/signup/[^"]*)"', client.get(login).content.decode()).group(1)

    client.post(
        signup,
        {
            "email": "neu@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": apply_url(program),
        },
    )
    link = re.search(r"https?://[^/\s]+(/\S+)", mailoutbox[0].body).group(1)
    response = client.post(link)

    assert signup == f"/konto/signup/?next=%2Fprogramme%2F{program.slug}%2Fbewerben%2F"
    assert response["Location"] == apply_url(program)
