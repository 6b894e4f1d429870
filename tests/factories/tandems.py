"""Builders of the people side: through the services (an applicant, a screening, a mentee), and
rows made directly for reports and query counts (the services refuse dates a year back)."""

import itertools
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from programs.models import TargetGroup, Topic
from tandems import services
from tandems.models import CheckIn, Meeting, Mentee, Tandem, VolunteerProfile
from tandems.services.lifecycle import local_datetime
from tests.factories import UserFactory

# --- Through the services ----------------------------------------------------------------------

TODAY = timezone.localdate


def profile_for(user, **fields) -> VolunteerProfile:
    values = {
        "name": user.name or "Freiwillige Person",
        "year_of_birth": 1990,
        "postcode": "04109",
        "languages": "Deutsch",
        "motivation": "I would like to read with children.",
        "availability": ["mo-nachmittag", "mi-nachmittag"],
    }
    values.update(fields)
    interests = values.pop("interests", [])
    return services.volunteer_profile_save(
        profile=VolunteerProfile(user=user, **values),
        interests=Topic.objects.filter(slug__in=interests),
    )


def applicant(program, **profile_fields):
    user = UserFactory()
    profile_for(user, **profile_fields)
    return services.application_submit(program=program, user=user, privacy_version="2026-11")


def screen(application, *, inspected_on=None, issued_days_before=30, relevant_entry=False):
    inspected_on = inspected_on or TODAY()
    return services.screening_record_save(
        program=application.program,
        volunteer=application.volunteer,
        inspected=True,
        certificate_issued_on=inspected_on - timedelta(days=issued_days_before),
        inspected_on=inspected_on,
        inspected_by=UserFactory(),
        relevant_entry=relevant_entry,
    )


def make_ready(application):
    screen(application)
    ready = application.program.pipeline_stages.get(is_ready=True)
    return services.application_advance(application=application, stage=ready, by=UserFactory())


def new_mentee(program, **fields) -> Mentee:
    values = {
        "first_name": "Ali",
        "year_of_birth": TODAY().year - 9,
        "postcode": "04109",
        "languages": "Deutsch, Arabisch",
        "guardian_name": "Familie K.",
    }
    values.update(fields)
    interests = values.pop("interests", [])
    return services.mentee_register(
        mentee=Mentee(program=program, **values),
        interests=Topic.objects.filter(slug__in=interests),
        target_groups=TargetGroup.objects.filter(slug="kinder"),
        guardian_consent_version="eltern-2026",
    )


# --- Rows made directly: the services refuse dates more than a year back ----------------------


def mentee_row(program, first_name="Kind") -> Mentee:
    return Mentee.objects.create(
        program=program,
        first_name=first_name,
        year_of_birth=2015,
        postcode="04109",
        languages="Deutsch",
        status=Mentee.Status.MATCHED,
    )


_mentor_numbers = itertools.count()


def mentor_row():
    # Without a password: hashing one for every mentor would make these tests slow.
    number = next(_mentor_numbers)
    return get_user_model().objects.create(
        email=f"mentor-{number}@example.org", name=f"Mentorin {number}"
    )


def make_tandem(program, status, started_on=None, ended_on=None, end_reason="", **fields):
    return Tandem.objects.create(
        program=program,
        mentor=fields.pop("mentor", None) or mentor_row(),
        mentee=fields.pop("mentee", None) or mentee_row(program),
        status=status,
        started_on=started_on,
        ended_on=ended_on,
        end_reason=end_reason,
        **fields,
    )


def make_meeting(tandem, day, status, minutes=60, at=time(17, 0)) -> Meeting:
    return Meeting.objects.create(
        tandem=tandem, starts_at=local_datetime(day, at), status=status, duration_minutes=minutes
    )


def make_checkin(tandem, respondent, occasion, day, wellbeing, self_efficacy, satisfaction):
    first, second, third = self_efficacy
    return CheckIn.objects.create(
        tandem=tandem,
        respondent=respondent,
        occasion=occasion,
        due_on=day,
        completed_at=local_datetime(day, time(12, 0)),
        wellbeing=wellbeing,
        self_efficacy_1=first,
        self_efficacy_2=second,
        self_efficacy_3=third,
        satisfaction=satisfaction,
    )


def bulk_tandems(program, count: int, first: int = 0) -> None:
    """`count` tandems of the program with a held meeting and two answered check-ins each."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(email=f"bericht{n}@example.org", name=f"Mentor {n}")
        for n in range(first, first + count)
    )
    mentees = Mentee.objects.bulk_create(
        Mentee(
            program=program, first_name=f"Kind {n}", year_of_birth=2015, postcode="04109",
            languages="Deutsch", status=Mentee.Status.MATCHED,
        )
        for n in range(count)
    )  # fmt: skip
    tandems = Tandem.objects.bulk_create(
        Tandem(
            program=program, mentor=user, mentee=mentee, status=Tandem.Status.ACTIVE,
            started_on=date(2025, 1 + n % 12, 1),
        )
        for n, (user, mentee) in enumerate(zip(users, mentees, strict=True))
    )  # fmt: skip
    Meeting.objects.bulk_create(
        Meeting(
            tandem=tandem, status=Meeting.Status.HELD, duration_minutes=60,
            starts_at=local_datetime(tandem.started_on, time(16, 0)),
        )
        for tandem in tandems
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(
            tandem=tandem, respondent=respondent, occasion=CheckIn.Occasion.START,
            due_on=tandem.started_on,
            completed_at=local_datetime(tandem.started_on, time(18, 0)), wellbeing=4,
            self_efficacy_1=3, self_efficacy_2=4, self_efficacy_3=5, satisfaction=4,
        )
        for tandem in tandems
        for respondent in CheckIn.Respondent
    )  # fmt: skip


def quiet_tandem(program, *, days: int, mentee_name="Kind") -> Tandem:
    """A running tandem without a meeting for `days` days, supported today, without open
    check-ins. Written past the signals (an update, a queryset's delete), so the dashboard is
    told, as a bulk writer tells it."""
    from tandems.figures_cache import figures_changed
    from tests.factories import running_tandem

    tandem = running_tandem(
        program,
        mentee_name=mentee_name,
        started_on=timezone.localdate() - timedelta(days=days + 10),
    )
    Tandem.objects.filter(pk=tandem.pk).update(
        last_contact_on=timezone.localdate() - timedelta(days=days),
        last_support_on=timezone.localdate(),
    )
    CheckIn.objects.filter(tandem=tandem).delete()
    figures_changed([program.pk])
    return tandem
