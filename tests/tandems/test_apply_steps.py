"""The application form in four steps (core/steps.py): progress, back and next without JavaScript,
a bad step stays with its errors, the last step saves once."""

import pytest

from programs.models import Topic
from tandems.models import Application, VolunteerProfile
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

STEP_1 = {
    "name": "Mira Mentorin",
    "form_of_address": "frau",
    "year_of_birth": "1988",
    "phone": "",
    "postcode": "04109",
    "city": "Leipzig",
    "languages": "Deutsch",
}


def step_2() -> dict:
    return {
        "interests": [Topic.objects.get(slug="lesen-und-sprache").pk],
        "availability": ["mo-nachmittag"],
        "preferred_age_groups": ["kinder"],
    }


STEP_3 = {"motivation": "Ich lese gern vor.", "heard_from": "Zeitung"}
STEP_4 = {"privacy_consent": "on"}


def post(client, url, step, data, nav="next"):
    return client.post(url, {**data, "step": str(step), "nav": nav})


@pytest.fixture
def applying(client):
    program = ProgramFactory()
    client.force_login(UserFactory(name="Mira"))
    return program, f"/programme/{program.slug}/bewerben/"


def test_first_step_shows_progress_and_only_its_fields(client, applying):
    _, url = applying

    html = client.get(url).content.decode()

    assert "Schritt 1 von 4: Über Sie" in html
    assert html.count('aria-current="step"') == 1
    assert 'name="postcode"' in html
    assert 'name="motivation"' not in html
    assert 'value="Mira"' in html  # the initial value of the account's name
    assert 'value="back"' not in html
    assert 'name="step" value="0"' in html


def test_bad_step_stays_with_inline_errors_and_saves_nothing(client, applying):
    _, url = applying

    response = post(client, url, 0, {**STEP_1, "postcode": "12"})

    html = response.content.decode()
    assert "Schritt 1 von 4" in html
    assert '<p class="field-error" id="id_postcode-error-1">' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_postcode"' in html  # the error summary links to the field
    # Not the errors of the steps to come.
    assert "Ohne Ihre Einwilligung" not in html
    assert VolunteerProfile.objects.count() == 0


def test_next_and_back_keep_the_input(client, applying):
    _, url = applying

    second = post(client, url, 0, STEP_1).content.decode()
    back = post(client, url, 1, step_2(), nav="back").content.decode()

    assert "Schritt 2 von 4: Interessen und Zeit" in second
    assert 'value="back"' in second
    assert "field-error" not in second  # a new step shows no errors before it is sent
    assert "Schritt 1 von 4" in back
    assert 'value="04109"' in back
    assert 'value="Leipzig"' in back


def test_all_steps_save_the_application_once(client, applying):
    program, url = applying

    post(client, url, 0, STEP_1)
    post(client, url, 1, step_2())
    last = post(client, url, 2, STEP_3).content.decode()
    done = post(client, url, 3, STEP_4, nav="save")
    again = post(client, url, 3, STEP_4, nav="save")

    assert "Schritt 4 von 4: Datenschutz" in last
    assert "Bewerbung absenden" in last
    assert done.status_code == 302
    assert Application.objects.filter(program=program).count() == 1
    profile = VolunteerProfile.objects.get()
    assert (profile.postcode, profile.city) == ("04109", "Leipzig")
    assert profile.motivation == STEP_3["motivation"]
    assert "bereits bei diesem Programm beworben" in again.content.decode()
    assert Application.objects.count() == 1


def test_last_step_without_consent_stays_there(client, applying):
    _, url = applying
    post(client, url, 0, STEP_1)
    post(client, url, 1, step_2())
    post(client, url, 2, STEP_3)

    html = post(client, url, 3, {}, nav="save").content.decode()

    assert "Schritt 4 von 4" in html
    assert "Ohne Ihre Einwilligung kann das Programm Ihre Bewerbung nicht bearbeiten." in html
    assert Application.objects.count() == 0


@pytest.mark.parametrize("step", ["x", "-3", "99"])
def test_a_made_up_step_number_is_no_error(client, applying, step):
    _, url = applying

    response = client.post(url, {**STEP_1, "step": step, "nav": "next"})

    assert response.status_code == 200
    assert Application.objects.count() == 0


@pytest.mark.usefixtures("english")
def test_steps_in_english(client, applying):
    _, url = applying

    html = client.get("/en" + url).content.decode()

    assert "Step 1 of 4: About you" in html
    assert "Fields marked * are required." in html


# --- The coordinator's paper application: the same steps ----------------------------------------


def test_paper_application_in_steps_shows_the_initial_date_and_saves_once(client):
    from django.utils import timezone

    from tests.factories import ProgramCoordinatorFactory

    membership = ProgramCoordinatorFactory()
    client.force_login(membership.user)
    url = f"/koordination/programme/{membership.program.slug}/bewerbungen/neu/"

    first = client.get(url).content.decode()
    post(client, url, 0, {**STEP_1, "email": "paula@example.org", "channel": "paper"})
    post(client, url, 1, step_2())
    last = post(client, url, 2, STEP_3).content.decode()
    today = timezone.localdate().isoformat()
    consent = {"consent_method": "paper", "consent_given_on": today, "privacy_consent": "on"}
    done = post(client, url, 3, consent, nav="save")

    assert "Schritt 1 von 4: Bewerber:in" in first
    assert "Schritt 4 von 4: Einwilligung zum Datenschutzhinweis" in last
    assert f'value="{today}"' in last  # the consent date's initial value, on its step
    assert done.status_code == 302
    application = Application.objects.get()
    assert (application.channel, application.volunteer.email) == ("paper", "paula@example.org")


def test_mentee_registration_in_steps(client):
    from tandems.models import Mentee
    from tests.factories import ProgramCoordinatorFactory

    membership = ProgramCoordinatorFactory()
    client.force_login(membership.user)
    url = f"/koordination/programme/{membership.program.slug}/mentees/neu/"
    mentee = {"first_name": "Mia", "year_of_birth": "2016", "postcode": "04109", "city": ""}

    first = client.get(url).content.decode()
    bad = post(client, url, 0, {**mentee, "languages": ""}).content.decode()
    post(client, url, 0, {**mentee, "languages": "Deutsch"})
    post(client, url, 1, {"availability": ["mo-nachmittag"], "goals_and_needs": "Lesen"})
    post(client, url, 2, {"guardian_name": "Frau K."})
    # The service refuses a minor without the guardian's consent: back to the step of the consent.
    refused = post(client, url, 3, {}, nav="save").content.decode()
    post(client, url, 2, {"guardian_name": "Frau K.", "guardian_consent": "on"})
    done = post(client, url, 3, {}, nav="save")

    assert "Schritt 1 von 4: Mentee" in first
    assert "Schritt 1 von 4" in bad and 'id="id_languages-error-1"' in bad
    assert "Schritt 3 von 4: Erziehungsberechtigte" in refused
    assert "error-summary" in refused
    assert done.status_code == 302
    assert Mentee.objects.get().first_name == "Mia"
