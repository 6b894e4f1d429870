"""The coordinator dashboard: the figures that need action, their lists, filters and CSV export."""

import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.spreadsheet import cell
from tandems import services
from tandems.dashboard import reinspection_cutoff
from tandems.models import (
    Application,
    CheckIn,
    Meeting,
    Mentee,
    ProgramTandemSettings,
    ScreeningRecord,
    SupportContact,
    Tandem,
    VolunteerProfile,
)
from tandems.services import lifecycle
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory, running_tandem
from tests.factories.tandems import applicant, make_ready, new_mentee, screen

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
ANSWERS = {
    "wellbeing": 3,
    "self_efficacy_1": 3,
    "self_efficacy_2": 3,
    "self_efficacy_3": 3,
    "satisfaction": 3,
}


def action_url(program, kind: str, lang: str = "") -> str:
    return f"{lang}/koordination/programme/{program.slug}/handlungsbedarf/{kind}/"


def csv_url(program, kind: str, lang: str = "") -> str:
    return f"{lang}/koordination/programme/{program.slug}/handlungsbedarf/{kind}.csv"


def tandem_list_url(program, suffix: str = "/") -> str:
    return f"/koordination/programme/{program.slug}/tandems{suffix}"


def pks(response) -> set[int]:
    return {row.pk for row in response.context["page_obj"].object_list}


def actions_of(client, program):
    response = client.get("/koordination/")
    assert response.status_code == 200
    return next(p for p in response.context["programs"] if p.pk == program.pk).actions


def parse_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


def years_ago(years: int, *, plus_days: int = 0):
    """An inspection date whose re-inspection after `years` years falls `plus_days` from today."""
    target = TODAY() + timedelta(days=plus_days)
    return reinspection_cutoff(target, years=years)


def _ready_mentor(program, name):
    return make_ready(applicant(program, name=name)).volunteer


def _tandem(program, *, name, started_days_ago, end_in_days, contact_days_ago=None):
    today = TODAY()
    tandem = running_tandem(
        program,
        mentor=_ready_mentor(program, name),
        mentee_name=f"Kind von {name}",
        started_on=today - timedelta(days=started_days_ago),
        planned_end_on=today + timedelta(days=end_in_days),
    )
    if contact_days_ago is not None:
        Tandem.objects.filter(pk=tandem.pk).update(
            last_contact_on=today - timedelta(days=contact_days_ago)
        )
    return tandem


def _checkin(tandem, respondent, occasion, due_in_days, *, completed=False):
    values = {"completed_at": timezone.now(), "answered_by": "mentor", **ANSWERS}
    return CheckIn.objects.create(
        tandem=tandem,
        respondent=respondent,
        occasion=occasion,
        due_on=TODAY() + timedelta(days=due_in_days),
        **(values if completed else {}),
    )


@pytest.fixture
def case(program, coordinator):
    """A hand-built program: tandems, check-ins, applications and § 72a records with chosen dates,
    and the same things in another program that must never show."""
    today, now = TODAY(), timezone.now()
    by = UserFactory()
    t = SimpleNamespace()
    t.quiet = _tandem(program, name="Quentin Still", started_days_ago=60, end_in_days=200,
                      contact_days_ago=22)  # fmt: skip
    t.never = _tandem(program, name="Nora Nie", started_days_ago=30, end_in_days=100)
    t.mid = _tandem(program, name="Mia Mitte", started_days_ago=60, end_in_days=10,
                    contact_days_ago=15)  # fmt: skip
    t.boundary = _tandem(program, name="Bea Grenze", started_days_ago=60, end_in_days=30,
                         contact_days_ago=21)  # fmt: skip
    t.paused = _tandem(program, name="Paul Pause", started_days_ago=90, end_in_days=0,
                       contact_days_ago=40)  # fmt: skip
    lifecycle.tandem_pause(tandem=t.paused, by=by)
    t.fresh = _tandem(program, name="Frida Frisch", started_days_ago=2, end_in_days=31)
    t.ended = _tandem(program, name="Emil Ende", started_days_ago=100, end_in_days=5,
                      contact_days_ago=50)  # fmt: skip
    lifecycle.tandem_end(tandem=t.ended, by=by, ended_on=today - timedelta(days=1),
                         reason="completed")  # fmt: skip
    t.overrun = _tandem(program, name="Olga Over", started_days_ago=100, end_in_days=-1,
                        contact_days_ago=1)  # fmt: skip
    proposed_mentor = _ready_mentor(program, "Pia Vorschlag")
    t.proposed = services.tandem_propose(
        mentee=new_mentee(program, first_name="Kind von Pia"), volunteer=proposed_mentor, by=by
    )

    # Only the chosen check-ins (starting and ending scheduled some).
    CheckIn.objects.all().delete()
    c = SimpleNamespace(
        yesterday=_checkin(t.quiet, "mentor", "regular", -1),
        today=_checkin(t.quiet, "mentee", "regular", 0),
        tomorrow=_checkin(t.quiet, "mentor", "closure", 1),
        answered=_checkin(t.mid, "mentor", "regular", -10, completed=True),
        paused=_checkin(t.paused, "mentee", "regular", -5),
        closing=_checkin(t.ended, "mentor", "closure", -1),
        ended_regular=_checkin(t.ended, "mentee", "regular", -3),
        proposed=_checkin(t.proposed, "mentor", "start", -2),
    )

    # Applications: every mentor's ready application is one day in its stage.
    Application.objects.update(stage_changed_at=now - timedelta(days=1))
    a = SimpleNamespace(
        old=applicant(program, name="Alma Alt"),
        week=applicant(program, name="Wim Woche"),
        withdrawn=applicant(program, name="Wanda Weg"),
    )
    Application.objects.filter(pk=a.old.pk).update(stage_changed_at=now - timedelta(days=8))
    Application.objects.filter(pk=a.week.pk).update(
        stage_changed_at=now - timedelta(days=6, hours=23)
    )
    Application.objects.filter(pk=a.withdrawn.pk).update(
        status="withdrawn", stage_changed_at=now - timedelta(days=30)
    )

    # § 72a records (the program re-inspects after 5 years, the default).
    v = SimpleNamespace(
        soon=applicant(program, name="Sina Bald"),
        overdue=applicant(program, name="Otto Drueber"),
        later=applicant(program, name="Lena Spaeter"),
        renewed=applicant(program, name="Rene Neu"),
        gone=applicant(program, name="Gina Gegangen"),
    )
    r = SimpleNamespace(
        soon=screen(v.soon, inspected_on=years_ago(5, plus_days=30)),
        overdue=screen(v.overdue, inspected_on=years_ago(5, plus_days=-10)),
        later=screen(v.later, inspected_on=years_ago(5, plus_days=65)),
    )
    screen(v.renewed, inspected_on=years_ago(5, plus_days=-10))
    screen(v.renewed, inspected_on=today - timedelta(days=10))
    screen(v.gone, inspected_on=years_ago(5, plus_days=-10))
    Application.objects.filter(pk=v.gone.pk).update(status="withdrawn")
    # The mentor of a current tandem counts without an open application, an ended one's not.
    for tandem in (t.quiet, t.ended):
        ScreeningRecord.objects.filter(volunteer=tandem.mentor).update(
            inspected_on=years_ago(5, plus_days=-1),
            certificate_issued_on=years_ago(5, plus_days=-31),
        )
        Application.objects.filter(volunteer=tandem.mentor).update(status="withdrawn")
    r.quiet_mentor = ScreeningRecord.objects.get(volunteer=t.quiet.mentor)

    # Waiting mentees: six, and an inactive one that waited longest.
    m = [
        new_mentee(
            program, first_name=f"Wartend {days}", waiting_since=today - timedelta(days=days)
        )
        for days in (50, 40, 30, 20, 10, 5)
    ]
    inactive = new_mentee(program, first_name="Inaktiv", waiting_since=today - timedelta(days=400))
    Mentee.objects.filter(pk=inactive.pk).update(status="inactive")

    # Program B: the same kinds of things, never shown to A's coordinator.
    other = ProgramFactory()
    b = _tandem(other, name="Berta Fremd", started_days_ago=60, end_in_days=10, contact_days_ago=40)
    _checkin(b, "mentor", "regular", -1)
    other_application = applicant(other, name="Fremde Bewerbung")
    Application.objects.filter(pk=other_application.pk).update(
        stage_changed_at=now - timedelta(days=30)
    )
    screen(other_application, inspected_on=years_ago(5, plus_days=-10))
    new_mentee(other, first_name="Fremdes Kind", waiting_since=today - timedelta(days=99))

    return SimpleNamespace(
        program=program, coordinator=coordinator, other=other, t=t, c=c, a=a, v=v, r=r, m=m
    )


# --- The figures and their lists ----------------------------------------------------------------


def test_no_contact_list_holds_active_tandems_past_21_days(client, case):
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "ohne-treffen"))

    assert response.status_code == 200
    assert pks(response) == {case.t.quiet.pk, case.t.never.pk}
    assert actions_of(client, case.program).no_contact == 2


def test_no_contact_threshold_of_10_days_adds_tandems(client, case):
    ProgramTandemSettings.objects.filter(program=case.program).update(no_contact_days=10)
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "ohne-treffen"))

    expected = {case.t.quiet.pk, case.t.never.pk, case.t.mid.pk, case.t.boundary.pk}
    assert pks(response) == expected
    actions = actions_of(client, case.program)
    assert (actions.no_contact, actions.no_contact_days) == (4, 10)


def test_no_contact_program_without_settings_row_uses_21_days(client, case):
    ProgramTandemSettings.objects.filter(program=case.program).delete()
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "ohne-treffen"))

    assert pks(response) == {case.t.quiet.pk, case.t.never.pk}
    assert actions_of(client, case.program).no_contact == 2


@pytest.mark.clock
def test_checkins_due_list_holds_running_and_closing_checkins(client, case):
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "checkins-faellig"))

    assert pks(response) == {case.c.yesterday.pk, case.c.today.pk, case.c.paused.pk,
                             case.c.closing.pk}  # fmt: skip
    assert actions_of(client, case.program).checkins_due == 4


def test_ending_soon_list_holds_running_tandems_ending_within_30_days(client, case):
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "endet-bald"))

    assert pks(response) == {case.t.mid.pk, case.t.boundary.pk, case.t.paused.pk}
    assert actions_of(client, case.program).ending_soon == 3


def test_waiting_applications_list_holds_open_ones_older_than_7_days(client, case):
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "bewerbungen-wartend"))

    assert pks(response) == {case.a.old.pk}
    assert actions_of(client, case.program).applications_waiting == 1


@pytest.mark.clock
def test_reinspection_list_holds_latest_due_records_of_active_volunteers(client, case):
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "nachpruefung-72a"))

    assert pks(response) == {case.r.soon.pk, case.r.overdue.pk, case.r.quiet_mentor.pk}
    assert actions_of(client, case.program).reinspections_due == 3


@pytest.mark.clock
def test_reinspection_filter_separates_overdue_from_soon(client, case):
    client.force_login(case.coordinator)

    overdue = client.get(action_url(case.program, "nachpruefung-72a"), {"due": "ueberfaellig"})
    soon = client.get(action_url(case.program, "nachpruefung-72a"), {"due": "bald"})

    assert pks(overdue) == {case.r.overdue.pk, case.r.quiet_mentor.pk}
    assert pks(soon) == {case.r.soon.pk}


@pytest.mark.clock
def test_reinspection_within_60_days_follows_program_years(client, case):
    ProgramTandemSettings.objects.filter(program=case.program).update(reinspection_years=10)
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "nachpruefung-72a"))

    assert pks(response) == set()


def test_dashboard_shows_five_longest_waiting_mentees(client, case):
    client.force_login(case.coordinator)

    actions = actions_of(client, case.program)

    assert [(mentee.first_name, days) for mentee, days in actions.longest_waiting] == [
        ("Wartend 50", 50),
        ("Wartend 40", 40),
        ("Wartend 30", 30),
        ("Wartend 20", 20),
        ("Wartend 10", 10),
    ]
    assert actions.mentees_waiting == 6


def test_dashboard_links_every_figure_to_its_list(client, case):
    client.force_login(case.coordinator)

    html = client.get("/en/koordination/").content.decode()

    for kind in ("ohne-treffen", "checkins-faellig", "endet-bald", "bewerbungen-wartend",
                 "nachpruefung-72a"):  # fmt: skip
        assert f'href="{action_url(case.program, kind, "/en")}"' in html
    assert f'href="/en/koordination/programme/{case.program.slug}/mentees/"' in html
    assert '<span class="tile-figure">2</span>' in html
    assert '<span class="tile-label">tandems without a meeting</span>' in html
    assert "active, for more than 21 days" in html
    assert "Fremdes Kind" not in html


@pytest.mark.clock
def test_reinspection_cutoff_handles_29_february():
    from datetime import date

    assert reinspection_cutoff(date(2029, 2, 28), years=5) == date(2024, 2, 29)
    assert reinspection_cutoff(date(2028, 2, 29), years=4) == date(2024, 2, 29)
    assert reinspection_cutoff(date(2029, 3, 1), years=5) == date(2024, 3, 1)


# --- The general tandem list and its filters ---------------------------------------------------


def test_tandem_list_shows_all_tandems_of_the_program(client, case):
    client.force_login(case.coordinator)

    response = client.get(tandem_list_url(case.program))

    assert pks(response) == set(
        Tandem.objects.filter(program=case.program).values_list("pk", flat=True)
    )
    assert len(pks(response)) == 9


def test_tandem_list_filters_by_status_name_and_needs(client, case):
    client.force_login(case.coordinator)
    url = tandem_list_url(case.program)

    paused = client.get(url, {"status": "paused"})
    by_mentor = client.get(url, {"q": "quentin"})
    by_mentee = client.get(url, {"q": "Kind von Nora"})
    no_contact = client.get(url, {"needs": "ohne-treffen"})
    checkins = client.get(url, {"needs": "checkins-faellig"})
    ending_active = client.get(url, {"needs": "endet-bald", "status": "active"})

    assert pks(paused) == {case.t.paused.pk}
    assert pks(by_mentor) == {case.t.quiet.pk}
    assert pks(by_mentee) == {case.t.never.pk}
    assert pks(no_contact) == {case.t.quiet.pk, case.t.never.pk}
    assert pks(checkins) == {case.t.quiet.pk, case.t.paused.pk, case.t.ended.pk}
    assert pks(ending_active) == {case.t.mid.pk, case.t.boundary.pk}


def test_no_contact_list_filters_by_minimum_days(client, case):
    client.force_login(case.coordinator)

    response = client.get(action_url(case.program, "ohne-treffen"), {"min_days": "25"})

    assert pks(response) == {case.t.never.pk}


def test_waiting_applications_filter_by_stage_and_days(client, case):
    client.force_login(case.coordinator)
    url = action_url(case.program, "bewerbungen-wartend")
    first = case.program.pipeline_stages.get(position=0)
    second = case.program.pipeline_stages.get(position=1)

    in_first = client.get(url, {"stage": str(first.pk)})
    in_second = client.get(url, {"stage": str(second.pk)})
    long_waiting = client.get(url, {"min_days": "9"})

    assert pks(in_first) == {case.a.old.pk}
    assert pks(in_second) == set()
    assert pks(long_waiting) == set()


@pytest.mark.clock
def test_checkin_list_filters_by_respondent_and_occasion(client, case):
    client.force_login(case.coordinator)
    url = action_url(case.program, "checkins-faellig")

    mentee = client.get(url, {"respondent": "mentee"})
    closing = client.get(url, {"occasion": "closure"})

    assert pks(mentee) == {case.c.today.pk, case.c.paused.pk}
    assert pks(closing) == {case.c.closing.pk}


def test_tandem_rows_link_to_the_coordinator_tandem_page(client, case):
    client.force_login(case.coordinator)

    html = client.get(action_url(case.program, "ohne-treffen")).content.decode()

    assert f'href="/koordination/tandems/{case.t.quiet.pk}/"' in html
    assert '<caption id="action-table-caption">' in html
    assert '<th scope="col">' in html


@pytest.mark.clock
@pytest.mark.parametrize(
    ("kind", "query"),
    [
        ("ohne-treffen", {"min_days": "abc"}),
        ("ohne-treffen", {"min_days": "99999999999"}),
        ("ohne-treffen", {"min_days": "-1"}),
        ("ohne-treffen", {"q": "x" * 500}),
        ("bewerbungen-wartend", {"stage": "abc"}),
        ("checkins-faellig", {"respondent": "everybody"}),
        ("nachpruefung-72a", {"due": "gestern"}),
        (None, {"status": "unknown"}),
        (None, {"needs": "<script>"}),
    ],
)
def test_bad_filter_input_gives_message_and_no_rows(client, case, kind, query):
    client.force_login(case.coordinator)
    url = action_url(case.program, kind, "/en") if kind else f"/en{tandem_list_url(case.program)}"

    response = client.get(url, query)

    assert response.status_code == 200
    assert pks(response) == set()
    assert "The filter could not be applied." in response.content.decode()
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("page", ["999999999999999999999", "abc", "-3", "0"])
def test_page_numbers_out_of_range_show_a_page(client, case, page):
    client.force_login(case.coordinator)

    response = client.get(tandem_list_url(case.program), {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_lists_are_paginated_by_50(client, program, coordinator):
    mentor = _ready_mentor(program, "Viele")
    bulk_tandems(program, mentor, 120)
    client.force_login(coordinator)

    first = client.get(tandem_list_url(program))
    last = client.get(tandem_list_url(program), {"page": "3"})

    assert len(first.context["page_obj"].object_list) == 50
    assert len(last.context["page_obj"].object_list) == 20


# --- CSV export --------------------------------------------------------------------------------


@pytest.mark.clock
def test_csv_export_has_the_filtered_rows_in_request_language(client, case):
    Tandem.objects.filter(pk=case.t.never.pk).update(last_contact_on=TODAY() - timedelta(days=26))
    client.force_login(case.coordinator)

    response = client.get(csv_url(case.program, "ohne-treffen", "/en"), {"min_days": "23"})

    today = TODAY()
    assert parse_csv(response) == [
        ["Tandem", "Last meeting held", "Days without a meeting", "Start date"],
        [
            "Nora Nie & Kind von Nora Nie",
            (today - timedelta(days=26)).isoformat(),
            "26",
            (today - timedelta(days=30)).isoformat(),
        ],
    ]
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.program.slug}-ohne-treffen-{today.isoformat()}.csv"'
    )


@pytest.mark.clock
def test_csv_export_of_tandem_list_keeps_umlauts_and_defuses_formulas(client, program, coordinator):
    tandem = running_tandem(
        program,
        mentor=_ready_mentor(program, '=HYPERLINK("http://böse.example")'),
        mentee_name="Jörg",
        started_on=TODAY() - timedelta(days=3),
    )
    client.force_login(coordinator)

    response = client.get(f"/en{tandem_list_url(program, '.csv')}")

    rows = parse_csv(response)
    assert rows[0] == ["Tandem", "Status", "Start date", "Planned end", "Last meeting held",
                       "Days without a meeting"]  # fmt: skip
    assert rows[1:] == [
        [
            '\'=HYPERLINK("http://böse.example") & Jörg',
            "active",
            tandem.started_on.isoformat(),
            tandem.planned_end_on.isoformat(),
            "",
            "3",
        ]
    ]


def test_csv_export_with_bad_filter_has_only_the_header(client, case):
    client.force_login(case.coordinator)

    response = client.get(csv_url(case.program, "bewerbungen-wartend", "/en"), {"min_days": "x"})

    assert parse_csv(response) == [["Name", "Stage", "Days in this stage", "Applied on"]]


@pytest.mark.clock
def test_csv_export_of_applications_and_reinspections(client, case):
    client.force_login(case.coordinator)

    applications = parse_csv(client.get(csv_url(case.program, "bewerbungen-wartend", "/en")))
    reinspections = parse_csv(
        client.get(csv_url(case.program, "nachpruefung-72a", "/en"), {"due": "bald"})
    )

    assert applications[1:] == [
        ["Alma Alt", "received", "8", timezone.localdate(case.a.old.created_at).isoformat()]
    ]
    record = case.r.soon
    assert reinspections == [
        ["Name", "Inspected on", "Re-inspection due on", "Days left (negative: overdue)"],
        [
            "Sina Bald",
            record.inspected_on.isoformat(),
            record.reinspection_due_on(years=5).isoformat(),
            "30",
        ],
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+49 341", "'+49 341"),
        ("-Minus", "'-Minus"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Anna", "Anna"),
        (-5, -5),
        (None, ""),
    ],
)
def test_csv_cells_defuse_formulas(value, expected):
    assert cell(value) == expected


# --- Denials -----------------------------------------------------------------------------------


ALL_LIST_PATHS = [
    "handlungsbedarf/ohne-treffen/",
    "handlungsbedarf/ohne-treffen.csv",
    "handlungsbedarf/nachpruefung-72a/",
    "tandems/",
    "tandems.csv",
]


@pytest.mark.parametrize("path", ALL_LIST_PATHS)
def test_lists_send_anonymous_to_login(client, program, path):
    url = f"/koordination/programme/{program.slug}/{path}"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/konto/login/?next={url}"


@pytest.mark.parametrize("path", ALL_LIST_PATHS)
def test_lists_of_another_program_answer_404(client, program, path):
    other = ProgramCoordinatorFactory().user
    client.force_login(other)

    response = client.get(f"/koordination/programme/{program.slug}/{path}")

    assert response.status_code == 404


@pytest.mark.parametrize("path", ALL_LIST_PATHS)
def test_lists_answer_404_to_staff_who_do_not_coordinate(client, program, staff_user, path):
    client.force_login(staff_user)

    response = client.get(f"/koordination/programme/{program.slug}/{path}")

    assert response.status_code == 404


@pytest.mark.parametrize("kind", ["unbekannt", "tandems", "mentees-wartend"])
def test_unknown_kind_answers_404(client, program, coordinator, kind):
    client.force_login(coordinator)

    page = client.get(action_url(program, kind))
    export = client.get(csv_url(program, kind))

    assert (page.status_code, export.status_code) == (404, 404)


def test_dashboard_denies_volunteer_with_403(client, user):
    client.force_login(user)

    response = client.get("/koordination/")

    assert response.status_code == 403


def test_dashboard_sends_anonymous_to_login(client):
    response = client.get("/koordination/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/konto/login/?next=/koordination/",
    )


def test_dashboard_for_staff_without_programs_keeps_network_counts(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/koordination/")

    assert response.status_code == 200
    assert response.context["programs"] == []
    assert response.context["network_counts"]["active_tandems"] == 0


# --- Query counts ------------------------------------------------------------------------------


def bulk_tandems(program, mentor, count: int) -> list[Tandem]:
    """`count` active tandems, one new mentee each, none met for 50 days, all ending in 10 days,
    each with a check-in due."""
    today = TODAY()
    mentees = Mentee.objects.bulk_create(
        Mentee(program=program, first_name=f"Kind {n}", year_of_birth=2015, postcode="04109",
               languages="Deutsch", status=Mentee.Status.MATCHED)
        for n in range(count)
    )  # fmt: skip
    tandems = Tandem.objects.bulk_create(
        Tandem(program=program, mentor=mentor, mentee=mentee, status=Tandem.Status.ACTIVE,
               started_on=today - timedelta(days=100), planned_end_on=today + timedelta(days=10),
               last_contact_on=today - timedelta(days=50))
        for mentee in mentees
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(tandem=tandem, respondent="mentor", occasion="regular",
                due_on=today - timedelta(days=1))
        for tandem in tandems
    )  # fmt: skip
    # For the sparklines: a meeting held and a support contact, both in an earlier week.
    Meeting.objects.bulk_create(
        Meeting(tandem=tandem, status=Meeting.Status.HELD,
                starts_at=timezone.now() - timedelta(days=15))
        for tandem in tandems
    )  # fmt: skip
    SupportContact.objects.bulk_create(
        SupportContact(tandem=tandem, contacted_on=today - timedelta(days=15),
                       with_whom="mentor", channel="phone", summary="Gut.")
        for tandem in tandems
    )  # fmt: skip
    return tandems


def bulk_people(program, count: int, *, prefix: str) -> None:
    """`count` applicants waiting 20 days, each with an overdue § 72a record, and `count`
    waiting mentees."""
    today = TODAY()
    stage = services.pipeline_ensure_default(program=program)[0]
    inspector = UserFactory()
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"{prefix}{n}@example.org", name=f"{prefix} {n}")
        for n in range(count)
    )
    VolunteerProfile.objects.bulk_create(
        VolunteerProfile(user=user, name=user.name, year_of_birth=1990, postcode="04109",
                         languages="Deutsch", motivation="Gern.")
        for user in users
    )  # fmt: skip
    Application.objects.bulk_create(
        Application(program=program, volunteer=user, stage=stage,
                    stage_changed_at=timezone.now() - timedelta(days=20))
        for user in users
    )  # fmt: skip
    inspected = years_ago(5, plus_days=-3)
    ScreeningRecord.objects.bulk_create(
        ScreeningRecord(program=program, volunteer=user, inspected=True, relevant_entry=False,
                        certificate_issued_on=inspected, inspected_on=inspected,
                        inspected_by=inspector)
        for user in users
    )  # fmt: skip
    Mentee.objects.bulk_create(
        Mentee(program=program, first_name=f"{prefix} Kind {n}", year_of_birth=2015,
               postcode="04109", languages="Deutsch", waiting_since=today - timedelta(days=n))
        for n in range(count)
    )  # fmt: skip


def _fill(program, count: int, *, prefix: str):
    mentor = UserFactory()
    bulk_tandems(program, mentor, count)
    bulk_people(program, count, prefix=prefix)


def _count_queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _counted_and_kept(client, url) -> tuple[int, int]:
    """The queries of a visit that counts the figures (nothing kept: cache.clear() drops the kept
    figures and the sparklines' finished weeks) and of the next one, which reads them as kept."""
    cache.clear()
    counted, _response = _count_queries(client, url)
    kept, _response = _count_queries(client, url)
    return counted, kept


@pytest.mark.clock
def test_dashboard_query_count_is_the_same_at_1_and_1000_tandems(
    client, program, coordinator, django_assert_num_queries
):
    _fill(program, 1, prefix="eins")
    client.force_login(coordinator)
    client.get("/koordination/")
    counted, kept = _counted_and_kept(client, "/koordination/")
    assert actions_of(client, program).no_contact == 1

    _fill(program, 999, prefix="viele")
    cache.clear()
    with django_assert_num_queries(counted):
        response = client.get("/koordination/")
    with django_assert_num_queries(kept):
        assert client.get("/koordination/").status_code == 200
    # The kept figures spare the counting queries (eight of them).
    assert kept <= counted - 8

    activity = response.context["programs"][0].activity
    assert [sum(line.values) for line in activity.lines] == [1000, 1000]
    actions = response.context["programs"][0].actions
    figures = (
        actions.no_contact,
        actions.checkins_due,
        actions.ending_soon,
        actions.applications_waiting,
        actions.reinspections_due,
        actions.mentees_waiting,
    )
    assert figures == (1000, 1000, 1000, 1000, 1000, 1000)
    assert len(actions.longest_waiting) == 5


def test_dashboard_query_count_is_the_same_for_1_and_3_programs(
    client, program, coordinator, django_assert_num_queries
):
    _fill(program, 2, prefix="erstes")
    client.force_login(coordinator)
    client.get("/koordination/")
    counted, kept = _counted_and_kept(client, "/koordination/")

    more = []
    for _n in range(2):
        membership = ProgramCoordinatorFactory(user=coordinator)
        services.program_tandem_settings(program=membership.program)  # one with a row ...
        more.append(membership.program)
    ProgramTandemSettings.objects.filter(program=more[1]).delete()  # ... one without
    for n, other in enumerate(more):
        _fill(other, 3, prefix=f"weiteres{n}")
    cache.clear()
    with django_assert_num_queries(counted):
        response = client.get("/koordination/")
    with django_assert_num_queries(kept):
        assert client.get("/koordination/").status_code == 200

    no_contact = {p.pk: p.actions.no_contact for p in response.context["programs"]}
    assert no_contact == {program.pk: 2, more[0].pk: 3, more[1].pk: 3}


@pytest.mark.parametrize(
    "path",
    [
        "handlungsbedarf/ohne-treffen/",
        "handlungsbedarf/checkins-faellig/",
        "handlungsbedarf/endet-bald/",
        "handlungsbedarf/bewerbungen-wartend/",
        "handlungsbedarf/nachpruefung-72a/",
        "tandems/",
        "tandems/?needs=checkins-faellig&q=Kind",
        "handlungsbedarf/ohne-treffen.csv",
        "handlungsbedarf/nachpruefung-72a.csv",
        "tandems.csv",
    ],
)
def test_list_query_count_is_the_same_at_1_and_1000(
    client, program, coordinator, path, django_assert_num_queries
):
    url = f"/koordination/programme/{program.slug}/{path}"
    _fill(program, 1, prefix="eins")
    client.force_login(coordinator)
    client.get(url)
    one, response = _count_queries(client, url)
    if not path.endswith(".csv"):
        assert response.context["page_obj"].paginator.count == 1

    _fill(program, 999, prefix="viele")
    with django_assert_num_queries(one):
        response = client.get(url)

    if path.endswith(".csv"):
        assert len(parse_csv(response)) == 1001
    else:
        assert response.context["page_obj"].paginator.count == 1000
        assert len(response.context["page_obj"].object_list) == 50
