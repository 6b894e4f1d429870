"""The mentor's screens: my area, tandem page, logging and planning meetings, goals, check-ins."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.models import ProgramCoordinator
from tandems import services
from tandems.models import CHECKIN_ITEMS, CheckIn, Goal, Meeting, Mentee, Tandem
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory, running_tandem
from tests.factories.tandems import applicant, make_ready, new_mentee

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = timezone.localdate
EN = "/en"


@pytest.fixture
def tandem(program):
    return running_tandem(
        program,
        mentee_name="Ali",
        preferred_weekday="di",
        preferred_time=time(16, 30),
    )


@pytest.fixture
def mentor(tandem):
    return tandem.mentor


@pytest.fixture
def other_mentor(db):
    """The mentor of a tandem in another program."""
    return running_tandem(ProgramFactory(), mentee_name="Zoe").mentor


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def login_url(path: str) -> str:
    return f"/konto/login/?next={path}"


def tandem_path(tandem, suffix="") -> str:
    return f"/mein-bereich/tandems/{tandem.pk}/{suffix}"


def meeting_path(meeting, suffix="") -> str:
    return f"/mein-bereich/treffen/{meeting.pk}/{suffix}"


def plan(tandem, *, days=7, start=time(17, 0), end=time(18, 30), **kwargs) -> Meeting:
    return lifecycle.meeting_plan(
        tandem=tandem,
        by=tandem.mentor,
        day=TODAY() + timedelta(days=days),
        start=start,
        end=end,
        **kwargs,
    )


def past_planned(tandem, *, days_ago=2, at=time(15, 0)) -> Meeting:
    """A planned meeting that lies in the past and waits to be logged."""
    return Meeting.objects.create(
        tandem=tandem,
        starts_at=lifecycle.local_datetime(TODAY() - timedelta(days=days_ago), at),
        duration_minutes=45,
        created_by=tandem.mentor,
    )


def log_data(**overrides) -> dict:
    data = {
        "day": TODAY().isoformat(),
        "status": "held",
        "duration": "60",
        "other_minutes": "",
        "activity": "reading",
        "note": "Wir haben gelesen.",
    }
    data.update(overrides)
    return data


def bulk_tandems(mentor, program, count: int) -> None:
    """`count` more active tandems of `mentor`, each with meetings, goals and due check-ins."""
    mentees = Mentee.objects.bulk_create(
        Mentee(
            program=program,
            first_name=f"Kind {n}",
            year_of_birth=TODAY().year - 10,
            postcode="04109",
            languages="Deutsch",
            status=Mentee.Status.MATCHED,
        )
        for n in range(count)
    )
    tandems = Tandem.objects.bulk_create(
        Tandem(
            program=program,
            mentor=mentor,
            mentee=mentee,
            status=Tandem.Status.ACTIVE,
            started_on=TODAY() - timedelta(days=30),
            planned_end_on=TODAY() + timedelta(days=300),
        )
        for mentee in mentees
    )
    bulk_meetings(tandems, 5)
    Goal.objects.bulk_create(Goal(tandem=t, title="Lesen", progress=50) for t in tandems)
    CheckIn.objects.bulk_create(
        CheckIn(tandem=t, respondent=r, occasion="start", due_on=TODAY() - timedelta(days=30))
        for t in tandems
        for r in ("mentor", "mentee")
    )


def bulk_meetings(tandems, per_tandem: int) -> None:
    now = timezone.now()
    Meeting.objects.bulk_create(
        Meeting(
            tandem=tandem,
            status=status,
            starts_at=now + timedelta(days=sign * (n + 1)),
            duration_minutes=60,
            activity="talk" if status == "held" else "",
            note="Notiz",
        )
        for tandem in tandems
        for n in range(per_tandem)
        for sign, status in ((1, "planned"), (-1, "held"))
    )


# --- My area ---------------------------------------------------------------------------------


@pytest.mark.clock
def test_my_area_shows_the_running_tandem(client, tandem, program):
    program.contact_name = "Kim Koordination"
    program.contact_email = "kontakt@example.org"
    program.contact_phone = "0341 123456"
    program.save()
    coordinator = ProgramCoordinatorFactory(program=program, user__name="Petra Programm").user
    meeting = plan(tandem, days=3, start=time(18, 15), end=time(19, 0), place="Bibliothek")
    lifecycle.goal_add(tandem=tandem, title="Jeden Tag lesen")
    client.force_login(tandem.mentor)

    response = client.get(f"{EN}/mein-bereich/")

    assert response.status_code == 200
    [shown] = response.context["current_tandems"]
    assert shown == tandem
    assert shown.upcoming_meetings == [meeting]
    assert [(c.respondent, c.occasion) for c in shown.due] == [
        ("mentee", "start"),
        ("mentor", "start"),
    ]
    content = response.content.decode()
    assert "With Ali" in content
    assert program.name in content
    assert "18:15" in content  # 18:15 in Berlin, whatever the UTC offset
    assert "Bibliothek" in content
    assert f'href="{EN}{tandem_path(tandem, "treffen/eintragen/")}"' in content
    assert "Jeden Tag lesen" in content
    assert "Kim Koordination" in content
    assert 'href="mailto:kontakt@example.org"' in content
    assert 'href="tel:0341123456"' in content
    assert f'href="mailto:{coordinator.email}"' in content
    assert "Petra Programm" in content
    for checkin in shown.due:
        assert f'href="{EN}/mein-bereich/checkins/{checkin.pk}/"' in content
    assert f'href="{EN}/mein-bereich/meine-daten/"' in content


def test_my_area_shows_profile_data_and_applications_without_tandem(client, program):
    application = applicant(program, name="Vera Volunteer", languages="Deutsch, Polnisch")
    client.force_login(application.volunteer)

    response = client.get(f"{EN}/mein-bereich/")

    assert response.status_code == 200
    assert response.context["current_tandems"] == []
    assert list(response.context["applications"]) == [application]
    content = response.content.decode()
    assert "Deutsch, Polnisch" in content
    assert "Vera Volunteer" in content
    assert "Log a meeting" not in content


def test_my_area_hides_a_proposed_tandem(client, program):
    application = make_ready(applicant(program))
    services.tandem_propose(
        mentee=new_mentee(program), volunteer=application.volunteer, by=UserFactory()
    )
    client.force_login(application.volunteer)

    response = client.get(f"{EN}/mein-bereich/")

    assert response.context["current_tandems"] == []
    assert "Log a meeting" not in response.content.decode()


@pytest.mark.clock
def test_my_area_lists_an_ended_tandem_without_log_button(client, tandem):
    lifecycle.tandem_end(tandem=tandem, by=UserFactory(), ended_on=TODAY(), reason="completed")
    client.force_login(tandem.mentor)

    response = client.get(f"{EN}/mein-bereich/")

    assert response.context["current_tandems"] == []
    assert response.context["ended_tandems"] == [tandem]
    assert f"{tandem_path(tandem)}treffen/eintragen/" not in response.content.decode()


def test_my_area_anonymous_redirects_to_login(client):
    response = client.get("/mein-bereich/")

    assert response.status_code == 302
    assert response.url == login_url("/mein-bereich/")


def test_my_area_query_count_is_the_same_for_one_and_many_tandems(client, tandem, program):
    settings = services.program_tandem_settings(program=program)
    settings.mentors_may_have_several_tandems = True
    settings.save()
    bulk_meetings([tandem], 2)
    client.force_login(tandem.mentor)
    client.get("/mein-bereich/")
    with CaptureQueriesContext(connection) as one:
        client.get("/mein-bereich/")
    bulk_tandems(tandem.mentor, program, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/mein-bereich/")

    assert len(response.context["current_tandems"]) == 31
    assert len(many) == len(one)


# --- The mentor's tandem page ----------------------------------------------------------------


@pytest.mark.clock
def test_tandem_page_lists_meetings_goals_checkins_and_feed(client, tandem):
    upcoming = plan(tandem, days=5, place="Stadtteilzentrum")
    to_log = past_planned(tandem)
    held = lifecycle.meeting_log(
        tandem=tandem,
        by=tandem.mentor,
        day=TODAY(),
        status="held",
        duration_minutes=90,
        activity="games",
        note="Uno gespielt",
    )
    goal = lifecycle.goal_add(tandem=tandem, title="Schwimmen lernen")
    feed = lifecycle.calendar_feed_for(user=tandem.mentor)
    client.force_login(tandem.mentor)

    response = client.get(EN + tandem_path(tandem))

    assert response.status_code == 200
    assert response.context["upcoming"] == [upcoming]
    assert response.context["to_log"] == [to_log]
    assert list(response.context["logged"]) == [held]
    assert [g for g, _form in response.context["goals"]] == [goal]
    assert len(response.context["checkins"]) == 2
    content = response.content.decode()
    assert f'href="{EN}/mein-bereich/treffen/{upcoming.pk}.ics"' in content
    assert f'action="{EN}{meeting_path(upcoming, "absagen/")}"' in content
    assert f'href="{EN}{meeting_path(to_log, "eintragen/")}"' in content
    assert "Uno gespielt" in content
    assert "90 min" in content
    assert "playing games" in content
    assert f'action="{EN}/mein-bereich/ziele/{goal.pk}/"' in content
    assert response.context["feed_url"].endswith(f"/mein-bereich/kalender/{feed.token}.ics")
    assert f'value="{response.context["feed_url"]}" readonly' in content
    assert f'action="{EN}/mein-bereich/kalender/erneuern/"' in content
    assert f'action="{EN}/mein-bereich/kalender/abschalten/"' in content


def test_tandem_page_feed_address_uses_site_url(client, tandem, settings):
    settings.SITE_URL = "https://mentoring.example.org"
    feed = lifecycle.calendar_feed_for(user=tandem.mentor)
    client.force_login(tandem.mentor)

    response = client.get(EN + tandem_path(tandem))

    assert response.context["feed_url"] == (
        f"https://mentoring.example.org/mein-bereich/kalender/{feed.token}.ics"
    )


def test_tandem_page_without_feed_offers_to_create_one(client, tandem):
    client.force_login(tandem.mentor)

    response = client.get(EN + tandem_path(tandem))

    assert response.context["feed"] is None
    assert "Create my calendar address" in response.content.decode()


@pytest.mark.clock
def test_tandem_page_of_ended_tandem_is_read_only(client, tandem):
    plan(tandem, days=30)  # planned, then cancelled by the end
    lifecycle.tandem_end(tandem=tandem, by=UserFactory(), ended_on=TODAY(), reason="mismatch")
    client.force_login(tandem.mentor)

    response = client.get(EN + tandem_path(tandem))

    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert response.context["goal_form"] is None
    assert "treffen/eintragen/" not in response.content.decode()


@pytest.mark.parametrize("who", ["other_mentor", "coordinator", "staff_user", "user"])
def test_tandem_page_for_anyone_but_the_mentor_is_404(client, tandem, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(tandem_path(tandem))

    assert response.status_code == 404


def test_tandem_page_of_a_proposed_tandem_is_404_for_its_mentor(client, program):
    application = make_ready(applicant(program))
    proposed = services.tandem_propose(
        mentee=new_mentee(program), volunteer=application.volunteer, by=UserFactory()
    )
    client.force_login(application.volunteer)

    response = client.get(tandem_path(proposed))

    assert response.status_code == 404


def test_tandem_page_anonymous_redirects_to_login(client, tandem):
    response = client.get(tandem_path(tandem))

    assert response.status_code == 302
    assert response.url == login_url(tandem_path(tandem))


@pytest.mark.clock
def test_tandem_page_query_count_is_the_same_for_one_and_many_meetings(client, tandem):
    bulk_meetings([tandem], 1)
    lifecycle.goal_add(tandem=tandem, title="Lesen")
    lifecycle.calendar_feed_for(user=tandem.mentor)
    client.force_login(tandem.mentor)
    client.get(tandem_path(tandem))
    with CaptureQueriesContext(connection) as one:
        client.get(tandem_path(tandem))
    bulk_meetings([tandem], 200)
    for number in range(5):
        lifecycle.goal_add(tandem=tandem, title=f"Ziel {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(tandem_path(tandem))

    assert len(response.context["upcoming"]) == 201
    assert response.context["page_obj"].paginator.count == 201
    assert len(response.context["logged"]) == 20
    assert len(many) == len(one)


# --- Logging a meeting -----------------------------------------------------------------------


@pytest.mark.clock
def test_log_form_defaults_to_today_held_and_an_hour(client, tandem):
    client.force_login(tandem.mentor)

    response = client.get(EN + tandem_path(tandem, "treffen/eintragen/"))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["day"].value(), form["status"].value(), form["duration"].value()) == (
        TODAY(),
        "held",
        60,
    )
    content = response.content.decode()
    assert f'max="{TODAY().isoformat()}"' in content
    assert content.count('type="radio" name="status"') == 3
    assert content.count('type="radio" name="activity"') == len(Meeting.Activity.values)


@pytest.mark.clock
def test_log_new_meeting_redirects_to_my_area_with_message(client, tandem):
    client.force_login(tandem.mentor)

    response = client.post(
        EN + tandem_path(tandem, "treffen/eintragen/"), log_data(duration="90"), follow=True
    )

    assert response.redirect_chain == [(f"{EN}/mein-bereich/", 302)]
    assert texts(response) == ["Thank you! The meeting has been logged."]
    meeting = Meeting.objects.get(tandem=tandem)
    assert (meeting.status, meeting.duration_minutes, meeting.activity, meeting.note) == (
        "held",
        90,
        "reading",
        "Wir haben gelesen.",
    )
    assert timezone.localtime(meeting.starts_at).time() == time(16, 30)  # the tandem's time
    assert (meeting.logged_by, meeting.created_by) == (tandem.mentor, tandem.mentor)
    tandem.refresh_from_db()
    assert tandem.last_contact_on == TODAY()


def test_log_meeting_other_minutes_win_over_the_choice(client, tandem):
    client.force_login(tandem.mentor)

    client.post(tandem_path(tandem, "treffen/eintragen/"), log_data(other_minutes="200"))

    assert Meeting.objects.get(tandem=tandem).duration_minutes == 200


def test_log_cancelled_meeting_without_activity(client, tandem):
    client.force_login(tandem.mentor)

    client.post(
        tandem_path(tandem, "treffen/eintragen/"),
        log_data(status="cancelled", activity="", note=""),
    )

    meeting = Meeting.objects.get(tandem=tandem)
    assert (meeting.status, meeting.activity) == ("cancelled", "")
    tandem.refresh_from_db()
    assert tandem.last_contact_on is None


@pytest.mark.clock
def test_log_planned_meeting_is_prefilled_and_keeps_its_time(client, program):
    tandem = running_tandem(program, started_on=TODAY() - timedelta(days=10))
    meeting = past_planned(tandem, days_ago=1, at=time(15, 10))
    client.force_login(tandem.mentor)

    form = client.get(EN + meeting_path(meeting, "eintragen/")).context["form"]
    response = client.post(
        meeting_path(meeting, "eintragen/"),
        log_data(day=form["day"].value().isoformat(), duration="", other_minutes="45"),
    )

    assert (form["day"].value(), form["other_minutes"].value()) == (
        TODAY() - timedelta(days=1),
        None,
    )
    assert form["duration"].value() == 45
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence, meeting.duration_minutes) == ("held", 1, 45)
    assert timezone.localtime(meeting.starts_at).time() == time(15, 10)
    assert Meeting.objects.count() == 1


@pytest.mark.clock
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"duration": "", "other_minutes": "0"}, "other_minutes"),
        ({"duration": "0"}, "duration"),
        ({"duration": "", "other_minutes": "1441"}, "other_minutes"),
        ({"duration": "", "other_minutes": ""}, "duration"),
        ({"day": (TODAY() - timedelta(days=730)).isoformat()}, "day"),
        ({"day": (TODAY() + timedelta(days=730)).isoformat()}, "day"),
        ({"day": (TODAY() + timedelta(days=1)).isoformat()}, "day"),
        ({"day": "31.02.2026"}, "day"),
        ({"status": "planned"}, "status"),
        ({"activity": "<script>"}, "activity"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_log_meeting_bad_input_changes_nothing(client, tandem, overrides, field):
    client.force_login(tandem.mentor)

    response = client.post(EN + tandem_path(tandem, "treffen/eintragen/"), log_data(**overrides))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Meeting.objects.count() == 0
    tandem.refresh_from_db()
    assert tandem.last_contact_on is None


@pytest.mark.clock
def test_log_meeting_before_the_tandem_started_is_refused(client, program):
    tandem = running_tandem(program, started_on=TODAY() - timedelta(days=5))
    client.force_login(tandem.mentor)

    response = client.post(
        EN + tandem_path(tandem, "treffen/eintragen/"),
        log_data(day=(TODAY() - timedelta(days=6)).isoformat()),
    )

    assert response.context["form"].errors == {
        "day": ["The tandem had not started on this day yet."]
    }
    assert Meeting.objects.count() == 0


def test_log_meeting_of_another_mentors_tandem_is_404(client, tandem, other_mentor):
    meeting = past_planned(tandem)
    client.force_login(other_mentor)

    new = client.post(tandem_path(tandem, "treffen/eintragen/"), log_data())
    planned = client.post(meeting_path(meeting, "eintragen/"), log_data())

    assert (new.status_code, planned.status_code) == (404, 404)
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    assert Meeting.objects.count() == 1


def test_log_meeting_of_an_unknown_id_is_404(client, mentor):
    client.force_login(mentor)

    response = client.post("/mein-bereich/treffen/999999/eintragen/", log_data())

    assert response.status_code == 404


@pytest.mark.clock
def test_log_meeting_twice_is_refused(client, tandem):
    meeting = past_planned(tandem)
    lifecycle.meeting_log(
        tandem=tandem, by=tandem.mentor, day=TODAY(), status="missed", meeting=meeting
    )
    client.force_login(tandem.mentor)

    response = client.post(EN + meeting_path(meeting, "eintragen/"), log_data(), follow=True)

    assert response.redirect_chain == [(EN + tandem_path(tandem), 302)]
    assert texts(response) == ["This meeting has already been logged."]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("missed", 1)


@pytest.mark.clock
def test_log_meeting_on_an_ended_tandem_is_refused(client, tandem):
    lifecycle.tandem_end(tandem=tandem, by=UserFactory(), ended_on=TODAY(), reason="completed")
    client.force_login(tandem.mentor)

    response = client.post(EN + tandem_path(tandem, "treffen/eintragen/"), log_data(), follow=True)

    assert response.redirect_chain == [(EN + tandem_path(tandem), 302)]
    assert texts(response) == ["This tandem has ended; nothing can be changed any more."]
    assert Meeting.objects.count() == 0


def test_log_meeting_of_a_paused_tandem_is_allowed(client, tandem):
    lifecycle.tandem_pause(tandem=tandem, by=UserFactory())
    client.force_login(tandem.mentor)

    response = client.post(tandem_path(tandem, "treffen/eintragen/"), log_data())

    assert response.status_code == 302
    assert Meeting.objects.filter(tandem=tandem, status="held").count() == 1


def test_log_form_anonymous_redirects_to_login(client, tandem):
    path = tandem_path(tandem, "treffen/eintragen/")

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == login_url(path)


# --- Planning and cancelling -----------------------------------------------------------------


def plan_data(**overrides) -> dict:
    data = {
        "kind": "one",
        "day": (TODAY() + timedelta(days=10)).isoformat(),
        "start": "17:45",
        "end": "19:00",
        "place": "Stadtbibliothek",
        "online": "",
        "note": "Ausweis mitbringen",
    }
    data.update(overrides)
    return data


@pytest.mark.clock
def test_plan_one_meeting_in_local_time(client, tandem):
    client.force_login(tandem.mentor)

    response = client.post(EN + tandem_path(tandem, "treffen/planen/"), plan_data(), follow=True)

    assert response.redirect_chain == [(EN + tandem_path(tandem), 302)]
    meeting = Meeting.objects.get(tandem=tandem)
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.time(), meeting.duration_minutes) == (
        TODAY() + timedelta(days=10),
        time(17, 45),
        75,
    )
    assert (meeting.status, meeting.place, meeting.note) == (
        "planned",
        "Stadtbibliothek",
        "Ausweis mitbringen",
    )
    assert len(texts(response)) == 1


@pytest.mark.clock
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": "18:00", "end": "17:00"}, "end"),
        ({"start": "18:00", "end": "18:00"}, "end"),
        ({"day": (TODAY() + timedelta(days=730)).isoformat()}, "day"),
        ({"day": (TODAY() - timedelta(days=730)).isoformat()}, "day"),
        ({"day": (TODAY() - timedelta(days=1)).isoformat()}, "day"),
        ({"start": "25:00"}, "start"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_plan_one_meeting_bad_input_changes_nothing(client, tandem, overrides, field):
    client.force_login(tandem.mentor)

    response = client.post(EN + tandem_path(tandem, "treffen/planen/"), plan_data(**overrides))

    assert response.status_code == 200
    assert list(response.context["one_form"].errors) == [field]
    assert Meeting.objects.count() == 0


@pytest.mark.clock
def test_plan_from_rhythm_creates_the_weekly_meetings(client, tandem):
    client.force_login(tandem.mentor)

    response = client.post(
        EN + tandem_path(tandem, "treffen/planen/"),
        {"kind": "rhythm", "weeks": "4", "duration_minutes": "90", "place": "Park"},
        follow=True,
    )

    meetings = list(Meeting.objects.filter(tandem=tandem).order_by("starts_at"))
    assert texts(response) == ["4 meetings have been planned."]
    assert [timezone.localtime(m.starts_at).weekday() for m in meetings] == [1, 1, 1, 1]
    assert {timezone.localtime(m.starts_at).time() for m in meetings} == {time(16, 30)}
    assert {(m.duration_minutes, m.place) for m in meetings} == {(90, "Park")}


@pytest.mark.clock
def test_plan_from_rhythm_twice_plans_nothing_new(client, tandem):
    client.force_login(tandem.mentor)
    data = {"kind": "rhythm", "weeks": "2", "duration_minutes": "60", "place": ""}
    client.post(tandem_path(tandem, "treffen/planen/"), data, follow=True)

    response = client.post(EN + tandem_path(tandem, "treffen/planen/"), data, follow=True)

    assert texts(response) == ["All these days already have a meeting; nothing new was planned."]
    assert Meeting.objects.count() == 2


@pytest.mark.clock
@pytest.mark.parametrize("weeks", ["0", "27", "-1", "viele"])
def test_plan_from_rhythm_bad_weeks_changes_nothing(client, tandem, weeks):
    client.force_login(tandem.mentor)

    response = client.post(
        EN + tandem_path(tandem, "treffen/planen/"),
        {"kind": "rhythm", "weeks": weeks, "duration_minutes": "60"},
    )

    assert list(response.context["rhythm_form"].errors) == ["weeks"]
    assert Meeting.objects.count() == 0


@pytest.mark.clock
def test_plan_page_explains_a_missing_rhythm_and_refuses_it(client, program):
    tandem = running_tandem(program)
    client.force_login(tandem.mentor)

    page = client.get(EN + tandem_path(tandem, "treffen/planen/"))
    response = client.post(
        EN + tandem_path(tandem, "treffen/planen/"),
        {"kind": "rhythm", "weeks": "4", "duration_minutes": "60"},
    )

    assert page.context["has_rhythm"] is False
    assert "no regular weekday and time yet" in page.content.decode()
    assert response.context["rhythm_form"].non_field_errors() == [
        "Set a preferred weekday and time for the tandem first."
    ]
    assert Meeting.objects.count() == 0


def test_plan_page_of_a_paused_tandem_explains_and_refuses(client, tandem):
    lifecycle.tandem_pause(tandem=tandem, by=UserFactory())
    client.force_login(tandem.mentor)

    page = client.get(EN + tandem_path(tandem, "treffen/planen/"))
    response = client.post(EN + tandem_path(tandem, "treffen/planen/"), plan_data())

    assert page.context["can_plan"] is False
    assert response.context["one_form"].non_field_errors() == [
        "Meetings can be planned only for an active tandem."
    ]
    assert Meeting.objects.count() == 0


def test_plan_page_of_another_mentor_is_404(client, tandem, other_mentor):
    client.force_login(other_mentor)

    get = client.get(tandem_path(tandem, "treffen/planen/"))
    post = client.post(tandem_path(tandem, "treffen/planen/"), plan_data())

    assert (get.status_code, post.status_code) == (404, 404)
    assert Meeting.objects.count() == 0


def test_cancel_planned_meeting_raises_sequence(client, tandem):
    meeting = plan(tandem)
    client.force_login(tandem.mentor)

    response = client.post(EN + meeting_path(meeting, "absagen/"), follow=True)

    assert response.redirect_chain == [(EN + tandem_path(tandem), 302)]
    assert texts(response) == ["The meeting has been cancelled."]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)


@pytest.mark.clock
def test_cancel_a_logged_meeting_is_refused(client, tandem):
    meeting = lifecycle.meeting_log(tandem=tandem, by=tandem.mentor, day=TODAY(), status="held")
    client.force_login(tandem.mentor)

    response = client.post(EN + meeting_path(meeting, "absagen/"), follow=True)

    assert texts(response) == ["Only a planned meeting can be cancelled."]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("held", 0)


def test_cancel_meeting_of_another_mentor_is_404_and_get_is_405(client, tandem, other_mentor):
    meeting = plan(tandem)
    client.force_login(other_mentor)

    post = client.post(meeting_path(meeting, "absagen/"))
    client.force_login(tandem.mentor)
    get = client.get(meeting_path(meeting, "absagen/"))

    assert (post.status_code, get.status_code) == (404, 405)
    meeting.refresh_from_db()
    assert meeting.status == "planned"


# --- Goals -----------------------------------------------------------------------------------


def test_add_goal_and_set_its_progress(client, tandem):
    client.force_login(tandem.mentor)

    added = client.post(
        EN + tandem_path(tandem, "ziele/"), {"title": "Fahrrad fahren"}, follow=True
    )
    goal = Goal.objects.get(tandem=tandem)
    moved = client.post(f"{EN}/mein-bereich/ziele/{goal.pk}/", {"progress": "75"}, follow=True)

    assert added.redirect_chain == [(f"{EN}{tandem_path(tandem)}#goals", 302)]
    assert texts(added) == ["The goal has been added."]
    assert texts(moved) == ["Progress of “Fahrrad fahren”: nearly there."]
    goal.refresh_from_db()
    assert (goal.title, goal.progress) == ("Fahrrad fahren", 75)


@pytest.mark.parametrize("progress", ["33", "", "hundert", "-25"])
def test_goal_progress_bad_value_changes_nothing(client, tandem, progress):
    goal = lifecycle.goal_add(tandem=tandem, title="Lesen")
    client.force_login(tandem.mentor)

    response = client.post(
        f"{EN}/mein-bereich/ziele/{goal.pk}/", {"progress": progress}, follow=True
    )

    assert response.status_code == 200
    assert len(texts(response)) == 1
    goal.refresh_from_db()
    assert goal.progress == 0


def test_add_goal_empty_or_too_long_changes_nothing(client, tandem):
    client.force_login(tandem.mentor)

    client.post(tandem_path(tandem, "ziele/"), {"title": ""})
    client.post(tandem_path(tandem, "ziele/"), {"title": "x" * 201})

    assert Goal.objects.count() == 0


def test_add_goal_beyond_the_maximum_is_refused(client, tandem):
    for number in range(lifecycle.MAX_GOALS):
        lifecycle.goal_add(tandem=tandem, title=f"Ziel {number}")
    client.force_login(tandem.mentor)

    response = client.post(EN + tandem_path(tandem, "ziele/"), {"title": "Noch eins"}, follow=True)

    assert texts(response) == [f"A tandem has at most {lifecycle.MAX_GOALS} goals."]
    assert Goal.objects.count() == lifecycle.MAX_GOALS


def test_goals_of_another_mentor_are_404_and_get_is_405(client, tandem, other_mentor):
    goal = lifecycle.goal_add(tandem=tandem, title="Lesen")
    client.force_login(other_mentor)

    add = client.post(tandem_path(tandem, "ziele/"), {"title": "Fremd"})
    progress = client.post(f"/mein-bereich/ziele/{goal.pk}/", {"progress": "100"})
    get = client.get(f"/mein-bereich/ziele/{goal.pk}/")

    assert (add.status_code, progress.status_code, get.status_code) == (404, 404, 405)
    goal.refresh_from_db()
    assert (goal.progress, Goal.objects.count()) == (0, 1)


@pytest.mark.clock
def test_goal_of_an_ended_tandem_cannot_change(client, tandem):
    goal = lifecycle.goal_add(tandem=tandem, title="Lesen")
    lifecycle.tandem_end(tandem=tandem, by=UserFactory(), ended_on=TODAY(), reason="completed")
    client.force_login(tandem.mentor)

    response = client.post(f"{EN}/mein-bereich/ziele/{goal.pk}/", {"progress": "100"}, follow=True)

    assert texts(response) == ["This tandem has ended; nothing can be changed any more."]
    goal.refresh_from_db()
    assert goal.progress == 0


# --- Check-ins -------------------------------------------------------------------------------


def answers(value="4", **overrides) -> dict:
    data = dict.fromkeys(CHECKIN_ITEMS, value)
    data.update(overrides)
    return data


def checkin_of(tandem, respondent) -> CheckIn:
    return tandem.checkins.get(respondent=respondent, occasion="start")


def test_checkin_form_shows_the_items_and_the_scale(client, tandem):
    checkin = checkin_of(tandem, "mentee")
    client.force_login(tandem.mentor)

    response = client.get(f"{EN}/mein-bereich/checkins/{checkin.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "I feel well at the moment." in content
    assert "I am satisfied with our tandem." in content
    assert "1 – not at all" in content
    assert "5 – completely" in content
    assert content.count("<fieldset") == 6  # who answered, and five items
    assert list(response.context["form"].fields["answered_by"].choices) == [
        ("mentee_mentor", "the mentee, together with the mentor"),
        ("guardian", "the guardian"),
    ]


def test_mentor_answers_own_checkin(client, tandem):
    checkin = checkin_of(tandem, "mentor")
    client.force_login(tandem.mentor)

    response = client.post(f"{EN}/mein-bereich/checkins/{checkin.pk}/", answers("5"), follow=True)

    assert response.redirect_chain == [(f"{EN}/mein-bereich/", 302)]
    assert texts(response) == ["Thank you! The check-in has been saved."]
    checkin.refresh_from_db()
    assert (checkin.wellbeing, checkin.satisfaction, checkin.answered_by, checkin.filled_by) == (
        5,
        5,
        "mentor",
        tandem.mentor,
    )


def test_mentee_checkin_records_who_answered(client, tandem):
    checkin = checkin_of(tandem, "mentee")
    client.force_login(tandem.mentor)

    client.post(
        f"/mein-bereich/checkins/{checkin.pk}/",
        answers("3", answered_by="guardian", satisfaction="1"),
    )

    checkin.refresh_from_db()
    assert (checkin.answered_by, checkin.wellbeing, checkin.satisfaction) == ("guardian", 3, 1)
    assert checkin.completed_at is not None


@pytest.mark.parametrize(
    ("respondent", "data", "fields"),
    [
        ("mentee", answers("4"), ["answered_by"]),
        ("mentee", answers("4", answered_by="mentor"), ["answered_by"]),
        ("mentor", answers("6"), list(answers())),
        ("mentor", answers("4", wellbeing="0"), ["wellbeing"]),
        ("mentor", answers("4", satisfaction=""), ["satisfaction"]),
    ],
)
def test_checkin_bad_answers_change_nothing(client, tandem, respondent, data, fields):
    checkin = checkin_of(tandem, respondent)
    client.force_login(tandem.mentor)

    response = client.post(f"{EN}/mein-bereich/checkins/{checkin.pk}/", data)

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == sorted(fields)
    checkin.refresh_from_db()
    assert (checkin.completed_at, checkin.wellbeing) == (None, None)


def test_checkin_answered_twice_is_refused(client, tandem):
    checkin = checkin_of(tandem, "mentor")
    client.force_login(tandem.mentor)
    client.post(f"/mein-bereich/checkins/{checkin.pk}/", answers("5"), follow=True)

    response = client.post(f"{EN}/mein-bereich/checkins/{checkin.pk}/", answers("1"), follow=True)

    assert texts(response) == ["This check-in has already been answered."]
    checkin.refresh_from_db()
    assert checkin.wellbeing == 5


@pytest.mark.clock
def test_checkin_not_yet_due_is_refused(client, tandem):
    later = CheckIn.objects.create(
        tandem=tandem, respondent="mentor", occasion="regular", due_on=TODAY() + timedelta(days=1)
    )
    client.force_login(tandem.mentor)

    response = client.post(f"{EN}/mein-bereich/checkins/{later.pk}/", answers("2"), follow=True)

    assert response.redirect_chain == [(EN + tandem_path(tandem), 302)]
    assert texts(response) == ["This check-in is not due yet."]
    later.refresh_from_db()
    assert (later.completed_at, later.wellbeing) == (None, None)


@pytest.mark.clock
def test_checkin_of_another_mentor_or_an_ended_tandem_is_404(client, tandem, other_mentor):
    checkin = checkin_of(tandem, "mentor")
    client.force_login(other_mentor)
    other = client.get(f"/mein-bereich/checkins/{checkin.pk}/")
    lifecycle.tandem_end(tandem=tandem, by=UserFactory(), ended_on=TODAY(), reason="completed")
    client.force_login(tandem.mentor)

    ended = client.post(f"/mein-bereich/checkins/{checkin.pk}/", answers("5"))

    assert (other.status_code, ended.status_code) == (404, 404)
    checkin.refresh_from_db()
    assert checkin.completed_at is None


@pytest.mark.clock
def test_closing_checkin_of_an_ended_tandem_can_be_answered_for_90_days(client, tandem):
    lifecycle.tandem_end(tandem=tandem, by=UserFactory(), ended_on=TODAY(), reason="completed")
    closing = tandem.checkins.get(respondent="mentor", occasion="closure")
    client.force_login(tandem.mentor)
    area = client.get(f"{EN}/mein-bereich/")

    response = client.post(f"{EN}/mein-bereich/checkins/{closing.pk}/", answers("4"))

    assert f"/mein-bereich/checkins/{closing.pk}/" in area.content.decode()
    assert response.status_code == 302
    closing.refresh_from_db()
    assert (closing.wellbeing, closing.answered_by) == (4, "mentor")


@pytest.mark.clock
def test_closing_checkin_is_closed_to_the_mentor_after_90_days(client, tandem):
    lifecycle.tandem_end(tandem=tandem, by=UserFactory(), ended_on=TODAY(), reason="completed")
    Tandem.objects.filter(pk=tandem.pk).update(ended_on=TODAY() - timedelta(days=91))
    closing = tandem.checkins.get(respondent="mentor", occasion="closure")
    client.force_login(tandem.mentor)

    response = client.post(f"{EN}/mein-bereich/checkins/{closing.pk}/", answers("4"))

    assert response.status_code == 404
    assert (
        f"/mein-bereich/checkins/{closing.pk}/" not in client.get("/mein-bereich/").content.decode()
    )
    closing.refresh_from_db()
    assert closing.completed_at is None


def test_checkin_anonymous_redirects_to_login(client, tandem):
    path = f"/mein-bereich/checkins/{checkin_of(tandem, 'mentor').pk}/"

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == login_url(path)


def test_coordinator_of_the_program_cannot_use_the_mentor_screens(client, tandem, coordinator):
    assert ProgramCoordinator.objects.filter(user=coordinator, program=tandem.program).exists()
    client.force_login(coordinator)

    log = client.post(tandem_path(tandem, "treffen/eintragen/"), log_data())
    checkin = client.get(f"/mein-bereich/checkins/{checkin_of(tandem, 'mentor').pk}/")

    assert (log.status_code, checkin.status_code) == (404, 404)
    assert Meeting.objects.count() == 0
