"""Bad input on the tandem screens: a German message, nothing changed, never a 500.

The German pages (no language prefix) are what coordinators and mentors see first; the messages
asserted here are the German translations of the services' and forms' refusals.
"""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandems.models import CheckIn, Goal, Meeting, Tandem, TandemStatusChange
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def tandem(program, coordinator):
    return running_tandem(
        program,
        by=coordinator,
        started_on=TODAY() - timedelta(days=30),
        preferred_weekday="mi",
        preferred_time=time(17, 0),
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def counts() -> tuple:
    return (
        Meeting.objects.count(),
        Goal.objects.count(),
        CheckIn.objects.completed().count(),
        TandemStatusChange.objects.count(),
        tuple(Tandem.objects.values_list("status", flat=True)),
    )


@pytest.mark.clock
def test_meeting_ending_before_it_starts_is_refused_in_german(client, tandem):
    client.force_login(tandem.mentor)
    before = counts()

    response = client.post(
        f"/mein-bereich/tandems/{tandem.pk}/treffen/planen/",
        {"day": (TODAY() + timedelta(days=3)).isoformat(), "start": "18:00", "end": "17:00"},
    )

    assert response.status_code == 200
    assert response.context["one_form"].errors["end"] == ["Das Ende muss nach dem Beginn liegen."]
    assert counts() == before


@pytest.mark.clock
def test_meeting_of_more_than_24_hours_is_refused_in_german(client, tandem):
    client.force_login(tandem.mentor)
    before = counts()

    response = client.post(
        f"/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/",
        {"day": TODAY().isoformat(), "status": "held", "duration": "60", "other_minutes": "1441"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["other_minutes"] == [
        "Dieser Wert muss kleiner oder gleich 1440 sein."
    ]
    assert counts() == before


@pytest.mark.clock
@pytest.mark.parametrize(
    ("days", "message"),
    [
        (800, "Dieses Datum liegt mehr als ein Jahr in der Vergangenheit."),
        (-800, "Dieses Datum liegt in der Zukunft."),
    ],
)
def test_meeting_logged_far_in_the_past_or_future_is_refused_in_german(
    client, tandem, days, message
):
    client.force_login(tandem.mentor)
    before = counts()

    response = client.post(
        f"/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/",
        {"day": (TODAY() - timedelta(days=days)).isoformat(), "status": "held", "duration": "60"},
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["day"]
    assert counts() == before


def test_transition_that_is_not_allowed_is_refused_in_german(client, tandem, coordinator):
    lifecycle.tandem_pause(tandem=tandem, by=coordinator)
    client.force_login(coordinator)
    before = counts()

    response = client.post(
        f"/koordination/tandems/{tandem.pk}/status/", {"status": "paused"}, follow=True
    )

    assert response.status_code == 200
    assert messages_of(response) == ["Ein Tandem kann nicht von „pausiert“ zu „pausiert“ wechseln."]
    assert counts() == before


@pytest.mark.clock
def test_ending_an_ended_tandem_again_is_refused_and_changes_nothing(client, tandem, coordinator):
    lifecycle.tandem_end(tandem=tandem, by=coordinator, ended_on=TODAY(), reason="completed")
    client.force_login(coordinator)
    before = counts()

    response = client.post(
        f"/koordination/tandems/{tandem.pk}/beenden/",
        {"reason": "mismatch", "ended_on": TODAY().isoformat()},
        follow=True,
    )

    assert response.status_code == 200
    assert counts() == before
    assert Tandem.objects.get(pk=tandem.pk).end_reason == "completed"


@pytest.mark.clock
@pytest.mark.parametrize(
    "path",
    [
        "/mein-bereich/tandems/{other}/treffen/eintragen/",
        "/mein-bereich/tandems/{other}/treffen/planen/",
        "/mein-bereich/tandems/{other}/ziele/",
        "/mein-bereich/tandems/999999/treffen/eintragen/",
        "/koordination/tandems/{other}/beenden/",
        "/koordination/tandems/{other}/status/",
    ],
)
def test_tampered_tandem_ids_answer_404_and_change_nothing(client, tandem, path):
    other = running_tandem(ProgramCoordinatorFactory().program)
    client.force_login(tandem.mentor if path.startswith("/mein") else tandem.created_by)
    before = counts()

    response = client.post(
        path.format(other=other.pk),
        {"day": TODAY().isoformat(), "status": "paused", "duration": "60", "title": "Ziel"},
    )

    assert response.status_code == 404
    assert counts() == before


# --- Any input at all ---------------------------------------------------------------------

text = st.one_of(
    st.text(max_size=120),
    st.just(SCRIPT),
    st.sampled_from(["", "0", "-1", "1441", "99999999999", "2026-02-30", "25:61", "held"]),
)
FORMS = {
    "/mein-bereich/tandems/{tandem}/treffen/eintragen/": [
        "day",
        "status",
        "duration",
        "other_minutes",
        "activity",
        "note",
    ],
    "/mein-bereich/tandems/{tandem}/treffen/planen/": [
        "kind",
        "day",
        "start",
        "end",
        "place",
        "weeks",
        "duration_minutes",
    ],
    "/mein-bereich/tandems/{tandem}/ziele/": ["title"],
    "/mein-bereich/ziele/{goal}/": ["progress"],
    "/mein-bereich/checkins/{checkin}/": ["answered_by", "wellbeing", "satisfaction"],
    "/koordination/tandems/{tandem}/status/": ["status", "note"],
    "/koordination/tandems/{tandem}/beenden/": [
        "reason",
        "ended_on",
        "note",
        "closing_answered_by",
        "wellbeing",
    ],
    "/koordination/checkins/{checkin}/": ["answered_by", "wellbeing", "self_efficacy_1"],
    "/koordination/ziele/{goal}/": ["progress"],
    "/koordination/programme/{program}/tandems/": ["q", "status", "bedarf", "page"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(sorted(FORMS)),
    values=st.lists(text, min_size=7, max_size=7),
)
def test_tandem_forms_never_fail_on_any_input(path, values):
    coordinator = UserFactory()
    program = ProgramCoordinatorFactory(user=coordinator).program
    tandem = running_tandem(program, by=coordinator)
    goal = lifecycle.goal_add(tandem=tandem, title="Lesen")
    checkin = tandem.checkins.get(respondent="mentee", occasion="start")
    client = Client()
    client.force_login(tandem.mentor if path.startswith("/mein-bereich") else coordinator)
    url = path.format(tandem=tandem.pk, goal=goal.pk, checkin=checkin.pk, program=program.slug)
    data = dict(zip(FORMS[path], values, strict=False))

    response = client.get(url, data) if path.endswith("tandems/") else client.post(url, data)

    assert response.status_code in (200, 302)
    assert SCRIPT not in response.content.decode()


def test_every_tandem_form_refuses_a_post_without_csrf_token(tandem, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    goal = lifecycle.goal_add(tandem=tandem, title="Lesen")
    before = counts()

    statuses = {
        path: client.post(
            path.format(tandem=tandem.pk, goal=goal.pk, checkin=1, program="x"), {}
        ).status_code
        for path in FORMS
        if not path.endswith("tandems/")
    }

    assert set(statuses.values()) == {403}
    assert counts() == before
