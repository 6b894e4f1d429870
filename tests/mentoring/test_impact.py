"""The public page "Mentoring wirkt!": anonymous figures, none resting on fewer than 5 tandems."""

from datetime import date, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.models import Program
from tandems.impact import CACHE_KEY
from tandems.models import CheckIn, Meeting, Tandem
from tandems.services.lifecycle import local_datetime
from tests.factories import ProgramFactory, UserFactory
from tests.factories.tandems import bulk_tandems, make_checkin, make_meeting, make_tandem

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = Tandem.Status
MENTOR, MENTEE = CheckIn.Respondent.MENTOR, CheckIn.Respondent.MENTEE
START, REGULAR, CLOSURE = CheckIn.Occasion.START, CheckIn.Occasion.REGULAR, CheckIn.Occasion.CLOSURE
PATH = "/en/mentoring-wirkt/"


def figure(response, label: str):
    return next(f["value"] for f in response.context["figure_list"] if f["label"] == label)


def running(program, count: int) -> list[Tandem]:
    today = timezone.localdate()
    return [make_tandem(program, Status.ACTIVE, today - timedelta(days=30)) for _ in range(count)]


def test_impact_page_is_public_and_named(client):
    response = client.get("/mentoring-wirkt/")

    assert response.status_code == 200
    assert response.templates[0].name == "mentoring/impact.html"


def test_running_tandems_hidden_with_4(client, program):
    running(program, 4)

    response = client.get(PATH)

    assert figure(response, "Tandems running now") is None
    assert "not shown: fewer than 5 tandems" in response.content.decode()


def test_running_tandems_shown_with_5(client, program):
    running(program, 5)

    response = client.get(PATH)

    assert figure(response, "Tandems running now") == 5


@pytest.mark.clock
def test_meetings_held_this_year_need_5_tandems_not_5_meetings(client, program):
    year = timezone.localdate().year
    label = f"Meetings held in {year}"
    four = running(program, 4)
    for tandem in four:
        for month in (1, 2, 3):
            make_meeting(tandem, date(year, month, 10), Meeting.Status.HELD)
    make_meeting(four[0], date(year - 1, 12, 10), Meeting.Status.HELD)

    hidden = figure(client.get(PATH), label)
    cache.delete(CACHE_KEY)
    fifth = running(program, 1)[0]
    make_meeting(fifth, date(year, 1, 20), Meeting.Status.HELD)
    make_meeting(fifth, date(year, 2, 20), Meeting.Status.CANCELLED)
    shown = figure(client.get(PATH), label)

    assert (hidden, shown) == (None, 13)


def test_published_programs_and_programs_with_tandems(client):
    first, second = ProgramFactory(), ProgramFactory()
    ProgramFactory(status=Program.Status.DRAFT)
    running(first, 3)
    running(second, 1)

    few = client.get(PATH)
    cache.delete(CACHE_KEY)
    running(second, 1)
    enough = client.get(PATH)

    assert figure(few, "Programs in the directory") == 2
    assert figure(few, "Programs with tandems on the portal") is None
    assert figure(enough, "Programs with tandems on the portal") == 2


def completed_tandems(program, days: list[int]) -> list[Tandem]:
    return [
        make_tandem(
            program,
            Status.CLOSED,
            date(2025, 1, 1),
            date(2025, 1, 1) + timedelta(days=length),
            Tandem.EndReason.COMPLETED,
        )
        for length in days
    ]


@pytest.mark.clock
def test_average_duration_of_completed_tandems_in_months(client, program):
    completed_tandems(program, [300, 330, 360, 390])
    make_tandem(  # ended early: not a completed tandem
        program, Status.ENDED_EARLY, date(2025, 1, 1), date(2025, 1, 5), Tandem.EndReason.OTHER
    )
    label = "Average duration of completed tandems"

    four = figure(client.get(PATH), label)
    cache.delete(CACHE_KEY)
    completed_tandems(program, [420])
    five = figure(client.get(PATH), label)

    assert four is None
    assert five == "11.8"  # 360 days / 30.4375


def answer(tandems, respondent, occasion, wellbeing, self_efficacy=(3, 3, 3), satisfaction=3):
    for tandem in tandems:
        make_checkin(
            tandem, respondent, occasion, date(2025, 3, 1), wellbeing, self_efficacy, satisfaction
        )


def chart_values(response, title: str) -> list:
    chart = next(chart for chart in response.context["charts"] if chart.title == title)
    return [line["values"] for line in chart.series]


@pytest.mark.clock
def test_chart_point_of_4_tandems_hidden_of_5_shown(client, program):
    tandems = completed_tandems(program, [365] * 5)
    answer(tandems, MENTEE, START, 2, (2, 3, 4), 3)  # 5 tandems
    answer(tandems[:4], MENTEE, REGULAR, 4)  # 4 tandems
    answer(tandems[:4], MENTEE, CLOSURE, 5)
    # Two closing answers of one tandem still count as one tandem.
    CheckIn.objects.filter(tandem=tandems[0], occasion=CLOSURE).update(due_on=date(2025, 2, 1))
    answer(tandems[:1], MENTEE, CLOSURE, 5)

    response = client.get(PATH)

    assert chart_values(response, "Mentees") == [
        [2.0, None, None],  # well-being at start, during, end
        [3.0, None, None],  # self-efficacy
        [3.0, None, None],  # satisfaction
    ]
    assert chart_values(response, "Mentors") == [[None] * 3] * 3


def test_chart_without_enough_answers_says_so(client, program):
    tandems = completed_tandems(program, [365] * 4)
    answer(tandems, MENTOR, START, 4)

    response = client.get(PATH)

    content = response.content.decode()
    assert content.count("Not enough answers yet") == 2


@pytest.mark.clock
def test_impact_page_shows_no_personal_data(client):
    program = ProgramFactory(name="Lesezauber Wunschort")
    mentor = UserFactory(name="Mentorella Beispielfrau")
    tandems = [
        make_tandem(program, Status.ACTIVE, date(2025, 1, 1), mentor=mentor if n == 0 else None)
        for n in range(5)
    ]
    tandems[0].mentee.first_name = "Zoraida"
    tandems[0].mentee.save()
    answer(tandems, MENTEE, START, 4)

    content = client.get(PATH).content.decode()

    assert "Zoraida" not in content
    assert "Mentorella" not in content
    assert "Beispielfrau" not in content
    assert "Lesezauber" not in content
    assert mentor.email not in content


def test_impact_figures_are_cached(client, program):
    running(program, 5)
    client.get(PATH)
    running(program, 1)

    with CaptureQueriesContext(connection) as queries:
        cached = client.get(PATH)
    cache.delete(CACHE_KEY)
    fresh = client.get(PATH)

    assert len(queries) == 0
    assert figure(cached, "Tandems running now") == 5
    assert figure(fresh, "Tandems running now") == 6


def test_impact_cache_holds_no_hidden_figure(client, program):
    running(program, 3)

    client.get(PATH)

    assert cache.get(CACHE_KEY)["running_tandems"] is None


@pytest.mark.clock
def test_impact_query_count_same_with_1_and_1000_tandems(client):
    program = ProgramFactory()
    bulk_tandems(program, 1)
    client.get(PATH)
    cache.delete(CACHE_KEY)
    with CaptureQueriesContext(connection) as one:
        client.get(PATH)
    bulk_tandems(program, 999, first=1)
    Meeting.objects.update(starts_at=local_datetime(timezone.localdate(), time(8, 0)))
    cache.delete(CACHE_KEY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(PATH)

    assert figure(response, "Tandems running now") == 1000
    assert figure(response, f"Meetings held in {timezone.localdate().year}") == 1000
    assert len(many) == len(one) == 4


def test_home_page_links_to_impact_page(client):
    response = client.get("/en/")

    assert 'href="/en/mentoring-wirkt/"' in response.content.decode()
