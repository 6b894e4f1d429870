"""The people side's rules: application pipeline, § 72a records, consents, mentees, matching."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tandems import services
from tandems.models import (
    Application,
    ApplicationEvent,
    ConsentRecord,
    Mentee,
    ScreeningRecord,
    Tandem,
    VolunteerProfile,
)
from tandems.selectors import candidates_for_mentee, mentees_for_volunteer
from tests.factories import ProgramFactory, UserFactory
from tests.factories.tandems import TODAY, applicant, make_ready, new_mentee, profile_for, screen

pytestmark = pytest.mark.django_db
# --- Application and pipeline ----------------------------------------------------------------


def test_application_starts_in_first_default_stage_with_consent(
    mailoutbox, django_capture_on_commit_callbacks
):
    program = ProgramFactory(name="Lesepat:innen")

    with django_capture_on_commit_callbacks(execute=True):
        application = applicant(program)

    stages = list(program.pipeline_stages.values_list("name", flat=True))
    assert stages == [
        "eingegangen",
        "Kennenlerngespräch",
        "Schulung",
        "Führungszeugnis geprüft",
        "bereit für Tandem",
    ]
    assert application.stage.name == "eingegangen"
    consent = ConsentRecord.objects.get(user=application.volunteer)
    assert (consent.scope, consent.text_version, consent.program) == ("privacy", "2026-11", program)
    assert len(mailoutbox) == 1
    assert "Lesepat:innen" in mailoutbox[0].subject


def test_second_open_application_to_same_program_refused(mailoutbox):
    program = ProgramFactory()
    application = applicant(program)

    with pytest.raises(ValidationError) as error:
        services.application_submit(
            program=program, user=application.volunteer, privacy_version="2026-11"
        )

    assert error.value.messages == ["Sie haben sich bereits bei diesem Programm beworben."]
    assert Application.objects.count() == 1


def test_profile_is_reused_for_another_program():
    first, second = ProgramFactory(), ProgramFactory()
    application = applicant(first)

    services.application_submit(program=second, user=application.volunteer, privacy_version="v1")

    assert VolunteerProfile.objects.count() == 1
    assert Application.objects.filter(volunteer=application.volunteer).count() == 2


def test_each_move_is_recorded_and_mailed_once(mailoutbox, django_capture_on_commit_callbacks):
    program = ProgramFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application = applicant(program)
    coordinator = UserFactory()
    interview = program.pipeline_stages.get(position=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_advance(application=application, stage=interview, by=coordinator)
        services.application_advance(application=application, stage=interview, by=coordinator)

    events = list(ApplicationEvent.objects.values_list("to_stage__name", "by"))
    assert events == [
        ("eingegangen", application.volunteer.pk),
        ("Kennenlerngespräch", coordinator.pk),
    ]
    assert len(mailoutbox) == 2
    assert "Kennenlerngespräch" in mailoutbox[1].body


def test_ready_stage_needs_a_valid_screening():
    program = ProgramFactory()
    application = applicant(program)
    ready = program.pipeline_stages.get(is_ready=True)

    with pytest.raises(ValidationError):
        services.application_advance(application=application, stage=ready, by=UserFactory())
    screen(application)
    services.application_advance(application=application, stage=ready, by=UserFactory())

    application.refresh_from_db()
    assert application.stage == ready


def test_stage_of_another_program_refused():
    application = applicant(ProgramFactory())
    foreign = services.pipeline_ensure_default(program=ProgramFactory())[1]

    with pytest.raises(ValidationError):
        services.application_advance(application=application, stage=foreign, by=UserFactory())


def test_reject_needs_reason_and_withdraw_closes(mailoutbox, django_capture_on_commit_callbacks):
    program = ProgramFactory()
    first, second = applicant(program), applicant(program)

    with pytest.raises(ValidationError):
        services.application_reject(application=first, reason="  ", by=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(application=first, reason="Keine passenden Zeiten.", by=None)
        services.application_withdraw(application=second, by=second.volunteer)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reason) == ("rejected", "Keine passenden Zeiten.")
    assert second.status == "withdrawn"
    assert "Keine passenden Zeiten." in mailoutbox[0].body
    with pytest.raises(ValidationError):
        services.application_withdraw(application=second, by=second.volunteer)


def test_withdrawn_volunteer_may_apply_again():
    program = ProgramFactory()
    application = applicant(program)
    services.application_withdraw(application=application, by=application.volunteer)

    again = services.application_submit(
        program=program, user=application.volunteer, privacy_version="2026-11"
    )

    assert again.status == "open"


def test_status_mail_in_the_volunteers_language(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(language="en")
    profile_for(user)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(
            program=ProgramFactory(name="Reading"), user=user, privacy_version="1"
        )

    assert mailoutbox[0].subject == "Your application to “Reading”"


# --- § 72a -------------------------------------------------------------------------------------


def test_screening_record_holds_exactly_the_allowed_fields():
    fields = {f.name for f in ScreeningRecord._meta.get_fields()}

    assert fields == {
        "id",
        "program",
        "volunteer",
        "inspected",
        "certificate_issued_on",
        "inspected_on",
        "inspected_by",
        "relevant_entry",
    }


@pytest.mark.clock
def test_certificate_older_than_three_months_refused():
    application = applicant(ProgramFactory())

    with pytest.raises(ValidationError) as error:
        screen(application, issued_days_before=93)

    assert error.value.message_dict["certificate_issued_on"] == [
        "Das Führungszeugnis war bei der Einsicht älter als 92 Tage."
    ]
    assert ScreeningRecord.objects.count() == 0


@pytest.mark.clock
def test_certificate_dates_in_the_future_refused():
    application = applicant(ProgramFactory())

    with pytest.raises(ValidationError) as error:
        screen(application, inspected_on=TODAY() + timedelta(days=1), issued_days_before=0)

    assert "inspected_on" in error.value.message_dict


@pytest.mark.clock
def test_reinspection_due_after_program_period():
    application = applicant(ProgramFactory())
    record = screen(application, inspected_on=date(2024, 2, 29))

    assert record.reinspection_due_on(years=5) == date(2029, 2, 28)
    assert record.is_valid_on(date(2029, 2, 27), years=5) is True
    assert record.is_valid_on(date(2029, 2, 28), years=5) is False


def test_relevant_entry_blocks_the_ready_stage():
    program = ProgramFactory()
    application = applicant(program)
    screen(application, relevant_entry=True)

    assert services.volunteer_is_screened(program=program, volunteer=application.volunteer) is False


def test_program_without_certificate_duty_needs_no_record():
    program = ProgramFactory()
    settings = services.program_tandem_settings(program=program)
    settings.requires_certificate = False
    settings.save()
    application = applicant(program)

    ready = program.pipeline_stages.get(is_ready=True)
    services.application_advance(application=application, stage=ready, by=UserFactory())

    assert Application.objects.get().stage == ready


# --- Mentees -------------------------------------------------------------------------------


@pytest.mark.clock
def test_minor_needs_guardian_consent():
    program = ProgramFactory()

    with pytest.raises(ValidationError) as error:
        services.mentee_register(
            mentee=Mentee(
                program=program,
                first_name="Mia",
                year_of_birth=TODAY().year - 8,
                postcode="04109",
                languages="Deutsch",
            )
        )

    assert "guardian_name" in error.value.message_dict
    assert Mentee.objects.count() == 0


@pytest.mark.clock
def test_mentee_registered_with_consent_and_location():
    mentee = new_mentee(ProgramFactory())

    assert mentee.status == "waiting"
    assert mentee.waiting_since == TODAY()
    assert round(mentee.latitude) == 51
    consent = ConsentRecord.objects.get(mentee=mentee)
    assert (consent.scope, consent.text_version) == ("guardian", "eltern-2026")


@pytest.mark.clock
def test_reminder_email_needs_consent():
    with pytest.raises(ValidationError):
        services.mentee_register(
            mentee=Mentee(
                program=ProgramFactory(),
                first_name="Sam",
                year_of_birth=1990,
                postcode="04109",
                languages="Deutsch",
                reminder_email="sam@example.org",
            )
        )


# --- Matching --------------------------------------------------------------------------------


def test_nearest_same_language_candidate_ranks_first_and_says_why():
    program = ProgramFactory()
    mentee = new_mentee(program, interests=["lesen-und-sprache"], availability=["mo-nachmittag"])
    near_arabic = make_ready(
        applicant(
            program,
            postcode="04109",
            languages="Arabisch, Deutsch",
            interests=["lesen-und-sprache"],
        )
    )
    far = make_ready(applicant(program, postcode="04600", languages="Englisch"))
    near_other = make_ready(applicant(program, postcode="04177", languages="Englisch"))

    ranking = candidates_for_mentee(mentee=mentee)

    assert [m.profile.user for m in ranking] == [
        near_arabic.volunteer,
        near_other.volunteer,
        far.volunteer,
    ]
    reasons = {c["criterion"]: c["reason"] for c in ranking[0].explanation()}
    assert reasons["languages"] == "Gemeinsame Sprachen: Arabisch, Deutsch."
    assert reasons["distance"] == "0,0 km voneinander entfernt."
    assert reasons["interests"] == "Gemeinsame Interessen: Lesen und Sprache."


def test_weights_change_the_ranking():
    program = ProgramFactory()
    mentee = new_mentee(program)
    near = make_ready(applicant(program, postcode="04109", languages="Englisch"))
    speaks = make_ready(applicant(program, postcode="04600", languages="Arabisch"))
    settings = services.program_tandem_settings(program=program)
    settings.weight_distance, settings.weight_languages = 0, 5
    settings.save()

    ranking = candidates_for_mentee(mentee=mentee)

    assert [m.profile.user for m in ranking] == [speaks.volunteer, near.volunteer]


def test_only_ready_screened_volunteers_are_candidates():
    program = ProgramFactory()
    mentee = new_mentee(program)
    ready = make_ready(applicant(program))
    applicant(program)  # still in the first stage

    assert [m.profile.user for m in candidates_for_mentee(mentee=mentee)] == [ready.volunteer]


def test_reverse_view_ranks_mentees_for_a_volunteer():
    program = ProgramFactory()
    near = new_mentee(program, first_name="Nah", postcode="04109")
    far = new_mentee(program, first_name="Fern", postcode="04600")
    profile = make_ready(applicant(program)).volunteer.volunteer_profile

    assert [m.mentee for m in mentees_for_volunteer(program=program, profile=profile)] == [
        near,
        far,
    ]


def test_confirmed_match_creates_proposed_tandem_with_explanation():
    program = ProgramFactory()
    mentee = new_mentee(program)
    application = make_ready(applicant(program))
    [best] = candidates_for_mentee(mentee=mentee)

    tandem = services.tandem_propose(
        mentee=mentee,
        volunteer=application.volunteer,
        by=UserFactory(),
        explanation=best.explanation(),
    )

    mentee.refresh_from_db()
    assert tandem.status == Tandem.Status.PROPOSED
    assert mentee.status == Mentee.Status.MATCHED
    assert [c["criterion"] for c in tandem.match_explanation][:2] == ["distance", "languages"]


def test_matching_an_unscreened_volunteer_is_refused_with_reason():
    program = ProgramFactory()
    mentee = new_mentee(program)
    application = applicant(program)

    with pytest.raises(ValidationError) as error:
        services.tandem_propose(mentee=mentee, volunteer=application.volunteer, by=UserFactory())

    assert error.value.messages == [
        "Die freiwillige Person ist in diesem Programm noch nicht bereit für ein Tandem."
    ]
    assert Tandem.objects.count() == 0


def test_staff_see_counts_not_records(client):
    program = ProgramFactory()
    new_mentee(program, first_name="Geheim")
    applicant(program, name="Auch Geheim")
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/koordination/")

    html = response.content.decode()
    assert response.context["network_counts"]["waiting_mentees"] == 1
    assert response.context["network_counts"]["open_applications"] == 1
    assert "Geheim" not in html
