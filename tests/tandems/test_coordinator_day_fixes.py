"""Defects found walking through a coordinator's day ([2.4] item 8), each pinned by a test."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tandems.matching import _availability
from tandems.models import Application, CheckIn, Tandem
from tandems.selectors import candidates_for_mentee
from tandems.services import program_tandem_settings
from tests.factories import EventFactory, ProgramFactory
from tests.factories.tandems import applicant, make_checkin, make_ready, make_tandem, new_mentee

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def busy_mentor(program):
    """A ready, screened volunteer who already accompanies a running tandem of the program."""
    application = make_ready(applicant(program, name="Mira Mentorin"))
    make_tandem(
        program,
        Tandem.Status.ACTIVE,
        started_on=TODAY() - timedelta(days=30),
        mentor=application.volunteer,
    )
    return application


def test_checkins_due_list_links_only_check_ins_the_coordinator_answers(
    client, coordinator, program
):
    tandem = make_tandem(program, Tandem.Status.ACTIVE, started_on=TODAY() - timedelta(days=200))
    due = {"due_on": TODAY() - timedelta(days=3), "occasion": CheckIn.Occasion.REGULAR}
    mentee_checkin = CheckIn.objects.create(tandem=tandem, respondent="mentee", **due)
    mentor_checkin = CheckIn.objects.create(tandem=tandem, respondent="mentor", **due)
    client.force_login(coordinator)

    html = client.get(
        f"/koordination/programme/{program.slug}/handlungsbedarf/checkins-faellig/"
    ).content.decode()

    assert f"/koordination/checkins/{mentee_checkin.pk}/" in html
    assert f"/koordination/checkins/{mentor_checkin.pk}/" not in html
    assert client.get(f"/koordination/checkins/{mentee_checkin.pk}/").status_code == 200


def test_a_busy_mentor_is_no_candidate_when_the_program_allows_one_tandem(program):
    busy_mentor(program)
    free = make_ready(applicant(program, name="Frida Frei"))
    mentee = new_mentee(program)

    names = [match.profile.name for match in candidates_for_mentee(mentee=mentee)]

    assert names == ["Frida Frei"]
    assert free.volunteer.volunteer_profile.name == "Frida Frei"


def test_a_busy_mentor_stays_a_candidate_where_several_tandems_are_allowed(program):
    settings = program_tandem_settings(program=program)
    settings.mentors_may_have_several_tandems = True
    settings.save()
    busy_mentor(program)

    names = [match.profile.name for match in candidates_for_mentee(mentee=new_mentee(program))]

    assert names == ["Mira Mentorin"]


def test_the_busy_mentors_application_says_why_no_mentee_is_offered(client, coordinator, program):
    application = busy_mentor(program)
    new_mentee(program, first_name="Samira")
    client.force_login(coordinator)

    html = client.get(f"/koordination/bewerbungen/{application.pk}/").content.decode()

    assert "bereits eine:n Mentee in diesem Programm" in html
    assert "Samira" not in html


def test_an_active_mentor_cannot_withdraw_and_is_told_why(client, program):
    application = busy_mentor(program)
    client.force_login(application.volunteer)

    page = client.get("/mein-bereich/").content.decode()
    response = client.post(
        f"/mein-bereich/bewerbungen/{application.pk}/zurueckziehen/", follow=True
    )

    assert "Bewerbung zurückziehen" not in page
    assert "Sie begleiten ein Tandem in diesem Programm" in page
    assert Application.objects.get(pk=application.pk).status == Application.Status.OPEN
    assert "Sie begleiten ein Tandem in diesem Programm" in response.content.decode()


def test_the_mentee_page_names_the_tandem_by_the_mentors_name(client, coordinator, program):
    application = busy_mentor(program)
    mentee = Tandem.objects.get().mentee
    client.force_login(coordinator)

    html = client.get(f"/koordination/mentees/{mentee.pk}/").content.decode()

    assert "Mira Mentorin: " in html
    assert application.volunteer.email not in html


def test_more_events_of_the_network_in_good_german(client):
    network_event = EventFactory(program=None, title="Netzwerktreffen Herbst")
    EventFactory(program=None, title="Netzwerktreffen Winter")
    program_event = EventFactory(program=ProgramFactory(name="Lesepaten Halle"))
    EventFactory(program=program_event.program)

    network = client.get(network_event.get_absolute_url()).content.decode()
    of_program = client.get(program_event.get_absolute_url()).content.decode()

    assert "Weitere Veranstaltungen des Netzwerks" in network
    assert "von das Netzwerk" not in network
    assert "Weitere Veranstaltungen von Lesepaten Halle" in of_program


@pytest.mark.parametrize(
    ("shared", "sentence"),
    [(1, "1 gemeinsame Zeit für Treffen."), (2, "2 gemeinsame Zeiten für Treffen.")],
)
def test_common_times_counted_in_good_german(program, shared, sentence):
    profile = applicant(program).volunteer.volunteer_profile
    mentee = new_mentee(program)
    slots = ["mo-nachmittag", "mi-nachmittag"][:shared]
    profile.availability, mentee.availability = slots, slots

    assert _availability(profile, mentee, 1).reason == sentence


def test_closing_check_in_of_a_mentor_is_not_linked_either(client, coordinator, program):
    """The fix holds for the closing check-ins of ended tandems too."""
    tandem = make_tandem(
        program,
        Tandem.Status.CLOSED,
        started_on=TODAY() - timedelta(days=300),
        ended_on=TODAY() - timedelta(days=2),
        end_reason=Tandem.EndReason.COMPLETED,
    )
    closing = CheckIn.objects.create(
        tandem=tandem, respondent="mentor", occasion=CheckIn.Occasion.CLOSURE, due_on=TODAY()
    )
    make_checkin(
        tandem, "mentee", CheckIn.Occasion.START, TODAY() - timedelta(days=300), 3, (3, 3, 3), 3
    )
    client.force_login(coordinator)

    html = client.get(
        f"/koordination/programme/{program.slug}/handlungsbedarf/checkins-faellig/"
    ).content.decode()

    assert tandem.mentee.first_name in html
    assert f"/koordination/checkins/{closing.pk}/" not in html


@pytest.mark.parametrize("digit", ["²", "٣", "１"])
def test_digits_that_are_not_ascii_are_refused_not_a_500(client, coordinator, program, digit):
    """str.isdigit() is true for "²", "٣" and "１", which int() or the database refuse: found by
    fuzzing the application form; the same check guarded an id and a page number."""
    mentee = new_mentee(program)
    client.force_login(coordinator)

    propose = client.post(
        f"/koordination/mentees/{mentee.pk}/vorschlagen/", {"volunteer": f"1{digit}"}
    )
    listing = client.get("/programme/", {"page": digit})
    todo = client.get("/koordination/aufgaben/neu/", {"mentee": digit})

    assert propose.status_code == 404
    assert listing.status_code == 200
    assert todo.status_code == 404  # as for "abc": not an id
    assert Tandem.objects.count() == 0


def test_my_area_lists_the_phone_among_what_the_portal_stores(client, program):
    application = applicant(program, name="Mira Mentorin", phone="0341 555 12 34")
    client.force_login(application.volunteer)

    html = client.get("/mein-bereich/").content.decode()

    assert "<dt>Telefon</dt><dd>0341 555 12 34</dd>" in html


def test_the_message_form_asks_to_whom_not_until_when(client, coordinator, program):
    client.force_login(coordinator)

    html = client.get(f"/koordination/programme/{program.slug}/nachricht/").content.decode()

    assert ">An" in html
    assert ">Bis" not in html
