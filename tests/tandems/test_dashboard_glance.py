"""The dashboards read at a glance: figure tiles (urgency in words, zeros folded), the 12-week
sparklines with their table, the longest waiting, the summary across programs, Mein Bereich."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from core.figures import ACTION, INFO, URGENT, Tile, tile_row
from tandems.charts import Sparkline, week_starts
from tandems.models import CheckIn, Meeting, SupportContact, Tandem, Todo
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, running_tandem
from tests.factories.tandems import new_mentee, quiet_tandem

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
# A Wednesday three days after the clocks went forward: the week began on Monday 29 March.
WEDNESDAY = datetime(2027, 3, 31, 10, 0, tzinfo=BERLIN)


def program_part(html: str, program) -> str:
    """The part of the dashboard of one program (its card), up to the next card."""
    start = html.index(f">{program.name}</a></h3>")
    end = html.find('<li class="card print-page dashboard-program">', start)
    return html[start : end if end != -1 else len(html)]


def tiles_in(part: str) -> list[tuple[str, str, str]]:
    """(urgency class, figure, label) of every tile, in the order shown."""
    return re.findall(
        r'<li class="tile tile-(\w+)">.*?<span class="tile-figure">(\d+)</span>\s*'
        r'<span class="tile-label">([^<]+)</span>',
        part,
        flags=re.S,
    )


# --- core/figures.py and tandems/charts.py ------------------------------------------------------


def test_tile_row_puts_urgent_first_and_folds_zeros():
    row = tile_row(
        [
            Tile(2, "a", urgency=INFO),
            Tile(0, "b", urgency=URGENT),
            Tile(3, "c", urgency=ACTION),
            Tile(1, "d", urgency=URGENT),
            Tile(0, "e", urgency=ACTION),
            Tile(0, "f", urgency=INFO, zero_is_done=False),
        ]
    )

    assert [tile.label for tile in row.tiles] == ["d", "c", "a", "f"]
    assert [tile.label for tile in row.done] == ["b", "e"]
    assert (row.all_done, row.needs_action) == (False, 2)


def test_tile_row_of_zeros_is_all_done():
    row = tile_row([Tile(0, "a", urgency=URGENT), Tile(0, "b")])

    assert (row.tiles, row.all_done) == ([], True)


def test_tile_refuses_an_unknown_urgency():
    with pytest.raises(ValueError, match="unknown urgency"):
        Tile(1, "a", urgency="red")


def test_week_starts_are_twelve_mondays_ending_with_this_week():
    weeks = week_starts(date(2027, 3, 31))

    assert (len(weeks), weeks[0], weeks[-1]) == (12, date(2027, 1, 11), date(2027, 3, 29))
    assert {day.weekday() for day in weeks} == {0}


def test_sparkline_puts_the_highest_count_at_the_top_and_zero_at_the_bottom():
    line = Sparkline("Treffen", ["a", "b", "c"], [0, 4, 2], width=108, height=40)

    assert [(p["x"], p["y"]) for p in line.points] == [(4, 36), (54.0, 4.0), (104.0, 20.0)]
    assert (line.total, line.last, line.path) == (6, 2, "4.0,36.0 54.0,4.0 104.0,20.0")


# --- /koordination/ -----------------------------------------------------------------------------


def test_tiles_show_urgency_in_words_and_fold_zeros_in_german(client, program, coordinator):
    quiet_tandem(program, days=30)
    new_mentee(program, first_name="Wartet", waiting_since=timezone.localdate())
    client.force_login(coordinator)

    part = program_part(client.get("/koordination/").content.decode(), program)

    assert tiles_in(part) == [
        ("urgent", "1", "Tandem ohne Treffen"),
        ("info", "1", "Mentee wartet"),
    ]
    assert '<span class="tile-urgency">dringend</span>' in part
    assert "aktiv, seit mehr als 21 Tagen" in part
    folded = re.search(r'<p class="tile-done">(.*?)</p>', part, flags=re.S).group(1)
    assert "Alles erledigt (je 0):" in folded
    for label in ("Aufgaben fällig", "fällige Check-ins", "Begleitkontakte fällig",
                  "erneute Einsichtnahmen nach § 72a fällig", "Bewerbungen warten",
                  "Tandems enden bald"):  # fmt: skip
        assert label in folded
    assert "Tandem ohne Treffen" not in folded


def test_tiles_in_english_link_to_the_list_they_count(client, program, coordinator):
    tandem = quiet_tandem(program, days=30)
    CheckIn.objects.create(
        tandem=tandem, respondent="mentor", occasion="regular", due_on=timezone.localdate()
    )
    client.force_login(coordinator)

    part = program_part(client.get("/en/koordination/").content.decode(), program)

    assert tiles_in(part) == [
        ("urgent", "1", "tandem without a meeting"),
        ("action", "1", "check-in due"),
    ]
    assert '<span class="tile-urgency">urgent</span>' in part
    assert '<span class="tile-urgency">needs action</span>' in part
    base = f"/en/koordination/programme/{program.slug}/handlungsbedarf"
    assert f'<a class="tile-link" href="{base}/ohne-treffen/">' in part
    assert f'<a class="tile-link" href="{base}/checkins-faellig/">' in part
    assert "All done (0 each):" in part
    assert f'<a href="{base}/endet-bald/">tandems ending soon</a>' in part


def test_a_program_with_nothing_to_do_says_only_all_done(client, program, coordinator):
    client.force_login(coordinator)

    part = program_part(client.get("/en/koordination/").content.decode(), program)

    assert tiles_in(part) == []
    assert re.search(r'<p class="tile-done">.*?All done</p>', part, flags=re.S)
    assert "(0 each)" not in part


def test_overdue_todos_make_an_urgent_tile(client, program, coordinator):
    today = timezone.localdate()
    Todo.objects.create(program=program, title="Anrufen", due_on=today - timedelta(days=2))
    Todo.objects.create(program=program, title="Schreiben", due_on=today + timedelta(days=3))
    client.force_login(coordinator)

    part = program_part(client.get("/en/koordination/").content.decode(), program)

    assert tiles_in(part) == [("urgent", "2", "to-dos due")]
    assert "1 overdue" in part
    assert f'href="/en/koordination/aufgaben/?program={program.pk}"' in part


def test_summary_sums_the_programs_and_appears_only_for_several(client, program, coordinator):
    quiet_tandem(program, days=30)
    client.force_login(coordinator)

    one = client.get("/en/koordination/")
    other = ProgramCoordinatorFactory(user=coordinator).program
    quiet_tandem(other, days=40)
    quiet_tandem(other, days=50)
    several = client.get("/en/koordination/")

    assert "summary" not in one.context
    assert [(t.value, t.urgency, t.url) for t in several.context["summary"].tiles] == [
        (3, URGENT, "")
    ]
    html = several.content.decode()
    summary = html[html.index('id="summary-heading"') : html.index("My programs</h2>")]
    assert "All my 2 programs" in summary
    assert tiles_in(summary) == [("urgent", "3", "tandems without a meeting")]


def test_longest_waiting_are_listed_the_longest_first_with_their_days(client, program, coordinator):
    today = timezone.localdate()
    for name, days in (("Mittel", 20), ("Lang", 90), ("Kurz", 3)):
        new_mentee(program, first_name=name, waiting_since=today - timedelta(days=days))
    new_mentee(ProgramFactory(), first_name="Fremd", waiting_since=today - timedelta(days=400))
    client.force_login(coordinator)

    html = client.get("/en/koordination/").content.decode()

    listed = re.findall(
        r'<li><a href="/en/koordination/mentees/\d+/">(\w+)</a> '
        r'<span class="waiting-days">(\d+) days</span></li>',
        html,
    )
    assert listed == [("Lang", "90"), ("Mittel", "20"), ("Kurz", "3")]
    assert "Fremd" not in html


@pytest.mark.clock
def test_sparklines_count_each_week_and_say_it_in_a_table(client, program, coordinator):
    def meeting(tandem, moment, status=Meeting.Status.HELD):
        Meeting.objects.create(tandem=tandem, status=status, starts_at=moment)

    def contact(tandem, day):
        SupportContact.objects.create(
            tandem=tandem, contacted_on=day, with_whom="mentor", channel="phone", summary="Gut."
        )

    with time_machine.travel(WEDNESDAY, tick=False):
        tandem = running_tandem(program, started_on=date(2026, 12, 1))
        stranger = running_tandem(ProgramFactory(), started_on=date(2026, 12, 1))
        meeting(tandem, datetime(2027, 3, 29, 0, 0, tzinfo=BERLIN))  # this week's first minute
        meeting(tandem, datetime(2027, 3, 28, 23, 30, tzinfo=BERLIN))  # the week before
        meeting(tandem, datetime(2027, 1, 11, 0, 0, tzinfo=BERLIN))  # the first week
        meeting(tandem, datetime(2027, 1, 10, 23, 59, tzinfo=BERLIN))  # before the 12 weeks
        meeting(tandem, datetime(2027, 3, 30, 16, 0, tzinfo=BERLIN), Meeting.Status.CANCELLED)
        meeting(tandem, datetime(2027, 3, 31, 16, 0, tzinfo=BERLIN), Meeting.Status.PLANNED)
        meeting(stranger, datetime(2027, 3, 30, 16, 0, tzinfo=BERLIN))
        contact(tandem, date(2027, 3, 31))
        contact(tandem, date(2027, 2, 15))
        contact(tandem, date(2027, 1, 10))
        contact(stranger, date(2027, 3, 30))
        client.force_login(coordinator)

        response = client.get("/koordination/")

    table = response.context["programs"][0].activity
    assert table.rows[0] == ("11.01.2027", [1, 0])
    assert table.rows[5] == ("15.02.2027", [0, 1])
    assert table.rows[10] == ("22.03.2027", [1, 0])
    assert table.rows[11] == ("29.03.2027", [1, 1])
    assert [sum(values) for _label, values in table.rows] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2]
    html = response.content.decode()
    last_row = '<th scope="row">29.03.2027</th><td class="numeric">1</td><td class="numeric">1</td>'
    assert f"<tr>{last_row}</tr>" in html
    assert "<strong>1</strong> diese Woche · 3 in 12 Wochen" in html
    assert "<strong>1</strong> diese Woche · 2 in 12 Wochen" in html
    assert "<caption>Stattgefundene Treffen und Begleitkontakte je Woche" in html
    assert html.count('<svg class="spark-svg') == 2


# --- Mein Bereich -------------------------------------------------------------------------------


def test_my_area_shows_the_next_meeting_and_the_log_button_before_the_rest(client):
    tandem = running_tandem(ProgramFactory(), mentee_name="Ali",
                            started_on=timezone.localdate() - timedelta(days=30))  # fmt: skip
    Meeting.objects.create(
        tandem=tandem,
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - timedelta(days=3),
    )
    Tandem.objects.filter(pk=tandem.pk).update(
        last_contact_on=timezone.localdate() - timedelta(days=3)
    )
    client.force_login(tandem.mentor)

    html = client.get("/en/mein-bereich/").content.decode()

    order = [
        html.index("Next meeting"),
        html.index(f'href="/en/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/"'),
        html.index('<div class="figure-tiles">'),
        html.index("Planned end"),
        html.index("My applications"),
    ]
    assert order == sorted(order)
    tiles = tiles_in(html)
    assert ("info", "1", "meeting held") in tiles
    assert ("info", "3", "days since the last meeting") in tiles
    # The start's check-ins are due today: a tile that needs action, first.
    assert tiles[0] == ("action", "2", "check-ins due")


def test_my_area_keeps_zero_meetings_as_a_fact_not_as_done(client):
    tandem = running_tandem(ProgramFactory(), mentee_name="Ali")
    CheckIn.objects.filter(tandem=tandem).delete()
    client.force_login(tandem.mentor)

    html = client.get("/mein-bereich/").content.decode()

    assert tiles_in(html) == [("info", "0", "Treffen gehalten")]
    assert "Alles erledigt (je 0): fällige Check-ins" in html


def test_my_area_query_count_is_the_same_with_many_meetings(client, django_assert_num_queries):
    tandem = running_tandem(ProgramFactory(), mentee_name="Ali",
                            started_on=timezone.localdate() - timedelta(days=300))  # fmt: skip
    client.force_login(tandem.mentor)
    client.get("/mein-bereich/")
    Meeting.objects.create(tandem=tandem, status="held", starts_at=timezone.now())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/mein-bereich/")
    Meeting.objects.bulk_create(
        Meeting(tandem=tandem, status="held", starts_at=timezone.now() - timedelta(days=n))
        for n in range(1, 60)
    )

    with django_assert_num_queries(len(one)):
        response = client.get("/mein-bereich/")

    assert response.context["current_tandems"][0].meetings_held == 60


# --- Access -------------------------------------------------------------------------------------


def test_dashboard_of_another_coordinator_shows_none_of_this_programs_figures(client, program):
    quiet_tandem(program, days=30, mentee_name="Geheim")
    Meeting.objects.create(
        tandem=Tandem.objects.get(program=program),
        status="held",
        starts_at=timezone.now() - timedelta(days=1),
    )
    stranger = ProgramCoordinatorFactory().user
    client.force_login(stranger)

    response = client.get("/koordination/")

    html = response.content.decode()
    assert program.name not in html
    assert "Geheim" not in html
    (own,) = response.context["programs"]
    assert own.actions.no_contact == 0
    assert sum(own.activity.lines[0].values) == 0


@pytest.mark.clock
def test_sparklines_keep_finished_weeks_a_while_and_count_this_week_afresh(
    client, program, coordinator
):
    def held(tandem, moment):
        Meeting.objects.create(tandem=tandem, status=Meeting.Status.HELD, starts_at=moment)

    def meetings(response):
        return response.context["programs"][0].activity.lines[0].values

    with time_machine.travel(WEDNESDAY, tick=False):
        tandem = running_tandem(program, started_on=date(2026, 12, 1))
        held(tandem, datetime(2027, 3, 23, 16, 0, tzinfo=BERLIN))
        client.force_login(coordinator)
        first = meetings(client.get("/koordination/"))
        held(tandem, datetime(2027, 3, 24, 16, 0, tzinfo=BERLIN))  # logged late, last week
        held(tandem, datetime(2027, 3, 30, 16, 0, tzinfo=BERLIN))  # this week
        second = meetings(client.get("/koordination/"))
    with time_machine.travel(WEDNESDAY + timedelta(days=7), tick=False):
        client.force_login(coordinator)  # the session of a week ago has expired
        next_week = meetings(client.get("/koordination/"))

    assert (first[-2:], second[-2:], next_week[-3:]) == ([1, 0], [1, 1], [2, 1, 0])
