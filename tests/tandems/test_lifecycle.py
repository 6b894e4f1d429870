"""The services of a tandem's life: status changes, start and end, meetings, rhythm, check-ins."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandems import services
from tandems.models import CheckIn, Meeting, Mentee, Tandem, TandemStatusChange
from tandems.services import lifecycle
from tests.factories import ProgramFactory, UserFactory, running_tandem
from tests.factories.tandems import applicant, make_ready, new_mentee

# English source texts, whatever the German catalogue holds (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = Tandem.Status
BERLIN = ZoneInfo("Europe/Berlin")


def frozen(day: date, hour: int = 10):
    """Today is `day` in Berlin (the clock stands still at `hour` o'clock local time)."""
    moment = datetime.combine(day, time(hour), tzinfo=BERLIN).astimezone(UTC)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def proposed_tandem(program, *, mentor=None, mentee_name="Ali") -> Tandem:
    mentor = mentor or make_ready(applicant(program)).volunteer
    mentee = new_mentee(program, first_name=mentee_name)
    return services.tandem_propose(mentee=mentee, volunteer=mentor, by=UserFactory())


def tandem_in(status: str, program) -> Tandem:
    """A tandem of `program` in `status`, reached the way the services get there."""
    if status == Status.PROPOSED:
        return proposed_tandem(program)
    tandem = running_tandem(program)
    today = timezone.localdate()
    if status == Status.PAUSED:
        lifecycle.tandem_pause(tandem=tandem, by=None)
    elif status == Status.CLOSED:
        lifecycle.tandem_end(tandem=tandem, by=None, ended_on=today, reason="completed")
    elif status == Status.ENDED_EARLY:
        lifecycle.tandem_end(tandem=tandem, by=None, ended_on=today, reason="mismatch")
    tandem.refresh_from_db()
    return tandem


def attempt(tandem: Tandem, to_status: str, *, by) -> Tandem:
    """Ask the service that leads to `to_status` to take the tandem there."""
    today = timezone.localdate()
    if to_status == Status.ACTIVE:
        if tandem.status == Status.PROPOSED:
            return lifecycle.tandem_start(tandem=tandem, by=by, started_on=today)
        return lifecycle.tandem_resume(tandem=tandem, by=by)
    if to_status == Status.PAUSED:
        return lifecycle.tandem_pause(tandem=tandem, by=by, note="Urlaub")
    reason = "completed" if to_status == Status.CLOSED else "mismatch"
    return lifecycle.tandem_end(tandem=tandem, by=by, ended_on=today, reason=reason)


def row(tandem: Tandem) -> dict:
    return Tandem.objects.filter(pk=tandem.pk).values().get()


# --- Status transitions ----------------------------------------------------------------------

ALLOWED = {
    (Status.PROPOSED, Status.ACTIVE),
    (Status.PROPOSED, Status.ENDED_EARLY),
    (Status.ACTIVE, Status.PAUSED),
    (Status.ACTIVE, Status.CLOSED),
    (Status.ACTIVE, Status.ENDED_EARLY),
    (Status.PAUSED, Status.ACTIVE),
    (Status.PAUSED, Status.CLOSED),
    (Status.PAUSED, Status.ENDED_EARLY),
}
# No service leads back to "proposed"; test_no_status_leads_back_to_proposed covers it.
PAIRS = [
    pair for pair in itertools.product(Status.values, Status.values) if pair[1] != Status.PROPOSED
]


@pytest.mark.parametrize(("from_status", "to_status"), [p for p in PAIRS if p in ALLOWED])
def test_allowed_transition_changes_status_and_records_it(from_status, to_status):
    tandem = tandem_in(from_status, ProgramFactory())
    coordinator = UserFactory()
    changes_before = TandemStatusChange.objects.filter(tandem=tandem).count()

    attempt(tandem, to_status, by=coordinator)

    tandem.refresh_from_db()
    assert tandem.status == to_status
    last = TandemStatusChange.objects.filter(tandem=tandem).last()
    assert (last.from_status, last.to_status, last.by) == (from_status, to_status, coordinator)
    assert TandemStatusChange.objects.filter(tandem=tandem).count() == changes_before + 1


@pytest.mark.parametrize(("from_status", "to_status"), [p for p in PAIRS if p not in ALLOWED])
def test_forbidden_transition_raises_and_changes_nothing(from_status, to_status):
    tandem = tandem_in(from_status, ProgramFactory())
    before = row(tandem)
    changes_before = TandemStatusChange.objects.count()
    checkins_before = CheckIn.objects.count()

    with pytest.raises(ValidationError):
        attempt(tandem, to_status, by=UserFactory())

    assert row(tandem) == before
    assert TandemStatusChange.objects.count() == changes_before
    assert CheckIn.objects.count() == checkins_before


def test_allowed_transitions_match_the_table():
    table = {
        status: lifecycle.allowed_transitions(Tandem(status=status)) for status in Status.values
    }

    assert {(a, b) for a, targets in table.items() for b in targets} == ALLOWED


def test_no_status_leads_back_to_proposed():
    assert [s for s in Status.values if Status.PROPOSED in lifecycle.TRANSITIONS[s]] == []


@pytest.mark.clock
def test_start_of_a_paused_tandem_is_refused():
    tandem = tandem_in(Status.PAUSED, ProgramFactory())
    before = row(tandem)

    with pytest.raises(ValidationError) as error:
        lifecycle.tandem_start(tandem=tandem, by=None, started_on=timezone.localdate())

    assert error.value.messages == ["Only a proposed tandem can be started."]
    assert row(tandem) == before


def test_resume_of_a_proposed_tandem_is_refused():
    tandem = tandem_in(Status.PROPOSED, ProgramFactory())

    with pytest.raises(ValidationError) as error:
        lifecycle.tandem_resume(tandem=tandem, by=None)

    assert error.value.messages == ["Only a paused tandem can be resumed."]
    assert row(tandem)["status"] == Status.PROPOSED


# --- Several tandems per mentor --------------------------------------------------------------


def allow_several(program, allowed: bool) -> None:
    settings = services.program_tandem_settings(program=program)
    settings.mentors_may_have_several_tandems = allowed
    settings.save()


def test_second_tandem_of_a_mentor_refused_when_the_program_allows_one():
    program = ProgramFactory()
    mentor = make_ready(applicant(program)).volunteer
    running_tandem(program, mentor=mentor)

    with pytest.raises(ValidationError):
        running_tandem(program, mentor=mentor, mentee_name="Bea")

    assert Tandem.objects.filter(mentor=mentor).count() == 1


def test_mentor_may_run_two_tandems_when_the_program_allows_several():
    program = ProgramFactory()
    allow_several(program, True)
    mentor = make_ready(applicant(program)).volunteer

    running_tandem(program, mentor=mentor)
    running_tandem(program, mentor=mentor, mentee_name="Bea")

    assert list(Tandem.objects.filter(mentor=mentor).values_list("status", flat=True)) == [
        Status.ACTIVE,
        Status.ACTIVE,
    ]


@pytest.mark.clock
def test_start_and_resume_refused_once_the_program_allows_only_one_tandem():
    program = ProgramFactory()
    allow_several(program, True)
    mentor = make_ready(applicant(program)).volunteer
    first = running_tandem(program, mentor=mentor)
    lifecycle.tandem_pause(tandem=first, by=None)
    second = proposed_tandem(program, mentor=mentor, mentee_name="Bea")
    allow_several(program, False)

    with pytest.raises(ValidationError):
        lifecycle.tandem_start(tandem=second, by=None, started_on=timezone.localdate())
    with pytest.raises(ValidationError):
        lifecycle.tandem_resume(tandem=first, by=None)

    assert (row(first)["status"], row(second)["status"]) == (Status.PAUSED, Status.PROPOSED)


@pytest.mark.clock
def test_a_mentor_of_an_ended_tandem_is_free_again():
    program = ProgramFactory()
    mentor = make_ready(applicant(program)).volunteer
    first = running_tandem(program, mentor=mentor)
    lifecycle.tandem_end(
        tandem=first, by=None, ended_on=timezone.localdate(), reason="goals_reached"
    )

    second = running_tandem(program, mentor=mentor, mentee_name="Bea")

    assert second.status == Status.ACTIVE


# --- Start -----------------------------------------------------------------------------------


def checkin_rows(tandem: Tandem) -> list[tuple]:
    return list(
        tandem.checkins.order_by("due_on", "occasion", "respondent").values_list(
            "respondent", "occasion", "due_on"
        )
    )


@pytest.mark.clock
def test_start_defaults_to_the_programs_duration_and_schedules_checkins():
    program = ProgramFactory()
    coordinator = UserFactory()
    with frozen(date(2026, 11, 30)):
        tandem = proposed_tandem(program)

        lifecycle.tandem_start(tandem=tandem, by=coordinator, started_on=date(2026, 11, 30))

    tandem.refresh_from_db()
    assert (tandem.status, tandem.started_on, tandem.planned_end_on) == (
        Status.ACTIVE,
        date(2026, 11, 30),
        date(2027, 11, 30),
    )
    # Every three months from the start; 30 November + 3 months is the last day of February.
    assert checkin_rows(tandem) == [
        ("mentee", "start", date(2026, 11, 30)),
        ("mentor", "start", date(2026, 11, 30)),
        ("mentee", "regular", date(2027, 2, 28)),
        ("mentor", "regular", date(2027, 2, 28)),
        ("mentee", "regular", date(2027, 5, 30)),
        ("mentor", "regular", date(2027, 5, 30)),
        ("mentee", "regular", date(2027, 8, 30)),
        ("mentor", "regular", date(2027, 8, 30)),
    ]
    change = tandem.status_changes.last()
    assert (change.from_status, change.to_status, change.by) == ("proposed", "active", coordinator)


@pytest.mark.clock
def test_start_clamps_the_planned_end_to_the_end_of_the_month():
    program = ProgramFactory()
    settings = services.program_tandem_settings(program=program)
    settings.tandem_duration_months = 1
    settings.save()
    with frozen(date(2027, 1, 31)):
        tandem = running_tandem(program)

    assert tandem.planned_end_on == date(2027, 2, 28)
    assert checkin_rows(tandem) == [
        ("mentee", "start", date(2027, 1, 31)),
        ("mentor", "start", date(2027, 1, 31)),
    ]


@pytest.mark.clock
def test_start_keeps_rhythm_weekday_time_and_a_given_planned_end():
    with frozen(date(2027, 3, 1)):
        tandem = running_tandem(
            ProgramFactory(),
            started_on=date(2027, 3, 1),
            planned_end_on=date(2027, 9, 1),
            rhythm="biweekly",
            preferred_weekday="mi",
            preferred_time=time(17, 30),
        )

    tandem.refresh_from_db()
    assert (
        tandem.planned_end_on,
        tandem.rhythm,
        tandem.preferred_weekday,
        tandem.preferred_time,
    ) == (date(2027, 9, 1), "biweekly", "mi", time(17, 30))


@pytest.mark.clock
@pytest.mark.parametrize(
    ("started_on", "planned_end_on", "field"),
    [
        (date(2027, 3, 1), date(2027, 3, 1), "planned_end_on"),
        (date(2027, 3, 1), date(2027, 2, 1), "planned_end_on"),
        (date(2027, 3, 1), date(2032, 3, 2), "planned_end_on"),
        (date(2026, 2, 27), None, "started_on"),
        (date(2027, 5, 1), None, "started_on"),
    ],
)
def test_start_with_bad_dates_is_refused(started_on, planned_end_on, field):
    with frozen(date(2027, 3, 1)):
        tandem = proposed_tandem(ProgramFactory())
        before = row(tandem)

        with pytest.raises(ValidationError) as error:
            lifecycle.tandem_start(
                tandem=tandem, by=None, started_on=started_on, planned_end_on=planned_end_on
            )

    assert list(error.value.message_dict) == [field]
    assert row(tandem) == before
    assert CheckIn.objects.count() == 0


# --- End -------------------------------------------------------------------------------------


@pytest.mark.clock
@pytest.mark.parametrize(
    ("reason", "status"),
    [
        (reason, Status.CLOSED if reason in ("completed", "goals_reached") else Status.ENDED_EARLY)
        for reason in Tandem.EndReason.values
    ],
)
def test_the_reason_decides_regular_or_early_end(reason, status):
    tandem = running_tandem(ProgramFactory())

    lifecycle.tandem_end(tandem=tandem, by=None, ended_on=timezone.localdate(), reason=reason)

    tandem.refresh_from_db()
    assert (tandem.status, tandem.end_reason) == (status, reason)


def meeting_rows(tandem: Tandem) -> list[tuple]:
    return [
        (timezone.localtime(m.starts_at).date(), m.status, m.sequence)
        for m in tandem.meetings.order_by("starts_at")
    ]


@pytest.mark.clock
def test_end_cancels_later_meetings_drops_undue_checkins_and_opens_closing_ones():
    program = ProgramFactory()
    coordinator = UserFactory()
    with frozen(date(2027, 1, 20)):
        tandem = running_tandem(program, started_on=date(2026, 7, 15))
        mentor = tandem.mentor
        lifecycle.meeting_log(tandem=tandem, by=mentor, day=date(2027, 1, 10), status="held")
        for day in (date(2027, 1, 20), date(2027, 1, 21), date(2027, 2, 10)):
            lifecycle.meeting_plan(tandem=tandem, by=mentor, day=day, start=time(18), end=time(19))

        lifecycle.tandem_end(
            tandem=tandem,
            by=coordinator,
            ended_on=date(2027, 1, 20),
            reason="completed",
            note="Ein gutes Jahr.",
        )

    tandem.refresh_from_db()
    assert (tandem.status, tandem.ended_on, tandem.end_reason, tandem.end_note) == (
        Status.CLOSED,
        date(2027, 1, 20),
        "completed",
        "Ein gutes Jahr.",
    )
    assert meeting_rows(tandem) == [
        (date(2027, 1, 10), "held", 0),
        (date(2027, 1, 20), "planned", 0),
        (date(2027, 1, 21), "cancelled", 1),
        (date(2027, 2, 10), "cancelled", 1),
    ]
    assert checkin_rows(tandem) == [
        ("mentee", "start", date(2026, 7, 15)),
        ("mentor", "start", date(2026, 7, 15)),
        ("mentee", "regular", date(2026, 10, 15)),
        ("mentor", "regular", date(2026, 10, 15)),
        ("mentee", "regular", date(2027, 1, 15)),
        ("mentor", "regular", date(2027, 1, 15)),
        ("mentee", "closure", date(2027, 1, 20)),
        ("mentor", "closure", date(2027, 1, 20)),
    ]
    assert Mentee.objects.get(pk=tandem.mentee_id).status == Mentee.Status.INACTIVE
    change = tandem.status_changes.last()
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "active",
        "closed",
        coordinator,
        "Ein gutes Jahr.",
    )


@pytest.mark.clock
def test_end_on_an_earlier_day_cancels_the_meetings_after_it():
    with frozen(date(2027, 1, 20)):
        tandem = running_tandem(ProgramFactory(), started_on=date(2026, 12, 1))
        lifecycle.meeting_plan(
            tandem=tandem, by=tandem.mentor, day=date(2027, 1, 20), start=time(18), end=time(19)
        )

        lifecycle.tandem_end(tandem=tandem, by=None, ended_on=date(2027, 1, 19), reason="other")

    assert meeting_rows(tandem) == [(date(2027, 1, 20), "cancelled", 1)]


@pytest.mark.clock
def test_early_end_puts_the_mentee_back_on_the_waiting_list():
    with frozen(date(2027, 1, 20)):
        tandem = running_tandem(ProgramFactory(), started_on=date(2026, 12, 1))
        Mentee.objects.filter(pk=tandem.mentee_id).update(waiting_since=date(2026, 6, 1))

        lifecycle.tandem_end(
            tandem=tandem,
            by=None,
            ended_on=date(2027, 1, 18),
            reason="mentor_time",
            mentee_waits_again=True,
        )

    tandem.refresh_from_db()
    mentee = Mentee.objects.get(pk=tandem.mentee_id)
    assert (tandem.status, tandem.ended_on) == (Status.ENDED_EARLY, date(2027, 1, 18))
    assert (mentee.status, mentee.waiting_since) == (Mentee.Status.WAITING, date(2027, 1, 20))


@pytest.mark.clock
def test_ending_a_proposed_tandem_creates_no_checkins():
    tandem = proposed_tandem(ProgramFactory())

    lifecycle.tandem_end(
        tandem=tandem, by=None, ended_on=timezone.localdate(), reason="not_started"
    )

    tandem.refresh_from_db()
    assert (tandem.status, tandem.started_on, tandem.ended_on) == (
        Status.ENDED_EARLY,
        None,
        timezone.localdate(),
    )
    assert CheckIn.objects.count() == 0


@pytest.mark.clock
@pytest.mark.parametrize(
    ("ended_on", "reason", "field"),
    [
        (date(2027, 1, 21), "completed", "ended_on"),
        (date(2026, 11, 30), "completed", "ended_on"),
        (date(2025, 12, 1), "completed", "ended_on"),
        (date(2027, 1, 20), "", "reason"),
        (date(2027, 1, 20), "bored", "reason"),
    ],
)
def test_end_with_bad_input_is_refused_and_changes_nothing(ended_on, reason, field):
    with frozen(date(2027, 1, 20)):
        tandem = running_tandem(ProgramFactory(), started_on=date(2026, 12, 1))
        lifecycle.meeting_plan(
            tandem=tandem, by=tandem.mentor, day=date(2027, 1, 25), start=time(18), end=time(19)
        )
        before = (row(tandem), checkin_rows(tandem), meeting_rows(tandem))

        with pytest.raises(ValidationError) as error:
            lifecycle.tandem_end(tandem=tandem, by=None, ended_on=ended_on, reason=reason)

    assert list(error.value.message_dict) == [field]
    assert (row(tandem), checkin_rows(tandem), meeting_rows(tandem)) == before
    assert Mentee.objects.get(pk=tandem.mentee_id).status == Mentee.Status.MATCHED


# --- Meetings from the rhythm ----------------------------------------------------------------


def rhythm_tandem(*, today: date, started_on: date, rhythm="weekly", **kwargs) -> Tandem:
    with frozen(today):
        return running_tandem(
            ProgramFactory(),
            started_on=started_on,
            rhythm=rhythm,
            preferred_weekday="mi",
            preferred_time=time(18, 0),
            **kwargs,
        )


def plan(tandem: Tandem, today: date, weeks: int) -> list[Meeting]:
    with frozen(today):
        return lifecycle.meetings_plan_from_rhythm(tandem=tandem, by=tandem.mentor, weeks=weeks)


def planned(tandem: Tandem) -> list[tuple]:
    """(local day, local time, UTC hour) of the tandem's meetings."""
    return [
        (
            timezone.localtime(m.starts_at).date(),
            timezone.localtime(m.starts_at).time(),
            m.starts_at.astimezone(UTC).hour,
        )
        for m in tandem.meetings.order_by("starts_at")
    ]


@pytest.mark.clock
def test_weekly_rhythm_keeps_the_local_time_into_summer_time():
    tandem = rhythm_tandem(today=date(2027, 3, 20), started_on=date(2027, 3, 1))

    plan(tandem, date(2027, 3, 20), weeks=3)

    # Summer time begins on 28 March 2027: 18:00 in Berlin is 17:00 UTC before, 16:00 after.
    assert planned(tandem) == [
        (date(2027, 3, 24), time(18, 0), 17),
        (date(2027, 3, 31), time(18, 0), 16),
        (date(2027, 4, 7), time(18, 0), 16),
    ]


@pytest.mark.clock
def test_weekly_rhythm_keeps_the_local_time_into_winter_time():
    tandem = rhythm_tandem(today=date(2027, 10, 23), started_on=date(2027, 10, 1))

    plan(tandem, date(2027, 10, 23), weeks=3)

    # Winter time begins on 31 October 2027.
    assert planned(tandem) == [
        (date(2027, 10, 27), time(18, 0), 16),
        (date(2027, 11, 3), time(18, 0), 17),
        (date(2027, 11, 10), time(18, 0), 17),
    ]


@pytest.mark.clock
def test_planning_twice_creates_no_duplicates():
    tandem = rhythm_tandem(today=date(2027, 3, 20), started_on=date(2027, 3, 1))
    first = plan(tandem, date(2027, 3, 20), weeks=3)

    again = plan(tandem, date(2027, 3, 20), weeks=3)

    assert (len(first), again, tandem.meetings.count()) == (3, [], 3)


@pytest.mark.clock
def test_biweekly_rhythm_counts_every_second_week_from_the_start():
    # Started on Monday 1 March: the Wednesdays 3 and 17 March, then 31 March, 14 April ...
    tandem = rhythm_tandem(today=date(2027, 3, 20), started_on=date(2027, 3, 1), rhythm="biweekly")
    plan(tandem, date(2027, 3, 20), weeks=4)

    plan(tandem, date(2027, 3, 27), weeks=6)

    assert [day for day, _at, _utc in planned(tandem)] == [
        date(2027, 3, 31),
        date(2027, 4, 14),
        date(2027, 4, 28),
    ]


@pytest.mark.clock
def test_biweekly_rhythm_starts_with_the_next_preferred_day_after_the_start():
    # Started on a Saturday: the following Wednesday is the first meeting day.
    tandem = rhythm_tandem(today=date(2027, 3, 20), started_on=date(2027, 3, 20), rhythm="biweekly")

    plan(tandem, date(2027, 3, 20), weeks=6)

    assert [day for day, _at, _utc in planned(tandem)] == [
        date(2027, 3, 24),
        date(2027, 4, 7),
        date(2027, 4, 21),
    ]


@pytest.mark.clock
def test_monthly_rhythm_meets_on_the_same_nth_weekday():
    # The first Wednesday after the start (3 March) is the month's first Wednesday.
    tandem = rhythm_tandem(today=date(2027, 3, 20), started_on=date(2027, 3, 1), rhythm="monthly")

    plan(tandem, date(2027, 3, 20), weeks=12)

    assert planned(tandem) == [
        (date(2027, 4, 7), time(18, 0), 16),
        (date(2027, 5, 5), time(18, 0), 16),
        (date(2027, 6, 2), time(18, 0), 16),
    ]


@pytest.mark.clock
def test_monthly_rhythm_from_a_fifth_weekday_uses_the_fourth():
    # The first Wednesday after 29 March is 31 March, a fifth Wednesday: months without one
    # would be skipped, so the fourth Wednesday is taken.
    tandem = rhythm_tandem(today=date(2027, 3, 30), started_on=date(2027, 3, 29), rhythm="monthly")

    plan(tandem, date(2027, 3, 30), weeks=13)

    assert [day for day, _at, _utc in planned(tandem)] == [
        date(2027, 4, 28),
        date(2027, 5, 26),
        date(2027, 6, 23),
    ]


@pytest.mark.clock
def test_rhythm_planning_stops_at_the_planned_end():
    tandem = rhythm_tandem(
        today=date(2027, 3, 20), started_on=date(2027, 3, 1), planned_end_on=date(2027, 3, 31)
    )

    plan(tandem, date(2027, 3, 20), weeks=4)

    assert [day for day, _at, _utc in planned(tandem)] == [date(2027, 3, 24), date(2027, 3, 31)]


@pytest.mark.clock
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weeks": 0}, "weeks"),
        ({"weeks": 27}, "weeks"),
        ({"weeks": 3, "duration_minutes": 0}, "duration_minutes"),
        ({"weeks": 3, "duration_minutes": 24 * 60 + 1}, "duration_minutes"),
    ],
)
def test_rhythm_planning_with_bad_input_is_refused(kwargs, field):
    tandem = rhythm_tandem(today=date(2027, 3, 20), started_on=date(2027, 3, 1))

    with frozen(date(2027, 3, 20)), pytest.raises(ValidationError) as error:
        lifecycle.meetings_plan_from_rhythm(tandem=tandem, by=tandem.mentor, **kwargs)

    assert list(error.value.message_dict) == [field]
    assert Meeting.objects.count() == 0


@pytest.mark.clock
def test_rhythm_planning_without_preferred_day_is_refused():
    tandem = running_tandem(ProgramFactory())

    with pytest.raises(ValidationError) as error:
        lifecycle.meetings_plan_from_rhythm(tandem=tandem, by=tandem.mentor, weeks=3)

    assert error.value.messages == ["Set a preferred weekday and time for the tandem first."]
    assert Meeting.objects.count() == 0


@pytest.mark.clock
def test_rhythm_planning_for_a_paused_tandem_is_refused():
    tandem = rhythm_tandem(today=date(2027, 3, 20), started_on=date(2027, 3, 1))
    lifecycle.tandem_pause(tandem=tandem, by=None)
    tandem.refresh_from_db()

    with pytest.raises(ValidationError):
        plan(tandem, date(2027, 3, 20), weeks=3)

    assert Meeting.objects.count() == 0


# --- Planning and logging single meetings ----------------------------------------------------

TODAY_2027 = date(2027, 3, 20)


@pytest.fixture
def active_tandem():
    with frozen(TODAY_2027):
        return running_tandem(ProgramFactory(), started_on=date(2027, 3, 1))


@pytest.mark.clock
@pytest.mark.parametrize(
    ("day", "start", "end", "field"),
    [
        (date(2027, 3, 25), time(18), time(17), "end"),
        (date(2027, 3, 25), time(18), time(18), "end"),
        (date(2027, 3, 19), time(18), time(19), "day"),
        (date(2026, 1, 1), time(18), time(19), "day"),
        (date(2028, 3, 21), time(18), time(19), "day"),
    ],
)
def test_meeting_plan_with_bad_input_is_refused(active_tandem, day, start, end, field):
    with frozen(TODAY_2027), pytest.raises(ValidationError) as error:
        lifecycle.meeting_plan(
            tandem=active_tandem, by=active_tandem.mentor, day=day, start=start, end=end
        )

    assert list(error.value.message_dict) == [field]
    assert Meeting.objects.count() == 0


@pytest.mark.clock
@pytest.mark.parametrize(
    ("day", "start", "end", "minutes"),
    [
        (date(2027, 3, 25), time(17, 30), time(19, 15), 105),
        # The clocks skip from 2 to 3 o'clock: 1:30 to 4:00 lasts 90 minutes.
        (date(2027, 3, 28), time(1, 30), time(4, 0), 90),
        # The clocks go back from 3 to 2 o'clock: 1:30 to 3:30 lasts 180 minutes.
        (date(2027, 10, 31), time(1, 30), time(3, 30), 180),
    ],
)
def test_meeting_plan_stores_the_local_time_and_the_real_duration(
    active_tandem, day, start, end, minutes
):
    with frozen(TODAY_2027):
        meeting = lifecycle.meeting_plan(
            tandem=active_tandem,
            by=active_tandem.mentor,
            day=day,
            start=start,
            end=end,
            place=" Bibliothek ",
        )

    meeting.refresh_from_db()
    assert (timezone.localtime(meeting.starts_at).time(), meeting.duration_minutes) == (
        start,
        minutes,
    )
    assert (meeting.status, meeting.place) == ("planned", "Bibliothek")


@pytest.mark.clock
@pytest.mark.parametrize("status", [Status.PAUSED, Status.CLOSED])
def test_meeting_plan_for_a_tandem_that_is_not_active_is_refused(status):
    tandem = tandem_in(status, ProgramFactory())
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        lifecycle.meeting_plan(
            tandem=tandem, by=tandem.mentor, day=tomorrow, start=time(18), end=time(19)
        )

    assert error.value.messages == ["Meetings can be planned only for an active tandem."]
    assert Meeting.objects.count() == 0


@pytest.mark.clock
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"day": date(2027, 3, 10), "duration_minutes": 0}, "duration_minutes"),
        ({"day": date(2027, 3, 10), "duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"day": date(2027, 3, 21)}, "day"),
        ({"day": date(2026, 3, 18)}, "day"),
        ({"day": date(2027, 2, 28)}, "day"),
        ({"day": date(2027, 3, 10), "status": "planned"}, "status"),
        ({"day": date(2027, 3, 10), "activity": "dancing"}, "activity"),
    ],
)
def test_meeting_log_with_bad_input_is_refused(active_tandem, kwargs, field):
    kwargs.setdefault("status", "held")

    with frozen(TODAY_2027), pytest.raises(ValidationError) as error:
        lifecycle.meeting_log(tandem=active_tandem, by=active_tandem.mentor, **kwargs)

    assert list(error.value.message_dict) == [field]
    assert Meeting.objects.count() == 0
    assert row(active_tandem)["last_contact_on"] is None


@pytest.mark.clock
def test_meeting_log_before_the_start_names_the_reason(active_tandem):
    with frozen(TODAY_2027), pytest.raises(ValidationError) as error:
        lifecycle.meeting_log(
            tandem=active_tandem, by=active_tandem.mentor, day=date(2027, 2, 28), status="held"
        )

    assert error.value.messages == ["The tandem had not started on this day yet."]


@pytest.mark.clock
def test_meeting_log_for_an_ended_tandem_is_refused():
    tandem = tandem_in(Status.ENDED_EARLY, ProgramFactory())

    with pytest.raises(ValidationError) as error:
        lifecycle.meeting_log(
            tandem=tandem, by=tandem.mentor, day=timezone.localdate(), status="held"
        )

    assert error.value.messages == ["Meetings can be logged only for an active or paused tandem."]
    assert Meeting.objects.count() == 0


@pytest.mark.clock
def test_meeting_log_for_a_paused_tandem_is_recorded():
    tandem = tandem_in(Status.PAUSED, ProgramFactory())

    meeting = lifecycle.meeting_log(
        tandem=tandem, by=tandem.mentor, day=timezone.localdate(), status="held", activity="reading"
    )

    assert (meeting.status, meeting.activity, row(tandem)["last_contact_on"]) == (
        "held",
        "reading",
        timezone.localdate(),
    )


@pytest.mark.clock
def test_meeting_log_moves_the_last_contact_only_forward(active_tandem):
    with frozen(TODAY_2027):
        lifecycle.meeting_log(
            tandem=active_tandem, by=active_tandem.mentor, day=date(2027, 3, 15), status="held"
        )
        lifecycle.meeting_log(
            tandem=active_tandem, by=active_tandem.mentor, day=date(2027, 3, 8), status="held"
        )
        lifecycle.meeting_log(
            tandem=active_tandem, by=active_tandem.mentor, day=date(2027, 3, 18), status="cancelled"
        )
        lifecycle.meeting_log(
            tandem=active_tandem, by=active_tandem.mentor, day=date(2027, 3, 19), status="missed"
        )

    assert row(active_tandem)["last_contact_on"] == date(2027, 3, 15)
    assert active_tandem.meetings.count() == 4


@pytest.mark.clock
def test_meeting_log_of_a_planned_meeting_raises_its_sequence(active_tandem):
    with frozen(date(2027, 3, 20)):
        meeting = lifecycle.meeting_plan(
            tandem=active_tandem,
            by=active_tandem.mentor,
            day=date(2027, 3, 20),
            start=time(9),
            end=time(10),
        )

        lifecycle.meeting_log(
            tandem=active_tandem,
            by=active_tandem.mentor,
            day=date(2027, 3, 20),
            status="held",
            meeting=meeting,
        )
        with pytest.raises(ValidationError) as error:
            lifecycle.meeting_log(
                tandem=active_tandem,
                by=active_tandem.mentor,
                day=date(2027, 3, 20),
                status="held",
                meeting=meeting,
            )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence, timezone.localtime(meeting.starts_at).time()) == (
        "held",
        1,
        time(9),
    )
    assert error.value.messages == ["This meeting has already been logged."]
    assert row(active_tandem)["last_contact_on"] == date(2027, 3, 20)


# --- Check-ins -------------------------------------------------------------------------------

ANSWERS = {
    "wellbeing": 4,
    "self_efficacy_1": 3,
    "self_efficacy_2": 5,
    "self_efficacy_3": 4,
    "satisfaction": 5,
}


def start_checkin(tandem: Tandem, respondent: str) -> CheckIn:
    return tandem.checkins.get(respondent=respondent, occasion="start")


def test_checkin_submit_saves_the_answers():
    tandem = running_tandem(ProgramFactory())
    coordinator = UserFactory()

    checkin = lifecycle.checkin_submit(
        checkin=start_checkin(tandem, "mentee"),
        answers=ANSWERS,
        answered_by="mentee_coord",
        by=coordinator,
    )

    checkin.refresh_from_db()
    assert {item: getattr(checkin, item) for item in ANSWERS} == ANSWERS
    assert (checkin.answered_by, checkin.filled_by, checkin.self_efficacy) == (
        "mentee_coord",
        coordinator,
        4,
    )
    assert checkin.completed_at is not None


def assert_unanswered(checkin: CheckIn) -> None:
    checkin.refresh_from_db()
    assert (checkin.completed_at, checkin.wellbeing, checkin.answered_by) == (None, None, "")


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({k: v for k, v in ANSWERS.items() if k != "satisfaction"}, ["satisfaction"]),
        ({}, list(ANSWERS)),
        ({**ANSWERS, "wellbeing": 0}, ["wellbeing"]),
        ({**ANSWERS, "wellbeing": 6}, ["wellbeing"]),
        ({**ANSWERS, "self_efficacy_2": "3"}, ["self_efficacy_2"]),
        ({**ANSWERS, "self_efficacy_3": 2.5}, ["self_efficacy_3"]),
        ({**ANSWERS, "satisfaction": None}, ["satisfaction"]),
    ],
)
def test_checkin_submit_refuses_incomplete_or_out_of_range_answers(answers, fields):
    checkin = start_checkin(running_tandem(ProgramFactory()), "mentor")

    with pytest.raises(ValidationError) as error:
        lifecycle.checkin_submit(
            checkin=checkin, answers=answers, answered_by="mentor", by=checkin.tandem.mentor
        )

    assert sorted(error.value.message_dict) == sorted(fields)
    assert_unanswered(checkin)


@pytest.mark.parametrize(
    ("respondent", "answered_by"),
    [
        ("mentor", "guardian"),
        ("mentor", "mentee_coord"),
        ("mentee", "mentor"),
        ("mentee", ""),
        ("mentee", "coordinator"),
    ],
)
def test_checkin_submit_refuses_who_cannot_answer_it(respondent, answered_by):
    checkin = start_checkin(running_tandem(ProgramFactory()), respondent)

    with pytest.raises(ValidationError) as error:
        lifecycle.checkin_submit(checkin=checkin, answers=ANSWERS, answered_by=answered_by, by=None)

    assert list(error.value.message_dict) == ["answered_by"]
    assert_unanswered(checkin)


@pytest.mark.clock
def test_checkin_submit_refuses_a_checkin_that_is_not_due():
    tandem = running_tandem(ProgramFactory())
    later = tandem.checkins.filter(occasion="regular", respondent="mentor").first()

    with pytest.raises(ValidationError) as error:
        lifecycle.checkin_submit(
            checkin=later, answers=ANSWERS, answered_by="mentor", by=later.tandem.mentor
        )

    assert error.value.messages == ["This check-in is not due yet."]
    assert_unanswered(later)


def test_checkin_submit_refuses_a_second_answer():
    checkin = start_checkin(running_tandem(ProgramFactory()), "mentor")
    lifecycle.checkin_submit(
        checkin=checkin, answers=ANSWERS, answered_by="mentor", by=checkin.tandem.mentor
    )

    with pytest.raises(ValidationError) as error:
        lifecycle.checkin_submit(
            checkin=checkin,
            answers={**ANSWERS, "wellbeing": 1},
            answered_by="mentor",
            by=checkin.tandem.mentor,
        )

    checkin.refresh_from_db()
    assert error.value.messages == ["This check-in has already been answered."]
    assert checkin.wellbeing == 4
