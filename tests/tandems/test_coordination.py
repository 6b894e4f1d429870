"""Coordinators' screens: applications pipeline, § 72a record, mentees, matching."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandems.models import (
    Application,
    ApplicationNote,
    ConsentRecord,
    Mentee,
    ScreeningRecord,
    Tandem,
)
from tandems.selectors import candidates_for_mentee
from tests.factories import ProgramCoordinatorFactory, ProgramFactory
from tests.factories.tandems import applicant, make_ready, new_mentee

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = timezone.localdate


@pytest.fixture
def other_coordinator(db):
    """Coordinator of another program (B)."""
    return ProgramCoordinatorFactory().user


# Unprefixed URLs are German; the English pages live under /en/.
EN = "/en"


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def login_url(path: str) -> str:
    return f"/konto/login/?next={path}"


def application_url(application, suffix="") -> str:
    return f"/koordination/bewerbungen/{application.pk}/{suffix}"


def mentee_url(mentee, suffix="") -> str:
    return f"/koordination/mentees/{mentee.pk}/{suffix}"


# --- Applications list -----------------------------------------------------------------------


def test_application_list_groups_open_applications_by_stage(client, coordinator, program):
    first = applicant(program, name="Anna Erste")
    moved = applicant(program, name="Bernd Zweiter")
    closed = applicant(program, name="Cora Dritte")
    Application.objects.filter(pk=moved.pk).update(stage=program.pipeline_stages.get(position=1))
    Application.objects.filter(pk=closed.pk).update(status="withdrawn")
    client.force_login(coordinator)

    response = client.get(f"/koordination/programme/{program.slug}/bewerbungen/")

    assert response.status_code == 200
    groups = [
        (stage.name, [a.pk for a in applications])
        for stage, applications in response.context["stages"]
    ]
    assert groups == [
        ("eingegangen", [first.pk]),
        ("Kennenlerngespräch", [moved.pk]),
        ("Schulung", []),
        ("Führungszeugnis geprüft", []),
        ("bereit für Tandem", []),
    ]
    assert [a.pk for a in response.context["closed"]] == [closed.pk]
    content = response.content.decode()
    assert (
        content.index("Anna Erste") < content.index("Bernd Zweiter") < content.index("Cora Dritte")
    )
    assert f'href="{application_url(first)}"' in content


def test_application_list_anonymous_redirects_to_login(client, program):
    path = f"/koordination/programme/{program.slug}/bewerbungen/"

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == login_url(path)


def test_application_list_of_another_program_is_404(client, other_coordinator, program):
    applicant(program)
    client.force_login(other_coordinator)

    response = client.get(f"/koordination/programme/{program.slug}/bewerbungen/")

    assert response.status_code == 404


def test_application_list_for_staff_who_do_not_coordinate_is_404(client, staff_user, program):
    client.force_login(staff_user)

    response = client.get(f"/koordination/programme/{program.slug}/bewerbungen/")

    assert response.status_code == 404


def bulk_applicants(program, count: int) -> None:
    """`count` more applicants in the first stage, inserted in bulk."""
    from django.contrib.auth import get_user_model

    from tandems.models import Application, VolunteerProfile

    stage = program.pipeline_stages.order_by("position").first()
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"menge{n}@example.org", name=f"Menge {n}") for n in range(count)
    )
    VolunteerProfile.objects.bulk_create(
        VolunteerProfile(
            user=user, name=user.name, year_of_birth=1990, postcode="04109",
            languages="Deutsch", motivation="Gern.",
        )
        for user in users
    )  # fmt: skip
    Application.objects.bulk_create(
        Application(program=program, volunteer=user, stage=stage) for user in users
    )


def bulk_mentees(program, count: int) -> None:
    from tandems.models import Mentee

    Mentee.objects.bulk_create(
        Mentee(
            program=program, first_name=f"Kind {n}", year_of_birth=2015, postcode="04109",
            languages="Deutsch",
        )
        for n in range(count)
    )  # fmt: skip


def test_application_list_query_count_same_with_1_and_500(client, coordinator, program):
    path = f"/koordination/programme/{program.slug}/bewerbungen/"
    applicant(program)
    client.force_login(coordinator)
    client.get(path)  # settings and session rows exist from here on
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    bulk_applicants(program, 499)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)

    assert len(response.context["stages"][0][1]) == 500
    assert len(many) == len(one)


# --- Application detail and actions ----------------------------------------------------------


def test_application_detail_shows_profile_history_and_escapes_html(client, coordinator, program):
    application = applicant(
        program,
        name="Dana Beispiel",
        motivation="<script>alert(1)</script> Ich lese gern.",
        heard_from="Zeitung",
    )
    client.force_login(coordinator)

    response = client.get(EN + application_url(application))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Dana Beispiel" in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ich lese gern." in content
    assert "<script>alert(1)" not in content
    assert "Zeitung" in content
    assert "No § 72a record yet." in content
    assert [e.to_stage.name for e in response.context["events"]] == ["eingegangen"]


def test_application_detail_anonymous_redirects_to_login(client, program):
    application = applicant(program)

    response = client.get(application_url(application))

    assert response.status_code == 302
    assert response.url == login_url(application_url(application))


def test_application_detail_of_another_program_is_404(client, other_coordinator, program):
    application = applicant(program)
    client.force_login(other_coordinator)

    response = client.get(application_url(application))

    assert response.status_code == 404


def test_application_detail_for_staff_who_do_not_coordinate_is_404(client, staff_user, program):
    application = applicant(program)
    client.force_login(staff_user)

    response = client.get(application_url(application))

    assert response.status_code == 404


def test_move_application_to_another_stage(client, coordinator, program):
    application = applicant(program)
    interview = program.pipeline_stages.get(position=1)
    client.force_login(coordinator)

    response = client.post(
        EN + application_url(application, "verschieben/"), {"stage": interview.pk}, follow=True
    )

    application.refresh_from_db()
    assert application.stage == interview
    assert texts(response) == ["The application has been moved."]
    assert response.redirect_chain == [(EN + application_url(application), 302)]


def test_move_to_ready_without_screening_is_refused_with_reason(client, coordinator, program):
    application = applicant(program)
    ready = program.pipeline_stages.get(is_ready=True)
    client.force_login(coordinator)

    response = client.post(
        EN + application_url(application, "verschieben/"), {"stage": ready.pk}, follow=True
    )

    application.refresh_from_db()
    assert application.stage.name == "eingegangen"
    assert texts(response) == [
        "This stage needs a valid § 72a record (inspected certificate, no relevant entry)."
    ]


def test_move_to_stage_of_another_program_is_404(client, coordinator, program):
    application = applicant(program)
    foreign = applicant(ProgramFactory()).stage
    client.force_login(coordinator)

    response = client.post(application_url(application, "verschieben/"), {"stage": foreign.pk})

    application.refresh_from_db()
    assert response.status_code == 404
    assert application.stage.name == "eingegangen"


def test_reject_with_reason(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    response = client.post(
        EN + application_url(application, "ablehnen/"), {"reason": "Kein Platz frei."}, follow=True
    )

    application.refresh_from_db()
    assert (application.status, application.reason) == ("rejected", "Kein Platz frei.")
    assert texts(response) == ["The application has been rejected."]


def test_reject_without_reason_changes_nothing(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    response = client.post(
        EN + application_url(application, "ablehnen/"), {"reason": ""}, follow=True
    )

    application.refresh_from_db()
    assert application.status == "open"
    assert texts(response) == ["This field is required."]


def test_note_is_added_and_escaped(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    response = client.post(
        EN + application_url(application, "notiz/"), {"text": "<b>Telefonat</b> gut"}, follow=True
    )

    note = ApplicationNote.objects.get()
    assert (note.application, note.author, note.text) == (
        application,
        coordinator,
        "<b>Telefonat</b> gut",
    )
    assert texts(response) == ["The note has been saved."]
    assert "&lt;b&gt;Telefonat&lt;/b&gt; gut" in response.content.decode()


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        ("verschieben/", "stage"),
        ("ablehnen/", {"reason": "Nein"}),
        ("notiz/", {"text": "Fremd"}),
    ],
)
def test_posts_on_another_programs_application_are_404_and_change_nothing(
    client, other_coordinator, program, suffix, data
):
    application = applicant(program)
    if data == "stage":
        data = {"stage": program.pipeline_stages.get(position=1).pk}
    client.force_login(other_coordinator)

    response = client.post(application_url(application, suffix), data)

    application.refresh_from_db()
    assert response.status_code == 404
    assert (application.stage.position, application.status) == (0, "open")
    assert ApplicationNote.objects.count() == 0


def test_post_anonymous_redirects_to_login(client, program):
    application = applicant(program)
    path = application_url(application, "notiz/")

    response = client.post(path, {"text": "x"})

    assert response.status_code == 302
    assert response.url == login_url(path)
    assert ApplicationNote.objects.count() == 0


# --- § 72a record ----------------------------------------------------------------------------


def screening_data(**overrides) -> dict:
    data = {
        "inspected": "on",
        "certificate_issued_on": (TODAY() - timedelta(days=20)).isoformat(),
        "inspected_on": TODAY().isoformat(),
    }
    data.update(overrides)
    return data


@pytest.mark.clock
def test_screening_form_has_exactly_the_allowed_fields(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    response = client.get(application_url(application, "fuehrungszeugnis/"))

    form = response.context["form"]
    assert list(form.fields) == [
        "inspected",
        "certificate_issued_on",
        "inspected_on",
        "relevant_entry",
    ]
    assert form["inspected_on"].value() == TODAY()
    assert response.content.decode().count('type="date"') == 2


@pytest.mark.clock
def test_screening_form_saves_record_and_shows_status(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    response = client.post(
        EN + application_url(application, "fuehrungszeugnis/"), screening_data(), follow=True
    )

    record = ScreeningRecord.objects.get()
    assert (record.program, record.volunteer, record.inspected_by) == (
        program,
        application.volunteer,
        coordinator,
    )
    assert (record.inspected, record.relevant_entry) == (True, False)
    assert texts(response) == ["The § 72a record has been saved."]
    assert response.context["screening"]["valid"] is True
    today = TODAY()
    # Five years on; from a 29 February the 28th, as the record counts (FAKE_NOW=2028-02-29...).
    leap_day = (today.month, today.day) == (2, 29)
    due = date(today.year + 5, 2, 28) if leap_day else today.replace(year=today.year + 5)
    assert response.context["screening"]["due_on"] == due


@pytest.mark.clock
def test_screening_form_refuses_future_inspection_date(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    response = client.post(
        EN + application_url(application, "fuehrungszeugnis/"),
        screening_data(inspected_on=(TODAY() + timedelta(days=1)).isoformat()),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "inspected_on": ["The inspection date cannot be in the future."]
    }
    assert ScreeningRecord.objects.count() == 0


@pytest.mark.clock
def test_screening_form_refuses_too_old_certificate_in_german(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    response = client.post(
        application_url(application, "fuehrungszeugnis/"),
        screening_data(certificate_issued_on=(TODAY() - timedelta(days=100)).isoformat()),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "certificate_issued_on": ["Das Führungszeugnis war bei der Einsicht älter als 92 Tage."]
    }
    assert ScreeningRecord.objects.count() == 0


def test_screening_form_of_another_program_is_404(client, other_coordinator, program):
    application = applicant(program)
    client.force_login(other_coordinator)

    get = client.get(application_url(application, "fuehrungszeugnis/"))
    post = client.post(application_url(application, "fuehrungszeugnis/"), screening_data())

    assert (get.status_code, post.status_code) == (404, 404)
    assert ScreeningRecord.objects.count() == 0


def test_screening_form_anonymous_redirects_to_login(client, program):
    application = applicant(program)
    path = application_url(application, "fuehrungszeugnis/")

    response = client.get(path)

    assert response.url == login_url(path)


# --- Mentees ---------------------------------------------------------------------------------


@pytest.mark.clock
def test_waiting_list_shows_waiting_mentees_longest_first(client, coordinator, program):
    later = new_mentee(program, first_name="Lina")
    earlier = new_mentee(program, first_name="Emil", city="Leipzig")
    Mentee.objects.filter(pk=earlier.pk).update(waiting_since=TODAY() - timedelta(days=10))
    new_mentee(program, first_name="Paul", status="inactive")
    client.force_login(coordinator)

    response = client.get(f"/koordination/programme/{program.slug}/mentees/")

    rows = [
        (row["mentee"].first_name, row["days_waiting"], row["age"])
        for row in response.context["mentees"]
    ]
    assert rows == [("Emil", 10, 9), ("Lina", 0, 9)]
    assert f'href="{mentee_url(later)}"' in response.content.decode()


def test_waiting_list_denials(client, other_coordinator, staff_user, program):
    path = f"/koordination/programme/{program.slug}/mentees/"
    anonymous = client.get(path)
    client.force_login(other_coordinator)
    other = client.get(path)
    client.force_login(staff_user)
    staff = client.get(path)

    assert anonymous.url == login_url(path)
    assert (other.status_code, staff.status_code) == (404, 404)


def test_waiting_list_query_count_same_with_1_and_500(client, coordinator, program):
    path = f"/koordination/programme/{program.slug}/mentees/"
    new_mentee(program)
    client.force_login(coordinator)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    bulk_mentees(program, 499)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)

    # A page of 100; the count of all 500 above it.
    assert response.context["page_obj"].paginator.count == 500
    assert len(response.context["mentees"]) == 100
    assert len(many) == len(one)


def mentee_form_data(**overrides) -> dict:
    data = {
        "first_name": "Mia",
        "year_of_birth": TODAY().year - 10,
        "postcode": "04109",
        "city": "",
        "languages": "Deutsch, Türkisch",
        "availability": ["mo-nachmittag"],
        "goals_and_needs": "<i>Lesen</i> üben",
        "guardian_name": "Frau K.",
        "guardian_phone": "0341 123456",
        "guardian_email": "",
        "guardian_consent": "on",
    }
    data.update(overrides)
    return data


def test_register_minor_with_guardian_consent(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(
        EN + f"/koordination/programme/{program.slug}/mentees/neu/", mentee_form_data(), follow=True
    )

    mentee = Mentee.objects.get()
    assert (mentee.program, mentee.first_name, mentee.status) == (program, "Mia", "waiting")
    assert mentee.availability == ["mo-nachmittag"]
    consent = ConsentRecord.objects.get(mentee=mentee)
    assert (consent.scope, consent.text_version) == ("guardian", "2026-11")
    assert texts(response) == ["Mia is registered and on the waiting list."]
    assert response.redirect_chain == [(EN + mentee_url(mentee), 302)]
    assert "&lt;i&gt;Lesen&lt;/i&gt; üben" in response.content.decode()


def test_register_minor_without_guardian_consent_is_refused(client, coordinator, program):
    client.force_login(coordinator)
    data = mentee_form_data()
    del data["guardian_consent"]

    response = client.post(EN + f"/koordination/programme/{program.slug}/mentees/neu/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "guardian_name": ["For a minor, the guardian's name and consent are required."]
    }
    assert Mentee.objects.count() == 0


@pytest.mark.clock
def test_register_adult_without_guardian(client, coordinator, program):
    client.force_login(coordinator)
    data = mentee_form_data(year_of_birth=1990, guardian_name="", guardian_phone="")
    del data["guardian_consent"]

    client.post(f"/koordination/programme/{program.slug}/mentees/neu/", data)

    assert Mentee.objects.get().guardian_name == ""
    assert ConsentRecord.objects.count() == 0


def test_register_form_labels_consent_version(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(EN + f"/koordination/programme/{program.slug}/mentees/neu/")

    assert response.status_code == 200
    # The consent is on the third of the form's steps.
    assert response.context["steps"][2].fields[-1] == "guardian_consent"
    assert (
        response.context["form"]["guardian_consent"].label
        == "The guardian has consented (version 2026-11); required for minors."
    )


def test_register_for_another_program_is_404(client, other_coordinator, program):
    client.force_login(other_coordinator)

    response = client.post(
        f"/koordination/programme/{program.slug}/mentees/neu/", mentee_form_data()
    )

    assert response.status_code == 404
    assert Mentee.objects.count() == 0


# --- Matching --------------------------------------------------------------------------------


def test_mentee_page_ranks_candidates_with_reasons(client, coordinator, program):
    mentee = new_mentee(program, interests=["lesen-und-sprache"], availability=["mo-nachmittag"])
    near_arabic = make_ready(
        applicant(
            program,
            name="Nahe Arabisch",
            postcode="04109",
            languages="Arabisch, Deutsch",
            interests=["lesen-und-sprache"],
        )
    )
    far = make_ready(applicant(program, name="Weit Weg", postcode="04600", languages="Englisch"))
    near_other = make_ready(
        applicant(program, name="Nahe Englisch", postcode="04177", languages="Englisch")
    )
    client.force_login(coordinator)

    response = client.get(EN + mentee_url(mentee))

    candidates = response.context["candidates"]
    assert [c["match"].profile.user for c in candidates] == [
        near_arabic.volunteer,
        near_other.volunteer,
        far.volunteer,
    ]
    reasons = {c["label"]: c["reason"] for c in candidates[0]["criteria"]}
    assert reasons["Languages"] == "Shared languages: Arabisch, Deutsch."
    assert reasons["Distance"] == "0.0 km apart."
    assert reasons["Interests"] == "Shared interests: Reading and language."
    content = response.content.decode()
    assert content.index("Nahe Arabisch") < content.index("Nahe Englisch") < content.index("Weit")
    assert "Shared languages: Arabisch, Deutsch." in content


def test_mentee_page_says_why_no_candidates(client, coordinator, program):
    mentee = new_mentee(program)
    applicant(program)  # applied, not ready
    client.force_login(coordinator)

    response = client.get(EN + mentee_url(mentee))

    assert response.context["candidates"] == []
    assert "No candidates: no volunteer of this program is in the stage" in (
        response.content.decode()
    )


def test_mentee_page_denials(client, other_coordinator, staff_user, program):
    mentee = new_mentee(program)
    anonymous = client.get(mentee_url(mentee))
    client.force_login(other_coordinator)
    other = client.get(mentee_url(mentee))
    client.force_login(staff_user)
    staff = client.get(mentee_url(mentee))

    assert anonymous.url == login_url(mentee_url(mentee))
    assert (other.status_code, staff.status_code) == (404, 404)


def test_propose_creates_tandem_with_explanation(client, coordinator, program):
    mentee = new_mentee(program)
    ready = make_ready(applicant(program, name="Rita Bereit"))
    expected = candidates_for_mentee(mentee=mentee)[0].explanation()
    client.force_login(coordinator)

    response = client.post(
        EN + mentee_url(mentee, "vorschlagen/"), {"volunteer": ready.volunteer.pk}, follow=True
    )

    tandem = Tandem.objects.get()
    assert (tandem.mentor, tandem.mentee, tandem.status, tandem.created_by) == (
        ready.volunteer,
        mentee,
        "proposed",
        coordinator,
    )
    assert tandem.match_explanation == expected
    mentee.refresh_from_db()
    assert mentee.status == "matched"
    assert texts(response) == [f"Tandem proposed: Rita Bereit and {mentee.first_name}."]


def test_propose_unready_volunteer_is_refused_with_reason(client, coordinator, program):
    mentee = new_mentee(program)
    waiting = applicant(program)
    client.force_login(coordinator)

    response = client.post(
        EN + mentee_url(mentee, "vorschlagen/"), {"volunteer": waiting.volunteer.pk}, follow=True
    )

    assert Tandem.objects.count() == 0
    assert texts(response) == ["The volunteer is not ready for a tandem in this program yet."]


def test_propose_volunteer_of_another_program_is_404(client, coordinator, program):
    mentee = new_mentee(program)
    foreign = make_ready(applicant(ProgramFactory()))
    client.force_login(coordinator)

    response = client.post(mentee_url(mentee, "vorschlagen/"), {"volunteer": foreign.volunteer.pk})

    assert response.status_code == 404
    assert Tandem.objects.count() == 0


def test_propose_for_another_programs_mentee_is_404(client, other_coordinator, program):
    mentee = new_mentee(program)
    ready = make_ready(applicant(program))
    client.force_login(other_coordinator)

    response = client.post(mentee_url(mentee, "vorschlagen/"), {"volunteer": ready.volunteer.pk})

    assert response.status_code == 404
    assert Tandem.objects.count() == 0
    mentee.refresh_from_db()
    assert mentee.status == "waiting"


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_links_applications_and_mentees(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get("/koordination/")

    content = response.content.decode()
    assert f'href="/koordination/programme/{program.slug}/bewerbungen/"' in content
    assert f'href="/koordination/programme/{program.slug}/mentees/"' in content


def test_volunteer_without_role_gets_404(client, program):
    application = applicant(program)
    client.force_login(application.volunteer)

    response = client.get(application_url(application))

    assert response.status_code == 404


def test_post_only_actions_answer_get_with_405(client, coordinator, program):
    application = applicant(program)
    mentee = new_mentee(program)
    client.force_login(coordinator)

    statuses = [
        client.get(path).status_code
        for path in [
            application_url(application, "verschieben/"),
            application_url(application, "ablehnen/"),
            application_url(application, "notiz/"),
            mentee_url(mentee, "vorschlagen/"),
        ]
    ]

    assert statuses == [405, 405, 405, 405]


# --- Trainings, code of conduct, reverse matching, settings ------------------------------------


@pytest.mark.clock
def test_training_and_conduct_recorded_on_the_application(client, coordinator, program):
    application = applicant(program)
    client.force_login(coordinator)

    client.post(
        application_url(application, "schulung/"),
        {"title": "Grundlagenschulung", "attended_on": TODAY().isoformat()},
    )
    client.post(
        application_url(application, "verhaltenskodex/"),
        {"version": "2026", "signed_on": TODAY().isoformat()},
    )

    html = client.get(f"/en{application_url(application)}").content.decode()
    assert "Grundlagenschulung" in html
    assert "Code of conduct, version 2026" in html


@pytest.mark.clock
def test_future_training_refused_and_nothing_saved(client, coordinator, program):
    from tandems.models import Training

    application = applicant(program)
    client.force_login(coordinator)

    client.post(
        application_url(application, "schulung/"),
        {"title": "Später", "attended_on": (TODAY() + timedelta(days=3)).isoformat()},
    )

    assert Training.objects.count() == 0


@pytest.mark.clock
def test_training_on_another_programs_application_is_404(client, other_coordinator, program):
    application = applicant(program)
    client.force_login(other_coordinator)

    response = client.post(
        application_url(application, "schulung/"),
        {"title": "X", "attended_on": TODAY().isoformat()},
    )

    assert response.status_code == 404


def test_ready_volunteer_sees_fitting_mentees_and_can_propose(client, coordinator, program):
    from tandems.models import Tandem

    application = make_ready(applicant(program))
    mentee = new_mentee(program, first_name="Passt")
    client.force_login(coordinator)

    html = client.get(application_url(application)).content.decode()
    client.post(mentee_url(mentee, "vorschlagen/"), {"volunteer": application.volunteer_id})

    assert "Passt" in html
    assert Tandem.objects.get().mentee == mentee


@pytest.mark.clock
def test_coordinator_adjusts_matching_weights(client, coordinator, program):
    from tandems.services import program_tandem_settings

    client.force_login(coordinator)
    settings_url = f"/koordination/programme/{program.slug}/einstellungen/"
    data = {
        "requires_certificate": "on",
        "certificate_max_age_days": "92",
        "reinspection_years": "5",
        "privacy_notice": "Wir nutzen Ihre Angaben nur für die Vermittlung.",
        "privacy_notice_version": "2027-01",
        "weight_distance": "0",
        "weight_languages": "5",
        "weight_interests": "2",
        "weight_availability": "1",
        "weight_preferences": "1",
        "weight_waiting": "1",
        "tandem_duration_months": "9",
        "no_contact_days": "14",
        "checkin_interval_months": "2",
        "support_interval_first_year_months": "1",
        "support_interval_later_months": "3",
        "mentors_may_have_several_tandems": "on",
    }

    response = client.post(settings_url, data)

    settings = program_tandem_settings(program=program)
    assert response.status_code == 302
    assert (settings.weight_distance, settings.weight_languages) == (0, 5)
    assert settings.privacy_notice_version == "2027-01"
    assert (
        settings.tandem_duration_months,
        settings.no_contact_days,
        settings.checkin_interval_months,
        settings.mentors_may_have_several_tandems,
    ) == (9, 14, 2, True)


def test_settings_refuse_a_threshold_out_of_range_and_keep_the_old(client, coordinator, program):
    from tandems.services import program_tandem_settings

    client.force_login(coordinator)
    settings_url = f"/koordination/programme/{program.slug}/einstellungen/"
    form = client.get(settings_url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data["no_contact_days"] = "0"

    response = client.post(settings_url, data)

    assert response.status_code == 200
    assert "no_contact_days" in response.context["form"].errors
    assert program_tandem_settings(program=program).no_contact_days == 21


def test_settings_of_another_program_are_404(client, other_coordinator, program):
    client.force_login(other_coordinator)

    assert client.get(f"/koordination/programme/{program.slug}/einstellungen/").status_code == 404
