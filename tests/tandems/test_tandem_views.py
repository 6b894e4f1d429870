"""Coordinators' tandem screens: the tandem page, start, pause and resume, end, check-ins, goals."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandems import services
from tandems.models import CheckIn, Goal, Meeting, Mentee, Tandem, TandemStatusChange
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, running_tandem
from tests.factories.tandems import applicant, make_ready, new_mentee

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODAY = timezone.localdate
EN = "/en"
ANSWERS = {
    "wellbeing": 4,
    "self_efficacy_1": 3,
    "self_efficacy_2": 4,
    "self_efficacy_3": 5,
    "satisfaction": 5,
}


@pytest.fixture
def other_coordinator(db):
    """Coordinator of another program (B)."""
    return ProgramCoordinatorFactory().user


@pytest.fixture
def tandem(program, coordinator):
    return running_tandem(program, by=coordinator)


@pytest.fixture
def proposed(program, coordinator):
    mentor = make_ready(applicant(program, name="Paula Pate")).volunteer
    mentee = new_mentee(program, first_name="Mira")
    return services.tandem_propose(mentee=mentee, volunteer=mentor, by=coordinator)


def tandem_url(tandem, suffix="") -> str:
    return f"{EN}/koordination/tandems/{tandem.pk}/{suffix}"


def texts(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def answer(checkin, by, answered_by=None, **answers):
    answered_by = answered_by or ("mentor" if checkin.respondent == "mentor" else "mentee_coord")
    return lifecycle.checkin_submit(
        checkin=checkin, answers={**ANSWERS, **answers}, answered_by=answered_by, by=by
    )


def snapshot(tandem) -> tuple:
    return (
        Tandem.objects.filter(pk=tandem.pk).values().get(),
        TandemStatusChange.objects.filter(tandem=tandem).count(),
        list(CheckIn.objects.filter(tandem=tandem).values_list("pk", "completed_at")),
    )


# --- The tandem page -------------------------------------------------------------------------


@pytest.mark.clock
def test_tandem_page_shows_people_plan_goals_meetings_and_history(client, coordinator, program):
    mentor = make_ready(applicant(program, name="Dana <b>Beispiel</b>")).volunteer
    tandem = running_tandem(
        program,
        mentor=mentor,
        mentee_name="Ali",
        by=coordinator,
        started_on=TODAY() - timedelta(days=30),
        preferred_weekday="mi",
        preferred_time=time(18, 0),
    )
    lifecycle.goal_add(tandem=tandem, title="Lesen üben")
    lifecycle.meeting_log(
        tandem=tandem,
        by=mentor,
        day=TODAY() - timedelta(days=25),
        status="held",
        activity="reading",
    )
    client.force_login(coordinator)

    response = client.get(tandem_url(tandem))

    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["mentor_name"] == "Dana <b>Beispiel</b>"
    assert "Dana &lt;b&gt;Beispiel&lt;/b&gt;" in content
    assert f'href="{EN}/koordination/mentees/{tandem.mentee.pk}/"' in content
    assert "Status: active, since" in content
    assert "Wednesday" in content and "18:00" in content
    assert [item["goal"].title for item in response.context["goals"]] == ["Lesen üben"]
    assert [m.activity for m in response.context["meetings"]] == ["reading"]
    assert response.context["meeting_count"] == 1
    assert response.context["contact"] == {
        "days": 25,
        "threshold": 21,
        "overdue": True,
        "ever": True,
    }
    assert response.context["due_count"] == 2
    history = [(c.from_status, c.to_status, c.by) for c in response.context["status_changes"]]
    assert history == [("", "proposed", coordinator), ("proposed", "active", coordinator)]
    assert (response.context["can_pause"], response.context["can_resume"]) == (True, False)
    assert (response.context["can_start"], response.context["can_end"]) == (False, True)


@pytest.mark.clock
def test_tandem_page_draws_the_checkin_trend_by_occasion(client, coordinator, program):
    started_on = lifecycle.add_months(TODAY(), -7)
    tandem = running_tandem(program, by=coordinator, started_on=started_on)
    checkins = {(c.respondent, c.due_on): c for c in tandem.checkins.all()}
    three = lifecycle.add_months(started_on, 3)
    six = lifecycle.add_months(started_on, 6)
    answer(checkins["mentor", started_on], tandem.mentor, wellbeing=2, satisfaction=3)
    answer(checkins["mentee", started_on], coordinator, self_efficacy_1=1, self_efficacy_2=2)
    answer(checkins["mentor", six], tandem.mentor, wellbeing=5)
    client.force_login(coordinator)

    response = client.get(tandem_url(tandem))

    trend, satisfaction = response.context["charts"]
    assert trend.x_labels == ["Start", "3 months", "6 months"]
    assert [(line["label"], line["values"]) for line in trend.series] == [
        ("Mentor: well-being", [2, None, 5]),
        ("Mentor: self-efficacy", [4, None, 4]),
        ("Mentee: well-being", [4, None, None]),
        ("Mentee: self-efficacy", [2.67, None, None]),
    ]
    assert [(line["label"], line["values"]) for line in satisfaction.series] == [
        ("Satisfaction (mentor)", [3, None, 5]),
        ("Satisfaction (mentee)", [5, None, None]),
    ]
    assert checkins["mentee", three].completed_at is None
    content = response.content.decode()
    assert f'href="{EN}/koordination/checkins/{checkins["mentee", three].pk}/"' in content
    assert f'href="{EN}/koordination/checkins/{checkins["mentor", three].pk}/"' not in content


@pytest.mark.clock
def test_tandem_page_chart_ends_with_the_closing_checkin(client, coordinator, program):
    started_on = lifecycle.add_months(TODAY(), -4)
    tandem = running_tandem(program, by=coordinator, started_on=started_on)
    lifecycle.tandem_end(tandem=tandem, by=coordinator, ended_on=TODAY(), reason="mismatch")
    closing = tandem.checkins.get(respondent="mentor", occasion="closure")
    answer(closing, tandem.mentor, wellbeing=1)
    client.force_login(coordinator)

    response = client.get(tandem_url(tandem))

    trend = response.context["charts"][0]
    assert trend.x_labels == ["Start", "3 months", "End"]
    assert trend.series[0]["values"] == [None, None, 1]
    assert (response.context["can_pause"], response.context["can_end"]) == (False, False)
    assert response.context["goal_form"] is None
    assert response.context["contact"] is None


def test_tandem_page_anonymous_redirects_to_login(client, tandem):
    path = f"/koordination/tandems/{tandem.pk}/"

    response = client.get(path)

    assert (response.status_code, response.url) == (302, f"/konto/login/?next={path}")


def test_tandem_page_denials_are_404(client, tandem, other_coordinator, staff_user, user):
    statuses = []
    for person in (other_coordinator, staff_user, user, tandem.mentor):
        client.force_login(person)
        statuses.append(client.get(tandem_url(tandem)).status_code)

    assert statuses == [404, 404, 404, 404]


def test_tandem_page_of_an_unknown_tandem_is_404(client, coordinator):
    client.force_login(coordinator)

    response = client.get(f"{EN}/koordination/tandems/999999/")

    assert response.status_code == 404


def bulk_history(tandem, count: int) -> None:
    """`count` more meetings, answered check-ins, goals and status changes, inserted in bulk."""
    start = timezone.now() - timedelta(days=count)
    Meeting.objects.bulk_create(
        Meeting(tandem=tandem, starts_at=start + timedelta(days=n), status="held")
        for n in range(count)
    )
    CheckIn.objects.bulk_create(
        CheckIn(
            tandem=tandem,
            respondent=respondent,
            occasion="regular",
            due_on=TODAY() - timedelta(days=n + 1),
            completed_at=timezone.now(),
            answered_by=respondent if respondent == "mentor" else "guardian",
            **ANSWERS,
        )
        for n in range(count)
        for respondent in ("mentor", "mentee")
    )
    Goal.objects.bulk_create(Goal(tandem=tandem, title=f"Ziel {n}") for n in range(10))
    TandemStatusChange.objects.bulk_create(
        TandemStatusChange(tandem=tandem, from_status="active", to_status="paused")
        for _ in range(count)
    )


@pytest.mark.clock
def test_tandem_page_query_count_same_with_1_and_many(client, coordinator, tandem):
    lifecycle.meeting_log(tandem=tandem, by=tandem.mentor, day=TODAY(), status="held")
    client.force_login(coordinator)
    client.get(tandem_url(tandem))  # settings and session rows exist from here on
    with CaptureQueriesContext(connection) as one:
        client.get(tandem_url(tandem))
    bulk_history(tandem, 300)
    with CaptureQueriesContext(connection) as many:
        response = client.get(tandem_url(tandem))

    assert response.context["meeting_count"] == 301
    assert len(response.context["meetings"]) == 20
    assert len(response.context["checkins"]) == 608
    assert len(many) == len(one)


def test_tandem_page_shows_the_meetings_page_by_page(client, coordinator, tandem):
    bulk_history(tandem, 45)
    client.force_login(coordinator)

    response = client.get(tandem_url(tandem) + "?page=3")

    assert [len(response.context["meetings"]), response.context["page_obj"].number] == [5, 3]
    assert "Page 3 of 3" in response.content.decode()


def test_mentee_page_links_to_the_tandem(client, coordinator, tandem):
    client.force_login(coordinator)

    response = client.get(f"{EN}/koordination/mentees/{tandem.mentee.pk}/")

    assert f'href="{tandem_url(tandem)}"' in response.content.decode()


# --- Start -----------------------------------------------------------------------------------


@pytest.mark.clock
def test_start_form_explains_the_default_planned_end(client, coordinator, proposed):
    client.force_login(coordinator)

    response = client.get(tandem_url(proposed, "starten/"))

    assert response.status_code == 200
    assert response.context["form"]["started_on"].value() == TODAY()
    assert "program's planned duration of 12 months" in response.content.decode()


@pytest.mark.clock
def test_start_with_defaults_activates_and_schedules_checkins(client, coordinator, proposed):
    client.force_login(coordinator)

    response = client.post(
        tandem_url(proposed, "starten/"),
        {"started_on": TODAY().isoformat(), "rhythm": "biweekly", "preferred_weekday": "do"},
        follow=True,
    )

    proposed.refresh_from_db()
    assert (proposed.status, proposed.started_on, proposed.planned_end_on) == (
        "active",
        TODAY(),
        lifecycle.add_months(TODAY(), 12),
    )
    assert (proposed.rhythm, proposed.preferred_weekday, proposed.preferred_time) == (
        "biweekly",
        "do",
        None,
    )
    assert proposed.checkins.count() == 8
    assert response.redirect_chain == [(tandem_url(proposed), 302)]
    assert texts(response) == ["The tandem has started; its check-ins are scheduled."]


@pytest.mark.clock
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"planned_end_on": "2020-01-01"}, "planned_end_on"),
        ({"started_on": "1999-01-01"}, "started_on"),
        ({"started_on": "kein Datum"}, "started_on"),
        ({"rhythm": "daily"}, "rhythm"),
        ({"preferred_weekday": "xx"}, "preferred_weekday"),
        ({"preferred_time": "25:00"}, "preferred_time"),
    ],
)
def test_start_with_bad_input_shows_the_error_and_changes_nothing(
    client, coordinator, proposed, data, field
):
    before = snapshot(proposed)
    client.force_login(coordinator)

    response = client.post(
        tandem_url(proposed, "starten/"),
        {"started_on": TODAY().isoformat(), "rhythm": "weekly", **data},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert snapshot(proposed) == before


@pytest.mark.clock
def test_start_of_a_running_tandem_is_refused(client, coordinator, tandem):
    before = snapshot(tandem)
    client.force_login(coordinator)

    shown = client.get(tandem_url(tandem, "starten/"), follow=True)
    posted = client.post(
        tandem_url(tandem, "starten/"), {"started_on": TODAY().isoformat(), "rhythm": "weekly"}
    )

    assert shown.redirect_chain == [(tandem_url(tandem), 302)]
    assert texts(shown) == ["Only a proposed tandem can be started."]
    assert posted.status_code == 200
    assert posted.context["form"].non_field_errors() == [
        "A tandem cannot change from “active” to “active”."
    ]
    assert snapshot(tandem) == before


@pytest.mark.clock
def test_start_denials(client, proposed, other_coordinator, staff_user):
    path = tandem_url(proposed, "starten/")
    anonymous = client.post(path, {"started_on": TODAY().isoformat(), "rhythm": "weekly"})
    statuses = []
    for person in (other_coordinator, staff_user, proposed.mentor):
        client.force_login(person)
        statuses.append(
            client.post(path, {"started_on": TODAY().isoformat(), "rhythm": "weekly"}).status_code
        )

    assert anonymous.status_code == 302
    assert statuses == [404, 404, 404]
    assert Tandem.objects.get(pk=proposed.pk).status == "proposed"


# --- Pause and resume ------------------------------------------------------------------------


def test_pause_and_resume_are_recorded_with_the_note(client, coordinator, tandem):
    client.force_login(coordinator)

    paused = client.post(
        tandem_url(tandem, "status/"), {"status": "paused", "note": "Sommerferien"}, follow=True
    )
    tandem.refresh_from_db()
    status_after_pause = tandem.status
    resumed = client.post(tandem_url(tandem, "status/"), {"status": "active"}, follow=True)

    tandem.refresh_from_db()
    assert (status_after_pause, tandem.status) == ("paused", "active")
    assert texts(paused) == ["The tandem is paused."]
    assert texts(resumed) == ["The tandem is active again."]
    history = list(tandem.status_changes.values_list("from_status", "to_status", "by", "note")[2:])
    assert history == [
        ("active", "paused", coordinator.pk, "Sommerferien"),
        ("paused", "active", coordinator.pk, ""),
    ]
    assert "Sommerferien" in resumed.content.decode()


def test_tandem_page_offers_only_the_allowed_status_buttons(client, coordinator, tandem):
    client.force_login(coordinator)
    active = client.get(tandem_url(tandem)).content.decode()
    lifecycle.tandem_pause(tandem=tandem, by=coordinator)

    paused = client.get(tandem_url(tandem)).content.decode()

    assert ('value="paused"' in active, 'value="active"' in active) == (True, False)
    assert ('value="paused"' in paused, 'value="active"' in paused) == (False, True)


@pytest.mark.parametrize("target", ["active", "closed", "ended_early", "proposed", "x"])
def test_forbidden_status_posted_by_hand_changes_nothing(client, coordinator, tandem, target):
    before = snapshot(tandem)
    client.force_login(coordinator)

    response = client.post(tandem_url(tandem, "status/"), {"status": target}, follow=True)

    assert response.redirect_chain == [(tandem_url(tandem), 302)]
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert snapshot(tandem) == before


@pytest.mark.clock
def test_status_of_an_ended_tandem_cannot_change(client, coordinator, tandem):
    lifecycle.tandem_end(tandem=tandem, by=coordinator, ended_on=TODAY(), reason="completed")
    before = snapshot(tandem)
    client.force_login(coordinator)

    response = client.post(tandem_url(tandem, "status/"), {"status": "paused"}, follow=True)

    assert texts(response) == ["A tandem cannot change from “completed” to “paused”."]
    assert snapshot(tandem) == before


def test_status_denials(client, tandem, other_coordinator, staff_user, coordinator):
    path = tandem_url(tandem, "status/")
    anonymous = client.post(path, {"status": "paused"})
    client.force_login(coordinator)
    get = client.get(path)
    statuses = []
    for person in (other_coordinator, staff_user, tandem.mentor):
        client.force_login(person)
        statuses.append(client.post(path, {"status": "paused"}).status_code)

    assert (anonymous.status_code, get.status_code) == (302, 405)
    assert statuses == [404, 404, 404]
    assert Tandem.objects.get(pk=tandem.pk).status == "active"


# --- End -------------------------------------------------------------------------------------


def end_data(**overrides) -> dict:
    data = {"reason": "completed", "ended_on": TODAY().isoformat(), "note": "Gut gelaufen."}
    data.update(overrides)
    return data


@pytest.mark.clock
def test_end_form_explains_the_retention_period(client, coordinator, tandem):
    client.force_login(coordinator)

    response = client.get(tandem_url(tandem, "beenden/"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "starts the retention period of its personal data" in content
    assert list(response.context["form"].fields) == [
        "reason",
        "ended_on",
        "note",
        "mentee_waits_again",
        "closing_answered_by",
        "wellbeing",
        "self_efficacy_1",
        "self_efficacy_2",
        "self_efficacy_3",
        "satisfaction",
    ]


@pytest.mark.clock
def test_end_with_the_mentees_closing_checkin_answered(client, coordinator, tandem):
    client.force_login(coordinator)

    response = client.post(
        tandem_url(tandem, "beenden/"),
        end_data(closing_answered_by="guardian", **ANSWERS),
        follow=True,
    )

    tandem.refresh_from_db()
    assert (tandem.status, tandem.ended_on, tandem.end_reason, tandem.end_note) == (
        "closed",
        TODAY(),
        "completed",
        "Gut gelaufen.",
    )
    mentee_closing = tandem.checkins.get(respondent="mentee", occasion="closure")
    mentor_closing = tandem.checkins.get(respondent="mentor", occasion="closure")
    assert (mentee_closing.answered_by, mentee_closing.filled_by, mentee_closing.wellbeing) == (
        "guardian",
        coordinator,
        4,
    )
    assert mentor_closing.completed_at is None
    assert Mentee.objects.get(pk=tandem.mentee_id).status == "inactive"
    assert texts(response) == ["The tandem has ended."]
    assert response.redirect_chain == [(tandem_url(tandem), 302)]


@pytest.mark.clock
def test_end_not_now_leaves_both_closing_checkins_due(client, coordinator, tandem):
    client.force_login(coordinator)

    client.post(
        tandem_url(tandem, "beenden/"),
        end_data(reason="mentee_moved", closing_answered_by="", mentee_waits_again="on"),
    )

    tandem.refresh_from_db()
    assert tandem.status == "ended_early"
    assert list(
        tandem.checkins.filter(occasion="closure").values_list("respondent", "completed_at")
    ) == [("mentee", None), ("mentor", None)]
    assert Mentee.objects.get(pk=tandem.mentee_id).status == "waiting"


@pytest.mark.clock
@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (end_data(reason=""), ["reason"]),
        (end_data(reason="bored"), ["reason"]),
        (end_data(ended_on=(TODAY() + timedelta(days=1)).isoformat()), ["ended_on"]),
        (end_data(ended_on=(TODAY() - timedelta(days=1)).isoformat()), ["ended_on"]),
        (end_data(closing_answered_by="guardian"), list(ANSWERS)),
        (
            end_data(closing_answered_by="guardian", **{**ANSWERS, "wellbeing": 9}),
            ["wellbeing"],
        ),
        (end_data(closing_answered_by="mentor", **ANSWERS), ["closing_answered_by"]),
    ],
)
def test_end_with_bad_input_shows_the_error_and_changes_nothing(
    client, coordinator, tandem, data, fields
):
    # Started today: an end yesterday would lie before the start.
    before = snapshot(tandem)
    client.force_login(coordinator)

    response = client.post(tandem_url(tandem, "beenden/"), data)

    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == sorted(fields)
    assert snapshot(tandem) == before
    assert Mentee.objects.get(pk=tandem.mentee_id).status == "matched"


def test_end_of_a_proposed_tandem_has_no_closing_checkin(client, coordinator, proposed):
    client.force_login(coordinator)

    form = client.get(tandem_url(proposed, "beenden/")).context["form"]
    client.post(tandem_url(proposed, "beenden/"), end_data(reason="not_started"))

    proposed.refresh_from_db()
    assert "closing_answered_by" not in form.fields
    assert (proposed.status, proposed.checkins.count()) == ("ended_early", 0)


@pytest.mark.clock
def test_end_of_an_ended_tandem_is_refused(client, coordinator, tandem):
    lifecycle.tandem_end(tandem=tandem, by=coordinator, ended_on=TODAY(), reason="completed")
    before = snapshot(tandem)
    client.force_login(coordinator)

    shown = client.get(tandem_url(tandem, "beenden/"), follow=True)
    posted = client.post(tandem_url(tandem, "beenden/"), end_data(reason="mismatch"))

    assert texts(shown) == ["This tandem has already ended."]
    assert posted.status_code == 200
    assert snapshot(tandem) == before


def test_end_denials(client, tandem, other_coordinator, staff_user):
    path = tandem_url(tandem, "beenden/")
    anonymous = client.get(path)
    statuses = []
    for person in (other_coordinator, staff_user, tandem.mentor):
        client.force_login(person)
        statuses.append(client.post(path, end_data()).status_code)

    assert anonymous.status_code == 302
    assert statuses == [404, 404, 404]
    assert Tandem.objects.get(pk=tandem.pk).status == "active"


# --- Answering a mentee's check-in -----------------------------------------------------------


def checkin_url(checkin) -> str:
    return f"{EN}/koordination/checkins/{checkin.pk}/"


def mentee_start(tandem) -> CheckIn:
    return tandem.checkins.get(respondent="mentee", occasion="start")


@pytest.mark.clock
def test_coordinator_answers_a_due_mentee_checkin(client, coordinator, tandem):
    checkin = mentee_start(tandem)
    client.force_login(coordinator)

    form = client.get(checkin_url(checkin))
    response = client.post(
        checkin_url(checkin), {"answered_by": "mentee_coord", **ANSWERS}, follow=True
    )

    checkin.refresh_from_db()
    assert form.status_code == 200
    assert {item: getattr(checkin, item) for item in ANSWERS} == ANSWERS
    assert (checkin.answered_by, checkin.filled_by) == ("mentee_coord", coordinator)
    assert texts(response) == ["The check-in has been saved."]
    assert response.redirect_chain == [(tandem_url(tandem), 302)]


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"answered_by": "mentee_coord", **ANSWERS, "satisfaction": "7"}, ["satisfaction"]),
        ({"answered_by": "mentee_coord", **ANSWERS, "wellbeing": ""}, ["wellbeing"]),
        ({"answered_by": "mentor", **ANSWERS}, ["answered_by"]),
        ({**ANSWERS}, ["answered_by"]),
    ],
)
def test_checkin_with_bad_answers_changes_nothing(client, coordinator, tandem, data, fields):
    checkin = mentee_start(tandem)
    client.force_login(coordinator)

    response = client.post(checkin_url(checkin), data)

    checkin.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == fields
    assert (checkin.completed_at, checkin.wellbeing) == (None, None)


@pytest.mark.clock
def test_checkin_not_due_or_answered_is_refused(client, coordinator, tandem):
    later = tandem.checkins.filter(respondent="mentee", occasion="regular").first()
    answered = answer(mentee_start(tandem), coordinator)
    client.force_login(coordinator)

    not_due = client.get(checkin_url(later), follow=True)
    again = client.get(checkin_url(answered), follow=True)
    posted = client.post(checkin_url(later), {"answered_by": "guardian", **ANSWERS})

    later.refresh_from_db()
    assert texts(not_due) == ["This check-in is not due yet."]
    assert texts(again) == ["This check-in has already been answered."]
    assert posted.context["form"].non_field_errors() == ["This check-in is not due yet."]
    assert later.completed_at is None


def test_checkin_of_the_mentor_or_another_program_is_404(client, coordinator, tandem):
    mentor_checkin = tandem.checkins.get(respondent="mentor", occasion="start")
    foreign = mentee_start(running_tandem(ProgramFactory()))
    client.force_login(coordinator)

    statuses = [
        client.get(checkin_url(mentor_checkin)).status_code,
        client.post(checkin_url(foreign), {"answered_by": "guardian", **ANSWERS}).status_code,
        client.get(f"{EN}/koordination/checkins/999999/").status_code,
    ]

    foreign.refresh_from_db()
    assert statuses == [404, 404, 404]
    assert foreign.completed_at is None


def test_checkin_denials(client, tandem, other_coordinator, staff_user):
    checkin = mentee_start(tandem)
    path = f"/koordination/checkins/{checkin.pk}/"
    anonymous = client.get(path)
    statuses = []
    for person in (other_coordinator, staff_user, tandem.mentor):
        client.force_login(person)
        statuses.append(client.get(checkin_url(checkin)).status_code)

    assert (anonymous.status_code, anonymous.url) == (302, f"/konto/login/?next={path}")
    assert statuses == [404, 404, 404]


# --- Goals -----------------------------------------------------------------------------------


def test_goal_is_added_and_progress_set(client, coordinator, tandem):
    client.force_login(coordinator)

    added = client.post(tandem_url(tandem, "ziele/"), {"title": " Schwimmen lernen "}, follow=True)
    goal = Goal.objects.get(tandem=tandem)
    progressed = client.post(f"{EN}/koordination/ziele/{goal.pk}/", {"progress": "75"}, follow=True)

    goal.refresh_from_db()
    assert (goal.title, goal.progress) == ("Schwimmen lernen", 75)
    assert texts(added) == ["The goal has been added."]
    assert texts(progressed) == ["The progress has been saved."]
    assert progressed.redirect_chain == [(tandem_url(tandem), 302)]


def test_goal_bad_input_changes_nothing(client, coordinator, tandem):
    goal = lifecycle.goal_add(tandem=tandem, title="Lesen")
    client.force_login(coordinator)

    empty = client.post(tandem_url(tandem, "ziele/"), {"title": "  "}, follow=True)
    long = client.post(tandem_url(tandem, "ziele/"), {"title": "x" * 201}, follow=True)
    odd = client.post(f"{EN}/koordination/ziele/{goal.pk}/", {"progress": "33"}, follow=True)

    goal.refresh_from_db()
    assert Goal.objects.filter(tandem=tandem).count() == 1
    assert goal.progress == 0
    assert [len(texts(empty)), len(texts(long))] == [1, 1]
    assert texts(odd) == ["Please choose a step of progress from the list."]


@pytest.mark.clock
def test_goal_limit_and_ended_tandem_are_refused(client, coordinator, tandem):
    Goal.objects.bulk_create(Goal(tandem=tandem, title=f"Ziel {n}") for n in range(10))
    client.force_login(coordinator)

    eleventh = client.post(tandem_url(tandem, "ziele/"), {"title": "Noch eins"}, follow=True)
    lifecycle.tandem_end(tandem=tandem, by=coordinator, ended_on=TODAY(), reason="completed")
    goal = Goal.objects.filter(tandem=tandem).first()
    ended = client.post(f"{EN}/koordination/ziele/{goal.pk}/", {"progress": "100"}, follow=True)

    goal.refresh_from_db()
    assert texts(eleventh) == ["A tandem has at most 10 goals."]
    assert texts(ended) == ["This tandem has ended; its goals can no longer be changed."]
    assert (Goal.objects.filter(tandem=tandem).count(), goal.progress) == (10, 0)


def test_goal_denials(client, coordinator, tandem, other_coordinator, staff_user):
    goal = lifecycle.goal_add(tandem=tandem, title="Lesen")
    anonymous = client.post(f"/koordination/ziele/{goal.pk}/", {"progress": "50"})
    client.force_login(coordinator)
    get = client.get(f"{EN}/koordination/ziele/{goal.pk}/")
    statuses = []
    for person in (other_coordinator, staff_user, tandem.mentor):
        client.force_login(person)
        statuses.append(
            (
                client.post(tandem_url(tandem, "ziele/"), {"title": "Fremd"}).status_code,
                client.post(f"{EN}/koordination/ziele/{goal.pk}/", {"progress": "50"}).status_code,
            )
        )

    goal.refresh_from_db()
    assert (anonymous.status_code, get.status_code) == (302, 405)
    assert statuses == [(404, 404), (404, 404), (404, 404)]
    assert (Goal.objects.count(), goal.progress) == (1, 0)


@pytest.mark.clock
@pytest.mark.parametrize(
    ("days", "status", "overdue"),
    [(21, "active", False), (22, "active", True), (30, "paused", False)],
)
def test_contact_is_overdue_as_the_dashboard_counts_it(days, status, overdue):
    from tandems.views.tandem import contact_status

    today = TODAY()
    tandem = Tandem(
        status=status,
        started_on=today - timedelta(days=60),
        last_contact_on=today - timedelta(days=days),
    )

    assert contact_status(tandem=tandem, no_contact_days=21, today=today)["overdue"] is overdue
