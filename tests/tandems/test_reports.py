"""Reports for funders: a program's figures for its coordinators, the network's for staff."""

import csv
import io
import re
from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandems.models import CheckIn, Meeting, Tandem
from tandems.reports import Averages, Period, period_report
from tandems.views.reports import quarter_chart
from tests.factories import ProgramCoordinatorFactory, ProgramFactory
from tests.factories.tandems import (
    bulk_tandems,
    make_checkin,
    make_meeting,
    make_tandem,
)

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = Tandem.Status
Reason = Tandem.EndReason
MENTOR, MENTEE = CheckIn.Respondent.MENTOR, CheckIn.Respondent.MENTEE
START, REGULAR, CLOSURE = CheckIn.Occasion.START, CheckIn.Occasion.REGULAR, CheckIn.Occasion.CLOSURE
EN = "/en"


@pytest.fixture
def other_coordinator(db):
    """Coordinator of another program (B)."""
    return ProgramCoordinatorFactory().user


def report_url(program, suffix="bericht/") -> str:
    return f"/koordination/programme/{program.slug}/{suffix}"


@pytest.fixture
def case(program):
    """Program A's tandems, meetings and check-ins around the year 2025, and one of program B."""
    a = make_tandem(program, Status.ACTIVE, date(2024, 6, 1))  # running through 2025
    b = make_tandem(
        program, Status.CLOSED, date(2025, 3, 1), date(2025, 9, 1), Reason.COMPLETED
    )  # 184 days
    c = make_tandem(
        program, Status.ENDED_EARLY, date(2025, 2, 1), date(2025, 4, 1), Reason.MENTOR_TIME
    )  # 59 days
    make_tandem(program, Status.ENDED_EARLY, None, date(2025, 5, 10), Reason.NOT_STARTED)
    make_tandem(program, Status.CLOSED, date(2023, 1, 1), date(2024, 12, 31), Reason.COMPLETED)
    make_tandem(program, Status.PROPOSED)
    make_tandem(program, Status.ACTIVE, date(2026, 1, 5))
    make_tandem(
        program, Status.CLOSED, date(2024, 1, 10), date(2025, 1, 2), Reason.GOALS_REACHED
    )  # 358 days
    make_tandem(program, Status.PAUSED, date(2025, 7, 1))
    other = make_tandem(ProgramFactory(), Status.ACTIVE, date(2025, 5, 1))

    make_meeting(b, date(2025, 3, 5), Meeting.Status.HELD, 90)
    make_meeting(b, date(2025, 6, 10), Meeting.Status.HELD, 45)
    # Local days: half past midnight on 1 January is still 31 December in UTC.
    make_meeting(a, date(2025, 1, 1), Meeting.Status.HELD, 60, at=time(0, 30))
    make_meeting(a, date(2026, 1, 1), Meeting.Status.HELD, 60, at=time(0, 30))
    make_meeting(b, date(2024, 12, 20), Meeting.Status.HELD, 120)
    make_meeting(a, date(2025, 2, 2), Meeting.Status.CANCELLED)
    make_meeting(c, date(2025, 3, 3), Meeting.Status.MISSED)
    make_meeting(a, date(2025, 8, 1), Meeting.Status.PLANNED)
    make_meeting(other, date(2025, 6, 1), Meeting.Status.HELD, 300)

    make_checkin(b, MENTOR, START, date(2025, 3, 1), 4, (4, 4, 5), 5)
    make_checkin(b, MENTEE, START, date(2025, 3, 1), 3, (3, 3, 3), 4)
    make_checkin(c, MENTOR, START, date(2025, 2, 1), 2, (2, 3, 3), 3)
    make_checkin(b, MENTOR, CLOSURE, date(2025, 9, 1), 5, (5, 5, 5), 5)
    make_checkin(b, MENTEE, CLOSURE, date(2025, 9, 1), 5, (4, 4, 4), 5)
    make_checkin(a, MENTEE, REGULAR, date(2025, 6, 1), 4, (4, 5, 5), 4)
    make_checkin(a, MENTOR, START, date(2024, 6, 1), 1, (1, 1, 1), 1)  # before the period
    make_checkin(other, MENTOR, START, date(2025, 5, 1), 1, (1, 1, 1), 1)  # program B
    CheckIn.objects.create(tandem=a, respondent=MENTOR, occasion=REGULAR, due_on=date(2025, 6, 1))
    return program


# --- The figures -----------------------------------------------------------------------------


@pytest.mark.clock
def test_program_report_figures_equal_hand_count(case):
    report = period_report(period=Period.year(2025), program=case)

    assert report.tandems_started == 3
    assert report.tandems_active == 5
    assert report.tandems_completed == 2
    assert report.tandems_ended_early == 2
    assert report.tandems_not_started == 1
    assert report.tandems_ended_with_duration == 3
    assert report.average_duration_days == Decimal("200.3")  # (184 + 59 + 358) / 3
    assert report.meetings_held == 3
    assert report.meeting_hours == Decimal("3.3")  # (90 + 45 + 60) / 60 = 3.25
    assert report.meetings_cancelled == 1
    assert report.meetings_missed == 1


@pytest.mark.clock
def test_program_report_checkin_averages_equal_hand_count(case):
    report = period_report(period=Period.year(2025), program=case)

    assert report.checkins[MENTOR] == Averages(
        checkins=3,
        tandems=None,  # the report counts check-ins, not tandems
        wellbeing=Decimal("3.7"),  # (4 + 2 + 5) / 3
        self_efficacy=Decimal("4.0"),  # (13 + 8 + 15) / 9
        satisfaction=Decimal("4.3"),  # (5 + 3 + 5) / 3
    )
    assert report.checkins[MENTEE] == Averages(
        checkins=3,
        tandems=None,  # the report counts check-ins, not tandems
        wellbeing=Decimal("4.0"),
        self_efficacy=Decimal("3.9"),  # (9 + 12 + 14) / 9
        satisfaction=Decimal("4.3"),
    )
    assert report.by_occasion[(MENTOR, START)] == Averages(
        2, None, Decimal("3.0"), Decimal("3.5"), Decimal("4.0")
    )
    assert report.by_occasion[(MENTOR, REGULAR)] == Averages(tandems=None)
    assert report.by_occasion[(MENTOR, CLOSURE)] == Averages(
        1, None, Decimal("5.0"), Decimal("5.0"), Decimal("5.0")
    )
    assert report.by_occasion[(MENTEE, REGULAR)] == Averages(
        1, None, Decimal("4.0"), Decimal("4.7"), Decimal("4.0")
    )


@pytest.mark.clock
def test_network_report_adds_up_all_programs(case):
    report = period_report(period=Period.year(2025))

    assert report.tandems_started == 4
    assert report.tandems_active == 6
    assert report.programs_active == 2
    assert report.meetings_held == 4
    assert report.meeting_hours == Decimal("8.3")  # (195 + 300) / 60 = 8.25
    assert report.checkins[MENTOR].checkins == 4


@pytest.mark.clock
def test_period_range_counts_only_its_days(case):
    report = period_report(period=Period(date(2025, 1, 1), date(2025, 3, 31)), program=case)

    assert report.tandems_started == 2  # B and C
    assert report.tandems_active == 4  # A, B, C, H
    assert report.tandems_completed == 1  # H, on 2 January
    assert report.tandems_ended_early == 0
    assert report.average_duration_days == Decimal("358.0")
    assert report.meetings_held == 2
    assert report.meeting_hours == Decimal("2.5")


@pytest.mark.clock
def test_report_page_shows_figures_and_quarter_chart(client, coordinator, case):
    client.force_login(coordinator)

    response = client.get(EN + report_url(case), {"jahr": "2025"})

    assert response.status_code == 200
    assert response.context["period"] == Period.year(2025)
    assert response.context["period_invalid"] is False
    chart = response.context["chart"]
    assert chart.x_labels == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
    assert [line["label"] for line in chart.series] == [
        "Mentors: well-being",
        "Mentees: well-being",
        "Mentees: self-efficacy",
        "Mentors: satisfaction",
    ]
    assert [line["values"] for line in chart.series] == [
        [3.0, None, 5.0, None],
        [3.0, 4.0, 5.0, None],
        [3.0, 4.7, 4.0, None],
        [4.0, None, 5.0, None],
    ]
    content = response.content.decode()
    assert '<td class="num">200.3</td>' in content
    assert '<td class="num">3.3</td>' in content
    assert f'href="/en/koordination/programme/{case.slug}/bericht.csv?jahr=2025"' in content


@pytest.mark.clock
def test_report_page_without_period_shows_current_year(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(EN + report_url(program))

    assert response.context["period"] == Period.year(timezone.localdate().year)
    assert response.context["period_invalid"] is False


@pytest.mark.clock
def test_report_page_range_in_query(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(EN + report_url(program), {"von": "2025-01-01", "bis": "2025-06-30"})

    assert response.context["period"] == Period(date(2025, 1, 1), date(2025, 6, 30))
    assert response.context["chart"].x_labels == ["Q1 2025", "Q2 2025"]
    assert "von=2025-01-01&amp;bis=2025-06-30" in response.content.decode()


@pytest.mark.clock
def test_report_page_accepts_exactly_ten_years(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(EN + report_url(program), {"von": "2020-01-01", "bis": "2029-12-31"})

    assert response.context["period"] == Period(date(2020, 1, 1), date(2029, 12, 31))
    assert response.context["chart"].x_labels == [str(year) for year in range(2020, 2030)]


@pytest.mark.clock
def test_long_period_charts_years(case):
    report = period_report(period=Period(date(2022, 1, 1), date(2025, 12, 31)), program=case)

    chart = quarter_chart(report)
    assert chart.title == "Check-in averages per year"
    assert chart.x_labels == ["2022", "2023", "2024", "2025"]
    # Mentor well-being: 2024 only the tandem A's 1; 2025 (4 + 2 + 5) / 3.
    assert chart.series[0]["values"] == [None, None, 1.0, 3.7]


@pytest.mark.clock
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"jahr": "abc"}, "jahr", "Enter a whole number."),
        ({"jahr": "0"}, "jahr", "Ensure this value is greater than or equal to 1990."),
        ({"jahr": "99999"}, "jahr", "Ensure this value is less than or equal to 2100."),
        ({"von": "abc", "bis": "2025-01-01"}, "von", "Enter a valid date."),
        (
            {"von": "2025-06-01", "bis": "2025-01-01"},
            "bis",
            "The last day cannot lie before the first day.",
        ),
        (
            {"von": "2020-01-01", "bis": "2030-01-01"},
            "bis",
            "A report covers at most 10 years.",
        ),
        (
            {"von": "0001-01-01", "bis": "0001-12-31"},
            "von",
            "Please choose a day between 1990 and 2100.",
        ),
        ({"von": "2025-01-01"}, "__all__", "Please give both the first and the last day."),
    ],
)
def test_report_page_bad_period_explains_and_shows_current_year(
    client, coordinator, program, query, field, message
):
    client.force_login(coordinator)

    response = client.get(EN + report_url(program), query)

    assert response.status_code == 200
    assert response.context["period"] == Period.year(timezone.localdate().year)
    assert response.context["period_invalid"] is True
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()


def test_report_page_bad_period_message_in_german(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(report_url(program), {"jahr": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors["jahr"] == [
        "Dieser Wert muss größer oder gleich 1990 sein."
    ]


def test_report_csv_parses_back_with_period_program_and_figures(client, coordinator, case):
    client.force_login(coordinator)

    response = client.get(EN + report_url(case, "bericht.csv"), {"jahr": "2025"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bericht-{case.slug}-2025-01-01-2025-12-31.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[:4] == [
        ["Figure", "Value"],
        ["Program", case.name],
        ["First day", "2025-01-01"],
        ["Last day", "2025-12-31"],
    ]
    assert all(len(row) == 2 for row in rows)
    values = dict(rows[1:])
    assert values["Tandems started"] == "3"
    assert values["Tandems active"] == "5"
    assert values["Tandems completed"] == "2"
    assert values["Tandems ended early"] == "2"
    assert values["of which did not start"] == "1"
    assert values["Average duration of the tandems that ended (days)"] == "200.3"
    assert values["Meetings held"] == "3"
    assert values["Hours of meetings held"] == "3.3"
    assert values["Meetings cancelled"] == "1"
    assert values["Meetings missed"] == "1"
    assert values["Mentors: check-ins answered"] == "3"
    assert values["Mentors: Well-being"] == "3.7"
    assert values["Mentees: Self-efficacy (mean of three items)"] == "3.9"
    assert values["Mentors, start: Self-efficacy (mean of three items)"] == "3.5"
    assert values["Mentors, during the tandem: Well-being"] == ""
    assert values["Q2 2025, Mentees: Self-efficacy (mean of three items)"] == "4.7"


def test_report_csv_in_german_uses_decimal_comma_and_german_header(client, coordinator, case):
    client.force_login(coordinator)

    response = client.get(report_url(case, "bericht.csv"), {"jahr": "2025"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = {value for _name, value in rows}
    assert {"200,3", "3,3", "3,7"} <= values
    assert "200.3" not in values


@pytest.mark.clock
def test_report_csv_bad_period_falls_back_to_current_year(client, coordinator, program):
    client.force_login(coordinator)

    response = client.get(EN + report_url(program, "bericht.csv"), {"jahr": "x"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert response.status_code == 200
    assert rows[2] == ["First day", f"{timezone.localdate().year}-01-01"]


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["bericht/", "bericht.csv"])
def test_report_anonymous_redirects_to_login(client, program, suffix):
    path = report_url(program, suffix)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={path}"


@pytest.mark.parametrize("suffix", ["bericht/", "bericht.csv"])
def test_report_of_another_program_is_404(client, other_coordinator, program, suffix):
    client.force_login(other_coordinator)

    response = client.get(report_url(program, suffix))

    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["bericht/", "bericht.csv"])
def test_report_for_staff_who_do_not_coordinate_is_404(client, staff_user, program, suffix):
    client.force_login(staff_user)

    response = client.get(report_url(program, suffix))

    assert response.status_code == 404


def test_report_for_volunteer_is_404(client, user, program):
    client.force_login(user)

    response = client.get(report_url(program))

    assert response.status_code == 404


def test_report_of_unknown_program_is_404(client, coordinator):
    client.force_login(coordinator)

    response = client.get("/koordination/programme/gibt-es-nicht/bericht/")

    assert response.status_code == 404


NETWORK = "/koordination/netzwerk/"


def test_network_report_for_staff_shows_totals_without_program_names(client, staff_user, case):
    client.force_login(staff_user)

    response = client.get(EN + NETWORK + "bericht/", {"jahr": "2025"})

    assert response.status_code == 200
    assert response.context["report"].tandems_started == 4
    content = response.content.decode()
    assert '<td class="num">8.3</td>' in content
    assert case.name not in content
    assert "Kind" not in content


def test_network_report_csv_for_staff_has_no_program_row(client, staff_user, case):
    client.force_login(staff_user)

    response = client.get(EN + NETWORK + "bericht.csv", {"von": "2025-01-01", "bis": "2025-12-31"})

    content = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[:3] == [
        ["Figure", "Value"],
        ["First day", "2025-01-01"],
        ["Last day", "2025-12-31"],
    ]
    assert dict(rows[1:])["Programs with active tandems"] == "2"
    assert case.name not in content
    assert "Program" not in dict(rows[1:])


@pytest.mark.parametrize("suffix", ["bericht/", "bericht.csv"])
def test_network_report_anonymous_redirects_to_login(client, suffix):
    response = client.get(NETWORK + suffix)

    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={NETWORK}{suffix}"


@pytest.mark.parametrize("suffix", ["bericht/", "bericht.csv"])
def test_network_report_for_coordinator_and_volunteer_is_403(client, coordinator, user, suffix):
    statuses = []
    for person in (coordinator, user):
        client.force_login(person)
        statuses.append(client.get(NETWORK + suffix).status_code)

    assert statuses == [403, 403]


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["bericht/", "bericht.csv"])
def test_report_query_count_same_with_1_and_1000_tandems(client, coordinator, program, suffix):
    path = EN + report_url(program, suffix)
    bulk_tandems(program, 1)
    client.force_login(coordinator)
    client.get(path, {"jahr": "2025"})  # session rows exist from here on
    with CaptureQueriesContext(connection) as one:
        client.get(path, {"jahr": "2025"})
    bulk_tandems(program, 999, first=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path, {"jahr": "2025"})

    assert response.status_code == 200
    assert len(many) == len(one)


def test_report_query_count_figures_with_1000_tandems(client, coordinator, program):
    bulk_tandems(program, 1000)
    client.force_login(coordinator)

    response = client.get(EN + report_url(program), {"jahr": "2025"})

    report = response.context["report"]
    assert (report.tandems_started, report.meetings_held, report.meeting_hours) == (
        1000,
        1000,
        Decimal("1000.0"),
    )
    assert report.checkins[MENTEE].checkins == 1000


@pytest.mark.parametrize("suffix", ["bericht/", "bericht.csv"])
def test_network_report_query_count_same_with_1_and_1000_tandems(client, staff_user, suffix):
    path = EN + NETWORK + suffix
    bulk_tandems(ProgramFactory(), 1)
    client.force_login(staff_user)
    client.get(path, {"jahr": "2025"})
    with CaptureQueriesContext(connection) as one:
        client.get(path, {"jahr": "2025"})
    bulk_tandems(ProgramFactory(), 999, first=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path, {"jahr": "2025"})

    assert response.status_code == 200
    assert len(many) == len(one)


def test_report_chart_coordinates_have_no_decimal_comma_in_german(client, coordinator, case):
    client.force_login(coordinator)

    content = client.get(report_url(case), {"jahr": "2025"}).content.decode()

    svg = content[content.index("<svg viewBox") : content.index("</svg>")]
    coordinates = re.findall(r' (?:x|y|cx|cy|x1|x2|y1|y2)="([^"]*)"', svg)
    assert len(coordinates) > 20
    assert [value for value in coordinates if not re.fullmatch(r"-?\d+(\.\d+)?", value)] == []
    assert '<td class="num">200,3</td>' in content


def test_report_csv_defuses_a_program_name_that_looks_like_a_formula(client, coordinator, program):
    from programs.models import Program

    Program.objects.filter(pk=program.pk).update(name='=HYPERLINK("http://x.example")')
    client.force_login(coordinator)

    response = client.get(EN + report_url(program, "bericht.csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert dict(rows[1:])["Program"] == '\'=HYPERLINK("http://x.example")'
