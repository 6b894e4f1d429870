"""Entering and correcting people: a mentee's edit screen and history, the mentee list's filters,
applications on paper, and a volunteer's own profile."""

from datetime import date, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.registry import REDACTED
from tandems.filters import months_before
from tandems.models import (
    Application,
    ApplicationEvent,
    ConsentRecord,
    Mentee,
    VolunteerProfile,
)
from tests.factories import ProgramCoordinatorFactory, UserFactory
from tests.factories.tandems import applicant, new_mentee, profile_for

pytestmark = pytest.mark.django_db
EN = "/en"
TODAY = timezone.localdate


@pytest.fixture
def other_coordinator(db):
    return ProgramCoordinatorFactory().user


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def edit_url(mentee) -> str:
    return f"/koordination/mentees/{mentee.pk}/bearbeiten/"


def edit_data(mentee, **overrides) -> dict:
    data = {
        "first_name": mentee.first_name,
        "year_of_birth": mentee.year_of_birth,
        "postcode": mentee.postcode,
        "city": mentee.city,
        "languages": mentee.languages,
        "interests": [str(t.pk) for t in mentee.interests.all()],
        "target_groups": [str(g.pk) for g in mentee.target_groups.all()],
        "availability": mentee.availability,
        "goals_and_needs": mentee.goals_and_needs,
        "guardian_name": mentee.guardian_name,
        "guardian_phone": mentee.guardian_phone,
        "guardian_email": mentee.guardian_email,
        "reminder_email": mentee.reminder_email,
        "reminder_language": mentee.reminder_language,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- A. Editing a mentee ---------------------------------------------------------------------


def test_mentee_edit_saves_every_intake_field_and_regeocodes(client, coordinator, program):
    mentee = new_mentee(program, first_name="Ali")
    client.force_login(coordinator)

    response = client.post(
        EN + edit_url(mentee),
        edit_data(
            mentee,
            first_name="Aylin",
            postcode="10115",
            languages="Deutsch, Türkisch",
            goals_and_needs="Mathe üben",
            guardian_phone="0341 999",
            guardian_email="eltern@example.org",
            availability=["di-nachmittag"],
        ),
        follow=True,
    )

    mentee.refresh_from_db()
    assert response.redirect_chain == [(f"{EN}/koordination/mentees/{mentee.pk}/", 302)]
    assert texts(response) == ["The changes have been saved."]
    assert (mentee.first_name, mentee.postcode, mentee.city) == ("Aylin", "10115", "Berlin")
    assert (round(mentee.latitude, 2), round(mentee.longitude, 2)) == (52.53, 13.38)
    assert (mentee.languages, mentee.goals_and_needs) == ("Deutsch, Türkisch", "Mathe üben")
    assert (mentee.guardian_phone, mentee.guardian_email) == ("0341 999", "eltern@example.org")
    assert mentee.availability == ["di-nachmittag"]
    assert mentee.status == Mentee.Status.WAITING


def test_mentee_edit_writes_audit_entry_in_program_trail_without_values(
    client, coordinator, program
):
    mentee = new_mentee(program, first_name="Ali")
    client.force_login(coordinator)

    client.post(edit_url(mentee), edit_data(mentee, first_name="Aylin", guardian_phone="0341 9"))

    entry = LogEntry.objects.filter(
        object_pk=str(mentee.pk), action=LogEntry.Action.UPDATE, content_type__model="mentee"
    ).get()
    assert entry.actor == coordinator
    assert entry.additional_data == {"program": program.pk}
    assert entry.changes == {
        "first_name": [REDACTED, REDACTED],
        "guardian_phone": [REDACTED, REDACTED],
    }
    trail = client.get(f"{EN}/koordination/programme/{program.slug}/protokoll/").content.decode()
    assert "0341 9" not in trail
    assert "Guardian&#x27;s phone" in trail or "Guardian's phone" in trail


def test_mentee_page_shows_history_of_changes_without_values(client, coordinator, program):
    mentee = new_mentee(program, first_name="Ali")
    client.force_login(coordinator)
    client.post(
        edit_url(mentee),
        edit_data(mentee, guardian_phone="0341 777", interests=[], target_groups=[]),
    )

    response = client.get(f"{EN}/koordination/mentees/{mentee.pk}/")

    history = response.context["history"]
    assert [row.what for row in history] == ["changed", "changed", "created"]
    assert {change.name for row in history for change in row.changes} == {
        "Guardian's phone",
        "Target groups",
    }
    assert all(row.who == coordinator.name for row in history[:2])
    content = response.content.decode()
    assert content.count("0341 777") == 1  # the guardian's line, not the history
    assert f'href="{edit_url(mentee)}"' in content.replace("/en/", "/")


def test_mentee_history_queries_do_not_grow_with_changes(client, coordinator, program):
    mentee = new_mentee(program)
    client.force_login(coordinator)
    path = f"/koordination/mentees/{mentee.pk}/"
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for n in range(5):
        client.post(edit_url(mentee), edit_data(mentee, guardian_phone=f"0341 {n}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)

    assert len(response.context["history"]) == 6
    assert len(many) == len(one)


def test_mentee_edit_minor_without_guardian_name_is_refused(client, coordinator, program):
    mentee = new_mentee(program)
    client.force_login(coordinator)

    response = client.post(EN + edit_url(mentee), edit_data(mentee, guardian_name=""))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "guardian_name": ["For a minor, the guardian's name and consent are required."]
    }
    mentee.refresh_from_db()
    assert mentee.guardian_name == "Familie K."


@pytest.mark.clock
def test_adult_becoming_minor_needs_guardian_consent(client, coordinator, program):
    mentee = new_mentee(program, year_of_birth=1990, guardian_name="")
    ConsentRecord.objects.filter(mentee=mentee).delete()
    client.force_login(coordinator)
    minor = TODAY().year - 12

    refused = client.post(
        EN + edit_url(mentee), edit_data(mentee, year_of_birth=minor, guardian_name="Frau K.")
    )
    given = client.post(
        EN + edit_url(mentee),
        edit_data(mentee, year_of_birth=minor, guardian_name="Frau K.", guardian_consent="on"),
    )

    assert "guardian_name" in refused.context["form"].errors
    assert given.status_code == 302
    consent = ConsentRecord.objects.get(mentee=mentee)
    assert (consent.scope, consent.text_version, consent.recorded_by) == (
        "guardian",
        "2026-11",
        coordinator,
    )


def test_guardian_consent_on_record_is_not_asked_again(client, coordinator, program):
    mentee = new_mentee(program)
    client.force_login(coordinator)

    form = client.get(EN + edit_url(mentee)).context["form"]

    assert "guardian_consent" not in form.fields
    assert "reminder_consent" in form.fields


def test_mentee_edit_reminder_address_needs_consent(client, coordinator, program):
    mentee = new_mentee(program)
    client.force_login(coordinator)

    refused = client.post(EN + edit_url(mentee), edit_data(mentee, reminder_email="a@example.org"))
    given = client.post(
        EN + edit_url(mentee),
        edit_data(mentee, reminder_email="a@example.org", reminder_consent="on"),
    )

    assert refused.context["form"].errors == {
        "reminder_email": ["E-mail reminders need the consent of the mentee or guardian."]
    }
    assert given.status_code == 302
    assert mentee.consents.filter(scope="reminders", withdrawn_at=None).count() == 1


@pytest.mark.parametrize(
    "field, value",
    [
        ("first_name", ""),
        ("first_name", "x" * 2000),
        ("postcode", "12%_4"),
        ("languages", ""),
        ("year_of_birth", "neunzehn"),
        ("guardian_email", "keine-adresse"),
    ],
)
def test_mentee_edit_bad_input_gives_german_message_and_changes_nothing(
    client, coordinator, program, field, value
):
    mentee = new_mentee(program, first_name="Ali")
    client.force_login(coordinator)

    response = client.post(edit_url(mentee), edit_data(mentee, **{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "field-error" in response.content.decode()
    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.postcode) == ("Ali", "04109")


def test_mentee_edit_of_another_program_is_404(client, other_coordinator, program):
    mentee = new_mentee(program, first_name="Ali")
    client.force_login(other_coordinator)

    get = client.get(edit_url(mentee))
    post = client.post(edit_url(mentee), edit_data(mentee, first_name="Fremd"))

    assert (get.status_code, post.status_code) == (404, 404)
    mentee.refresh_from_db()
    assert mentee.first_name == "Ali"


def test_mentee_edit_anonymous_redirects_to_login(client, program):
    mentee = new_mentee(program)

    response = client.get(edit_url(mentee))

    assert response.status_code == 302
    assert response.url == f"/konto/login/?next={edit_url(mentee)}"


def test_anonymised_mentee_cannot_be_edited(client, coordinator, program):
    mentee = new_mentee(program, first_name="Ali")
    Mentee.objects.filter(pk=mentee.pk).update(anonymised_at=timezone.now(), first_name="")
    client.force_login(coordinator)

    response = client.post(EN + edit_url(mentee), edit_data(mentee, first_name="Neu"), follow=True)

    assert texts(response) == [
        "The personal data of this mentee has been erased; there is nothing to edit."
    ]
    assert Mentee.objects.get(pk=mentee.pk).first_name == ""
    assert edit_url(mentee) not in response.content.decode().replace("/en/", "/")


def test_mentee_edit_form_is_german(client, coordinator, program):
    mentee = new_mentee(program, first_name="Ali")
    client.force_login(coordinator)

    response = client.post(edit_url(mentee), edit_data(mentee, guardian_name=""))

    content = response.content.decode()
    assert "Ali bearbeiten" in content
    assert "Bei Minderjährigen sind der Name und die Einwilligung der" in content


# --- B. The mentee list's filters ------------------------------------------------------------


def list_url(program, query="") -> str:
    return f"/koordination/programme/{program.slug}/mentees/{query}"


def names(response) -> list[str]:
    return [row["mentee"].first_name for row in response.context["mentees"]]


@pytest.mark.clock
@time_machine.travel(date(2027, 6, 15), tick=False)
def test_mentee_list_filters_by_status_waiting_time_and_age_group(client, coordinator, program):
    kid = new_mentee(program, first_name="Kind", year_of_birth=2017)
    teen = new_mentee(program, first_name="Teen", year_of_birth=2012)
    adult = new_mentee(program, first_name="Erwachsen", year_of_birth=1980, guardian_name="")
    matched = new_mentee(program, first_name="Vergeben", year_of_birth=2016)
    Mentee.objects.filter(pk=matched.pk).update(status=Mentee.Status.MATCHED)
    Mentee.objects.filter(pk=kid.pk).update(waiting_since=date(2026, 11, 1))
    Mentee.objects.filter(pk=teen.pk).update(waiting_since=date(2027, 3, 10))
    Mentee.objects.filter(pk=adult.pk).update(waiting_since=date(2027, 6, 1))
    client.force_login(coordinator)

    assert names(client.get(list_url(program))) == ["Kind", "Teen", "Erwachsen"]
    assert names(client.get(list_url(program, "?status="))) == [
        "Kind",
        "Teen",
        "Erwachsen",
        "Vergeben",
    ]
    assert names(client.get(list_url(program, "?status=matched"))) == ["Vergeben"]
    assert names(client.get(list_url(program, "?waiting_before=2027-04-01"))) == ["Kind", "Teen"]
    assert names(client.get(list_url(program, "?min_months=3"))) == ["Kind", "Teen"]
    assert names(client.get(list_url(program, "?min_months=4"))) == ["Kind"]
    assert names(client.get(list_url(program, "?age_group=kinder"))) == ["Kind"]
    assert names(client.get(list_url(program, "?age_group=jugendliche"))) == ["Teen"]
    assert names(client.get(list_url(program, "?age_group=erwachsene"))) == ["Erwachsen"]
    assert names(client.get(list_url(program, "?status=&age_group=kinder"))) == [
        "Kind",
        "Vergeben",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "?status=verheiratet",
        "?min_months=-1",
        "?min_months=1.5",
        "?min_months=99999999999999999999",
        "?waiting_before=gestern",
        "?waiting_before=99999-01-01",
        "?age_group=%25_%27",
    ],
)
def test_mentee_list_invalid_filter_gives_german_message(client, coordinator, program, query):
    new_mentee(program)
    client.force_login(coordinator)

    response = client.get(list_url(program, query))

    assert response.status_code == 200
    assert response.context["mentees"] == []
    content = response.content.decode()
    assert "Der Filter konnte nicht angewendet werden." in content


SCRIPT = "<script>alert(1)</script>"
FILTER_VALUE = st.one_of(
    st.text(max_size=40),
    st.just(SCRIPT),
    st.sampled_from(["", "0", "-1", "1e309", "nan", "2026-02-30", "waiting", "kinder", "%_'"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    query=st.fixed_dictionaries(
        {},
        optional={
            name: st.lists(FILTER_VALUE, max_size=2)
            for name in ("status", "waiting_before", "min_months", "age_group", "page")
        },
    )
)
def test_mentee_list_answers_any_query(client, coordinator, program, query):
    client.force_login(coordinator)

    response = client.get(list_url(program), query)

    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


def test_mentee_list_of_another_program_is_404(client, other_coordinator, program):
    client.force_login(other_coordinator)

    assert client.get(list_url(program, "?status=matched")).status_code == 404


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2027, 6, 15), 3) == date(2027, 3, 15)
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2027, 1, 10), 13) == date(2025, 12, 10)


def test_filtered_mentee_list_query_count_same_with_1_and_500(client, coordinator, program):
    path = list_url(program, "?status=&age_group=kinder&min_months=0")
    new_mentee(program)
    client.force_login(coordinator)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    Mentee.objects.bulk_create(
        Mentee(
            program=program,
            first_name=f"Kind {n}",
            year_of_birth=TODAY().year - 8,
            postcode="04109",
            languages="Deutsch",
        )
        for n in range(499)
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)

    assert response.context["page_obj"].paginator.count == 500
    assert len(many) == len(one)


# --- C. Applications on paper ----------------------------------------------------------------


def paper_url(program) -> str:
    return f"/koordination/programme/{program.slug}/bewerbungen/neu/"


def paper_data(**overrides) -> dict:
    data = {
        "email": "papier@example.org",
        "channel": "paper",
        "name": "Paula Papier",
        "form_of_address": "frau",
        "year_of_birth": 1958,
        "phone": "0341 123456",
        "postcode": "04109",
        "city": "",
        "languages": "Deutsch",
        "availability": ["mo-vormittag"],
        "preferred_age_groups": ["kinder"],
        "motivation": "Ich lese gern vor.",
        "heard_from": "Aushang in der Bibliothek",
        "consent_method": "paper",
        "consent_given_on": (TODAY() - timedelta(days=2)).isoformat(),
        "privacy_consent": "on",
    }
    data.update(overrides)
    return data


def test_paper_application_creates_account_profile_application_and_consent(
    client, coordinator, program
):
    client.force_login(coordinator)

    response = client.post(EN + paper_url(program), paper_data(), follow=True)

    application = Application.objects.get()
    user = application.volunteer
    assert response.redirect_chain == [(f"{EN}/koordination/bewerbungen/{application.pk}/", 302)]
    assert texts(response) == [
        "The application of Paula Papier has been recorded. No e-mail was sent."
    ]
    assert (user.email, user.name, user.has_usable_password()) == (
        "papier@example.org",
        "Paula Papier",
        False,
    )
    assert not user.emailaddress_set.filter(verified=True).exists()
    profile = user.volunteer_profile
    assert (profile.city, profile.phone, profile.preferred_age_groups) == (
        "Leipzig",
        "0341 123456",
        ["kinder"],
    )
    assert profile.has_location
    assert application.channel == "paper"
    assert application.stage == program.pipeline_stages.order_by("position").first()
    event = ApplicationEvent.objects.get(application=application)
    assert (event.by, event.to_stage) == (coordinator, application.stage)
    consent = ConsentRecord.objects.get(user=user)
    assert (consent.scope, consent.method, consent.recorded_by, consent.text_version) == (
        "privacy",
        "paper",
        coordinator,
        "2026-11",
    )
    assert timezone.localtime(consent.given_at).date() == TODAY() - timedelta(days=2)
    assert "the application came in on paper." in response.content.decode()


def test_paper_application_sends_no_mail_and_is_in_the_trail(
    client, coordinator, program, mailoutbox
):
    from notifications.models import Notification

    client.force_login(coordinator)

    client.post(paper_url(program), paper_data(contact_by_other_programs="on"))

    application = Application.objects.get()
    assert Notification.objects.count() == 0
    assert mailoutbox == []
    entry = LogEntry.objects.get(
        content_type__model="application",
        object_pk=str(application.pk),
        action=LogEntry.Action.CREATE,
    )
    assert (entry.actor, entry.additional_data["program"]) == (coordinator, program.pk)
    assert entry.changes["channel"] == ["None", "paper"]
    scopes = set(application.volunteer.consents.values_list("scope", "method"))
    assert scopes == {("privacy", "paper"), ("other_programs", "paper")}


@pytest.mark.parametrize("address", ["PAPIER@example.org", "papier@example.org"])
def test_paper_application_for_an_existing_address_is_refused_and_reveals_nothing(
    client, coordinator, program, address
):
    existing = UserFactory(email="papier@example.org", name="Geheime Person")
    profile_for(existing, name="Geheime Person", motivation="KANARIE-PROFIL")
    client.force_login(coordinator)

    response = client.post(paper_url(program), paper_data(email=address, name="Paula"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Diese E-Mail-Adresse gehört bereits zu einem Konto. Bitten Sie die Person, sich selbst "
        "online zu bewerben, angemeldet in ihrem Konto."
    ]
    content = response.content.decode()
    assert "Geheime Person" not in content and "KANARIE-PROFIL" not in content
    assert Application.objects.count() == 0
    existing.volunteer_profile.refresh_from_db()
    assert existing.volunteer_profile.name == "Geheime Person"
    assert get_user_model().objects.filter(email__iexact="papier@example.org").count() == 1


def test_paper_application_for_an_unconfirmed_second_address_is_refused(
    client, coordinator, program
):
    from allauth.account.models import EmailAddress

    existing = UserFactory()
    EmailAddress.objects.create(user=existing, email="zweite@example.org", verified=False)
    client.force_login(coordinator)

    response = client.post(paper_url(program), paper_data(email="zweite@example.org"))

    assert "email" in response.context["form"].errors
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"email": ""}, "email"),
        ({"email": "keine adresse"}, "email"),
        ({"channel": "online"}, "channel"),
        ({"consent_method": "telepathie"}, "consent_method"),
        ({"consent_given_on": (TODAY() + timedelta(days=1)).isoformat()}, "consent_given_on"),
        ({"consent_given_on": (TODAY() - timedelta(days=400)).isoformat()}, "consent_given_on"),
        ({"privacy_consent": ""}, "privacy_consent"),
        ({"name": "x" * 2000}, "name"),
        ({"name": ""}, "name"),
        ({"postcode": "%_'\""}, "postcode"),
        ({"motivation": ""}, "motivation"),
    ],
)
def test_paper_application_bad_input_changes_nothing(
    client, coordinator, program, overrides, field
):
    client.force_login(coordinator)

    response = client.post(paper_url(program), paper_data(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Application.objects.count() == 0
    assert VolunteerProfile.objects.count() == 0
    assert get_user_model().objects.filter(email="papier@example.org").count() == 0


def test_paper_application_of_another_program_is_404(client, other_coordinator, program):
    client.force_login(other_coordinator)

    assert client.get(paper_url(program)).status_code == 404
    assert client.post(paper_url(program), paper_data()).status_code == 404
    assert Application.objects.count() == 0


def test_application_list_links_the_paper_form(client, coordinator, program):
    client.force_login(coordinator)

    content = client.get(f"/koordination/programme/{program.slug}/bewerbungen/").content.decode()

    assert f'href="{paper_url(program)}"' in content
    assert "Bewerbung auf Papier erfassen" in content


# --- D. The volunteer's own profile ----------------------------------------------------------

PROFILE = "/mein-bereich/profil/"


def profile_data(profile, **overrides) -> dict:
    data = {
        "name": profile.name,
        "form_of_address": profile.form_of_address,
        "year_of_birth": profile.year_of_birth,
        "phone": profile.phone,
        "postcode": profile.postcode,
        "city": profile.city,
        "languages": profile.languages,
        "interests": [str(t.pk) for t in profile.interests.all()],
        "availability": profile.availability,
        "preferred_age_groups": profile.preferred_age_groups,
        "preferred_target_groups": [str(g.pk) for g in profile.preferred_target_groups.all()],
        "motivation": profile.motivation,
    }
    data.update(overrides)
    return data


def test_volunteer_edits_own_profile_and_it_is_regeocoded_and_audited(client, program):
    application = applicant(program, name="Vera")
    user = application.volunteer
    profile = user.volunteer_profile
    client.force_login(user)

    response = client.post(
        EN + PROFILE,
        profile_data(
            profile, name="Vera Neu", postcode="01067", phone="0351 1", languages="Polnisch"
        ),
        follow=True,
    )

    profile.refresh_from_db()
    assert response.redirect_chain == [(f"{EN}/mein-bereich/", 302)]
    assert texts(response) == ["Your profile has been saved."]
    assert (profile.name, profile.postcode, profile.city, profile.phone) == (
        "Vera Neu",
        "01067",
        "Dresden",
        "0351 1",
    )
    assert round(profile.latitude, 2) == 51.06
    entry = LogEntry.objects.get(
        content_type__model="volunteerprofile",
        object_pk=str(profile.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert entry.actor == user
    assert set(entry.changes) == {"name", "phone", "postcode", "city", "languages"}
    assert entry.changes["name"] == [REDACTED, REDACTED]


def test_profile_form_shows_the_stored_values(client, program):
    application = applicant(program, name="Vera", interests=["lesen-und-sprache"])
    client.force_login(application.volunteer)

    response = client.get(EN + PROFILE)

    form = response.context["form"]
    assert form.initial["name"] == "Vera"
    assert [t.slug for t in form.fields["interests"].initial] == ["lesen-und-sprache"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 2000}, "name"),
        ({"postcode": "1234"}, "postcode"),
        ({"year_of_birth": "1800"}, "year_of_birth"),
        ({"languages": ""}, "languages"),
        ({"availability": ["nie"]}, "availability"),
    ],
)
def test_profile_bad_input_changes_nothing(client, program, overrides, field):
    application = applicant(program, name="Vera")
    profile = application.volunteer.volunteer_profile
    client.force_login(application.volunteer)

    response = client.post(PROFILE, profile_data(profile, **overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    profile.refresh_from_db()
    assert (profile.name, profile.postcode) == ("Vera", "04109")


def test_without_profile_the_page_says_how_to_get_one(client):
    user = UserFactory()
    client.force_login(user)

    get = client.get(PROFILE)
    post = client.post(PROFILE, {"name": "Jemand"})

    assert get.status_code == 200
    content = get.content.decode()
    assert "Sie haben noch kein Profil als Freiwillige:r." in content
    assert 'href="/programme/"' in content
    assert post.status_code == 302
    assert VolunteerProfile.objects.count() == 0


def test_profile_anonymous_redirects_to_login(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"/konto/login/?next={PROFILE}"


def test_my_area_and_privacy_policy_link_the_profile(client, program):
    application = applicant(program)
    client.force_login(application.volunteer)

    area = client.get("/mein-bereich/").content.decode()
    policy = client.get("/datenschutz/").content.decode()

    assert f'href="{PROFILE}"' in area
    assert f'href="{PROFILE}"' in policy


def test_paper_applicant_can_claim_the_account_by_password_reset(
    client, coordinator, program, mailoutbox
):
    client.force_login(coordinator)
    client.post(paper_url(program), paper_data())
    client.logout()

    response = client.post("/konto/password/reset/", {"email": "papier@example.org"})

    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [["papier@example.org"]]
