"""The dashboard's figures kept between visits (tandems/figures_cache.py): read as kept while the
program's data is unchanged, counted afresh after any change of it, on another day or after
FIGURES_SECONDS, and never shown for a mentee whose data was erased."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy import services as privacy_services
from tandems import dashboard, figures_cache, services
from tandems.models import CHECKIN_ITEMS, CheckIn, Meeting, Tandem
from tandems.services import lifecycle, support
from tests.factories import ProgramCoordinatorFactory, running_tandem
from tests.factories.tandems import new_mentee, quiet_tandem

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
# A Tuesday in winter, 10:00 in Leipzig.
TUESDAY = datetime(2027, 2, 16, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def clock():
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def visit(client, program):
    """The program's figures as a visit shows them, and the visit's query count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/koordination/")
    assert response.status_code == 200
    shown = next(p for p in response.context["programs"] if p.pk == program.pk)
    return shown, len(queries)


def test_a_second_visit_reads_the_figures_as_kept(client, program, coordinator, clock):
    quiet_tandem(program, days=30)
    client.force_login(coordinator)

    first, counted = visit(client, program)
    second, kept = visit(client, program)

    assert first.actions == second.actions
    assert first.actions.no_contact == 1
    assert [line.values for line in first.activity.lines] == [
        line.values for line in second.activity.lines
    ]
    # The counting queries (tandems, check-ins, applications, § 72a, waiting mentees, settings,
    # meetings and support contacts per week) are not made again.
    assert kept <= counted - 8


def _log_meeting(tandem, coordinator):
    lifecycle.meeting_log(
        tandem=tandem, by=tandem.mentor, day=timezone.localdate(), status=Meeting.Status.HELD
    )


def _log_support(tandem, coordinator):
    support.support_contact_log(
        tandem=tandem,
        by=coordinator,
        contacted_on=timezone.localdate(),
        with_whom="mentor",
        channel="phone",
        summary="Anruf",
    )


def _register_mentee(tandem, coordinator):
    new_mentee(tandem.program, first_name="Neu")  # registered through services.mentee_register


def _end_tandem(tandem, coordinator):
    lifecycle.tandem_end(
        tandem=tandem,
        by=coordinator,
        ended_on=timezone.localdate(),
        reason=Tandem.EndReason.GOALS_REACHED,
    )


def _shorter_limit(tandem, coordinator):
    settings = services.program_tandem_settings(program=tandem.program)
    settings.no_contact_days = 60
    services.program_tandem_settings_update(settings=settings)


@pytest.mark.parametrize(
    ("change", "figure", "after"),
    [
        (_log_meeting, lambda shown: sum(shown.activity.lines[0].values), 1),
        (_log_meeting, lambda shown: shown.actions.no_contact, 0),
        (_log_support, lambda shown: sum(shown.activity.lines[1].values), 1),
        (_register_mentee, lambda shown: shown.actions.mentees_waiting, 1),
        (_end_tandem, lambda shown: shown.actions.no_contact, 0),
        (_shorter_limit, lambda shown: shown.actions.no_contact, 0),
    ],
    ids=["meeting-held", "meeting-contact", "support-contact", "mentee", "tandem-end", "settings"],
)
def test_a_change_through_the_services_shows_on_the_next_visit(
    client, program, coordinator, clock, change, figure, after
):
    tandem = quiet_tandem(program, days=30)
    client.force_login(coordinator)
    before, _queries = visit(client, program)
    assert figure(before) != after

    change(tandem, coordinator)
    shown, _queries = visit(client, program)

    assert figure(shown) == after


def test_a_check_in_answered_leaves_the_figure_on_the_next_visit(
    client, program, coordinator, clock
):
    tandem = running_tandem(program, started_on=timezone.localdate() - timedelta(days=3))
    client.force_login(coordinator)
    before, _queries = visit(client, program)
    due = CheckIn.objects.get(tandem=tandem, respondent="mentor", occasion="start")
    assert before.actions.checkins_due == 2

    lifecycle.checkin_submit(
        checkin=due,
        answers=dict.fromkeys(CHECKIN_ITEMS, 4),
        answered_by="mentor",
        by=tandem.mentor,
    )
    shown, _queries = visit(client, program)

    assert shown.actions.checkins_due == 1


def test_only_the_changed_program_is_counted_again(client, program, coordinator, clock):
    other = ProgramCoordinatorFactory(user=coordinator).program
    quiet_tandem(program, days=30)
    client.force_login(coordinator)
    visit(client, program)
    _shown, kept = visit(client, program)

    running_tandem(other)
    _shown, after_change = visit(client, program)
    _shown, kept_again = visit(client, program)

    # One program counted again (its eight counting queries), the other one read as kept.
    assert after_change == kept + 8
    assert kept_again == kept


def test_the_next_day_counts_afresh(client, program, coordinator, clock):
    # 30 days without a meeting: at the limit today, past it tomorrow.
    settings = services.program_tandem_settings(program=program)
    settings.no_contact_days = 30
    services.program_tandem_settings_update(settings=settings)
    quiet_tandem(program, days=30)
    client.force_login(coordinator)
    shown, _queries = visit(client, program)
    assert shown.actions.no_contact == 0

    clock.shift(timedelta(days=1))
    client.force_login(coordinator)  # a session lasts a working day
    shown, _queries = visit(client, program)

    assert shown.actions.no_contact == 1


def test_kept_figures_expire_after_their_time(client, program, coordinator, clock):
    tandem = quiet_tandem(program, days=30)
    client.force_login(coordinator)
    visit(client, program)
    # Written past the ORM's signals and not told: seen once the kept figures expire.
    Tandem.objects.filter(pk=tandem.pk).update(last_contact_on=timezone.localdate())
    shown, _queries = visit(client, program)
    assert shown.actions.no_contact == 1

    cache.delete(f"tandems:figures:{program.pk}")  # what FIGURES_SECONDS later does in Redis
    shown, _queries = visit(client, program)

    assert shown.actions.no_contact == 0
    assert figures_cache.FIGURES_SECONDS <= 5 * 60


def test_figures_counted_before_a_change_are_never_taken_for_the_new_data(program, clock):
    today = timezone.localdate()
    versions = figures_cache.versions([program.pk])
    counted = {program.pk: "counted before the change"}

    figures_cache.figures_changed([program.pk])  # a write while the figures were being counted
    figures_cache.keep(counted, versions=versions, today=today)

    now = figures_cache.versions([program.pk])
    assert figures_cache.kept([program.pk], versions=now, today=today) == {}
    assert figures_cache.kept([program.pk], versions=versions, today=today) == counted


def test_an_erased_mentee_is_gone_from_the_kept_figures_at_once(
    client, program, coordinator, clock
):
    waiting = new_mentee(program, first_name="Zeynep")
    client.force_login(coordinator)
    shown, _queries = visit(client, program)
    assert [mentee.first_name for mentee, _days in shown.actions.longest_waiting] == ["Zeynep"]

    privacy_services.mentee_erase(mentee=waiting, by=coordinator)

    assert cache.get(f"tandems:figures:{program.pk}") is None
    shown, _queries = visit(client, program)
    assert shown.actions.longest_waiting == []
    assert "Zeynep" not in client.get("/koordination/").content.decode()


def test_the_kept_figures_hold_no_more_of_a_mentee_than_the_page_shows(
    client, program, coordinator, clock
):
    new_mentee(program, first_name="Zeynep", postcode="04277", guardian_name="Familie Y.")
    client.force_login(coordinator)
    visit(client, program)

    _version, _day, kept = cache.get(f"tandems:figures:{program.pk}")
    ((mentee, _days),) = kept.actions.longest_waiting

    assert isinstance(mentee, dashboard.WaitingMentee)
    assert vars(mentee).keys() == {"pk", "first_name"}


def test_without_a_shared_cache_every_visit_counts(client, program, coordinator, clock, settings):
    """Redis down (the resilient cache answers every read with a miss): nothing is kept, and
    every visit counts the figures of the moment."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    tandem = quiet_tandem(program, days=30)
    client.force_login(coordinator)
    first, counted = visit(client, program)
    assert first.actions.no_contact == 1

    Tandem.objects.filter(pk=tandem.pk).update(last_contact_on=timezone.localdate())
    second, counted_again = visit(client, program)

    assert second.actions.no_contact == 0
    assert counted_again == counted
