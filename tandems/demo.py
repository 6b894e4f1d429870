"""Demo people for `load_demo`: applicants in every stage, screening records, waiting mentees and
the demo mentor's tandem. Idempotent: everything is keyed by e-mail address or name."""

import random
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.services import user_create_verified
from programs.models import Program, TargetGroup, Topic
from tandems.services import intake, lifecycle, support

from . import services
from .figures_cache import figures_changed
from .models import (
    CHECKIN_ITEMS,
    Application,
    Channel,
    CheckIn,
    Goal,
    Meeting,
    Mentee,
    ProgramMessage,
    Rhythm,
    SupportContact,
    Tandem,
    Todo,
    VolunteerProfile,
    Weekday,
)

APPLICANTS = [
    ("Jonas Berger", 0),
    ("Aylin Demir", 1),
    ("Sophie Wagner", 2),
    ("Lukas Hoffmann", 3),
    ("Hanna Schulz", 4),
]
MENTEES = [
    ("Emil", 8, "Deutsch", ["lesen-und-sprache"]),
    ("Lina", 9, "Deutsch, Arabisch", ["lesen-und-sprache", "freizeit"]),
    ("Noah", 7, "Deutsch, Ukrainisch", ["schule-und-lernen"]),
]


def _profile(user, name: str, postcode: str = "04109") -> VolunteerProfile:
    profile = VolunteerProfile.objects.filter(user=user).first() or VolunteerProfile(user=user)
    profile.name = name
    profile.year_of_birth = 1985
    profile.postcode = postcode
    profile.languages = "Deutsch, Englisch"
    # A made-up number (the 000 block is not given out), the same on every run.
    profile.phone = f"0341 000 {sum(map(ord, name)) % 10000:04d}"
    profile.availability = ["mo-nachmittag", "mi-nachmittag", "sa-vormittag"]
    profile.preferred_age_groups = ["kinder"]
    profile.motivation = "Ich möchte Kindern die Freude am Lesen weitergeben."
    return services.volunteer_profile_save(
        profile=profile,
        interests=Topic.objects.filter(slug__in=["lesen-und-sprache", "freizeit"]),
        target_groups=TargetGroup.objects.filter(slug="kinder"),
    )


def _apply(program, user, stage_position: int, coordinator) -> Application:
    application = Application.objects.open().filter(program=program, volunteer=user).first()
    if application is None:
        application = services.application_submit(
            program=program, user=user, privacy_version="2026-11"
        )
    stages = services.pipeline_ensure_default(program=program)
    target = stages[stage_position]
    if target.needs_certificate and not services.volunteer_is_screened(
        program=program, volunteer=user
    ):
        today = timezone.localdate()
        services.screening_record_save(
            program=program,
            volunteer=user,
            inspected=True,
            certificate_issued_on=today - timedelta(days=20),
            inspected_on=today - timedelta(days=5),
            inspected_by=coordinator,
            relevant_entry=False,
        )
    if application.stage != target:
        application = services.application_advance(
            application=application, stage=target, by=coordinator
        )
    return application


@transaction.atomic
def create_demo_people(
    *, program: Program, coordinator, mentor, applicant, password_hash: str
) -> None:
    User = get_user_model()
    _profile(applicant, "Ben Bewerber")
    _apply(program, applicant, 1, coordinator)
    for n, (name, position) in enumerate(APPLICANTS):
        email = f"freiwillig{n + 1}@example.org"
        user = User.objects.filter(email=email).first() or user_create_verified(
            email=email, password_hash=password_hash, name=name
        )
        _profile(user, name, postcode=["04109", "04177", "04229", "04315", "04416"][n])
        _apply(program, user, position, coordinator)

    mentees = []
    for first_name, age, languages, interests in MENTEES:
        mentee = Mentee.objects.filter(program=program, first_name=first_name).first()
        if mentee is None:
            mentee = services.mentee_register(
                mentee=Mentee(
                    program=program,
                    first_name=first_name,
                    year_of_birth=timezone.localdate().year - age,
                    postcode="04109",
                    languages=languages,
                    availability=["mo-nachmittag"],
                    guardian_name="Erziehungsberechtigte (Demo)",
                    guardian_phone=f"0341 000 {age:02d}{len(first_name):02d}",
                    guardian_email=f"eltern.{first_name.lower()}@example.org",
                    goals_and_needs="Mehr Freude am Lesen.",
                ),
                interests=Topic.objects.filter(slug__in=interests),
                target_groups=TargetGroup.objects.filter(slug="kinder"),
                guardian_consent_version="2026-11",
            )
        mentees.append(mentee)

    _paper_application(program, coordinator)
    _imported_people(program, coordinator)

    _profile(mentor, "Mira Mentorin")
    _apply(program, mentor, 4, coordinator)
    if not Tandem.objects.filter(mentor=mentor, program=program).exists():
        tandem = services.tandem_propose(mentee=mentees[0], volunteer=mentor, by=coordinator)
        tandem = _run_demo_tandem(tandem, coordinator, started_days_ago=100, goals=DEMO_GOALS)
        lifecycle.meetings_plan_from_rhythm(tandem=tandem, by=mentor, weeks=4)
        # An open concern of the demo mentor: at the top of the coordinators' dashboard.
        support.concern_raise(program=program, tandem=tandem, by=mentor, text=DEMO_CONCERN)
    _other_demo_tandems(program, coordinator, password_hash)
    _coordinators_day(program, coordinator)
    _demo_document(program, coordinator, mentor)


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF written by pypdf, the agreement's title in a text box."""
    import io

    from pypdf import PdfWriter
    from pypdf.annotations import FreeText

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_annotation(
        page_number=0,
        annotation=FreeText(text=title, rect=(72, 720, 523, 780), font_size="16pt"),
    )
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _demo_document(program, coordinator, mentor) -> None:
    """The signed tandem agreement of the demo mentor's tandem, as a generated PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import Document
    from .services import documents

    tandem = Tandem.objects.filter(program=program, mentor=mentor).first()
    if tandem is None or Document.objects.filter(tandem=tandem).exists():
        return
    title = "Tandemvereinbarung, unterschrieben (Demo)"
    documents.document_add(
        program=program,
        upload=SimpleUploadedFile("tandemvereinbarung.pdf", _demo_pdf(title)),
        title=title,
        kind=Document.Kind.AGREEMENT,
        by=coordinator,
        tandem=tandem,
    )


def _coordinators_day(program, coordinator) -> None:
    """A message the coordinator sent to the program's mentors, and her to-dos of the week."""
    from .selectors import message_recipients
    from .services import messages, todos

    if not ProgramMessage.objects.filter(program=program).exists():
        messages.program_message_send(
            program=program,
            sender=coordinator,
            subject="Sommerfest der Lesepat:innen am 12. Juli",
            body=(
                "Liebe Mentor:innen,\n\nwir laden Sie und Ihre Lesekinder herzlich zu unserem "
                "Sommerfest im Stadtteilzentrum ein (Samstag, 12. Juli, 15 bis 18 Uhr). "
                "Bitte sagen Sie uns bis Ende Juni, ob Sie kommen.\n\nHerzliche Grüße"
            ),
            audience=ProgramMessage.Audience.MENTORS,
            recipients=list(message_recipients(program=program, audience="mentors")),
            description=str(ProgramMessage.Audience.MENTORS.label),
        )
    if Todo.objects.filter(program=program).exists():
        return
    today = timezone.localdate()
    waiting = Application.objects.open().filter(program=program).order_by("pk").first()
    mentee = Mentee.objects.filter(program=program, status=Mentee.Status.WAITING).first()
    tandem = Tandem.objects.filter(program=program, status=Tandem.Status.PAUSED).first()
    for title, days, link in (
        ("Kennenlerngespräch vereinbaren", 0, {"application": waiting}),
        ("Familie wegen der Sommerferien anrufen", 3, {"mentee": mentee}),
        ("Nach der Pause nachfragen, ob es weitergeht", 5, {"tandem": tandem}),
        ("Schulungstermine für den Herbst festlegen", 20, {}),
    ):
        todos.todo_create(
            program=program,
            title=title,
            due_on=today + timedelta(days=days),
            assignee=coordinator,
            by=coordinator,
            **{key: value for key, value in link.items() if value is not None},
        )


def _paper_application(program, coordinator) -> None:
    """An older lady who filled in the paper form at the library: entered by the coordinator."""
    if Application.objects.filter(program=program, channel=Channel.PAPER).exists():
        return
    today = timezone.localdate()
    profile = VolunteerProfile(
        name="Gisela Hartmann",
        form_of_address=VolunteerProfile.Address.MS,
        year_of_birth=1956,
        phone="0341 2345678",
        postcode="04229",
        languages="Deutsch, Russisch",
        availability=["di-vormittag", "do-vormittag"],
        preferred_age_groups=["kinder"],
        motivation="Ich war Grundschullehrerin und lese gern mit Kindern.",
        heard_from="Aushang in der Stadtbibliothek",
    )
    intake.paper_application_create(
        program=program,
        email="gisela.hartmann@example.org",
        profile=profile,
        by=coordinator,
        channel=Channel.PAPER,
        consent_method=Channel.PAPER,
        consent_given_on=today - timedelta(days=3),
        privacy_version="2026-11",
        interests=Topic.objects.filter(slug__in=["lesen-und-sprache"]),
        target_groups=TargetGroup.objects.filter(slug="kinder"),
    )


def _imported_people(program, coordinator) -> None:
    """Volunteers and mentees taken over from the program's old spreadsheet with the people
    import (/koordination/programme/<slug>/import/); importing again changes nothing."""
    from core.tabular import read_table
    from tandems import imports

    today = timezone.localdate()
    seen = (today - timedelta(days=20)).strftime("%d.%m.%Y")
    issued = (today - timedelta(days=40)).strftime("%d.%m.%Y")
    volunteers = (
        "E-Mail;Name;Geburtsjahr;PLZ;Stufe;Einwilligung am;Führungszeugnis ausgestellt am;"
        "Führungszeugnis eingesehen am\n"
        f"peter.import@example.org;Peter Import;1970;04155;Schulung;{seen};;\n"
        f"ilse.import@example.org;Ilse Import;1962;04277;bereit für Tandem;{seen};{issued};{seen}\n"
    )
    mentees = (
        "Externe ID;Vorname;Geburtsjahr;PLZ;Sorgeberechtigte Person;"
        "Einwilligung Sorgeberechtigte am\n"
        f"ALT-17;Mats;{today.year - 10};04155;Erziehungsberechtigte (Demo);{seen}\n"
        f"ALT-18;Zoe;{today.year - 11};04277;Erziehungsberechtigte (Demo);{seen}\n"
    )
    for kind, text in ((imports.VOLUNTEERS, volunteers), (imports.MENTEES, mentees)):
        imports.people_import(
            program=program, kind=kind, table=read_table(text.encode()), by=coordinator
        )


DEMO_CONCERN = (
    "Emil hatte beim Treffen am Mittwoch einen großen blauen Fleck am Oberarm. Auf meine Frage "
    "sagte er, er sei gefallen, wirkte dabei aber sehr still und wollte nicht nach Hause. "
    "Das ist mir in den letzten Wochen schon zweimal aufgefallen."
)
# A coordinator's support contacts, about monthly from the start: (with whom, how, summary).
SUPPORT_CONTACTS = [
    (SupportContact.With.SEVERAL, SupportContact.Channel.IN_PERSON,
     "Erstes Treffen zu dritt mit Mentorin und Mutter; Ziele und Rhythmus besprochen.", False),
    (SupportContact.With.MENTOR, SupportContact.Channel.PHONE,
     "Anruf bei der Mentorin: Treffen laufen regelmäßig, das Lesen macht Fortschritte.", False),
    (SupportContact.With.GUARDIAN, SupportContact.Channel.PHONE,
     "Gespräch mit der Mutter: zufrieden, wünscht sich mehr Hilfe bei den Hausaufgaben.", True),
    (SupportContact.With.MENTEE, SupportContact.Channel.IN_PERSON,
     "Kurz mit dem Kind beim Treffen in der Bibliothek gesprochen; es kommt gern.", False),
    (SupportContact.With.MENTOR, SupportContact.Channel.MESSAGE,
     "Nachricht an die Mentorin: Erinnerung an den Check-in und das Netzwerktreffen.", False),
]  # fmt: skip


def _support_contacts(tandem, coordinator, *, until) -> None:
    """About one contact a month from the start until `until`, rotating through the list: the
    last one lies a little more than a month back, so "Begleitung fällig" shows on the dashboard."""
    day, n = tandem.started_on + timedelta(days=3), 0
    while day <= until:
        with_whom, channel, summary, follow_up = SUPPORT_CONTACTS[n % len(SUPPORT_CONTACTS)]
        support.support_contact_log(
            tandem=tandem,
            by=coordinator,
            contacted_on=day,
            with_whom=with_whom,
            channel=channel,
            summary=summary,
            follow_up=follow_up,
        )
        day, n = day + timedelta(days=30), n + 1


DEMO_GOALS = [
    ("Jede Woche ein Kapitel zusammen lesen", Goal.Progress.NEARLY),
    ("Einen Bibliotheksausweis besorgen", Goal.Progress.REACHED),
    ("Eine Geschichte selbst schreiben", Goal.Progress.STARTED),
]
ACTIVITIES = [
    Meeting.Activity.READING,
    Meeting.Activity.READING,
    Meeting.Activity.TALK,
    Meeting.Activity.GAMES,
    Meeting.Activity.OUTDOORS,
    Meeting.Activity.CULTURE,
]
NOTES = ["", "", "Sehr konzentriert gelesen.", "Im Park gewesen.", "Hausaufgaben zusammen gemacht."]

# name, e-mail, mentee (first name, age), state, days since the start, end reason
OTHER_TANDEMS = [
    ("Paul Petersen", "mentor-vorgeschlagen@example.org", ("Mia", 10), "proposed", 0, ""),
    ("Greta Gruber", "mentor-pausiert@example.org", ("Ali", 11), "paused", 150, ""),
    ("Tom Berg", "mentor-abgeschlossen@example.org", ("Sara", 9), "closed", 330, "completed"),
    ("Ida Imhof", "mentor-beendet@example.org", ("Jan", 8), "ended_early", 120, "mentor_time"),
]


def _answers(rng: random.Random, base: int) -> dict:
    return {item: max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for item in CHECKIN_ITEMS}


def _run_demo_tandem(tandem, coordinator, *, started_days_ago: int, goals=(), until_days_ago=0):
    """Start the tandem in the past and give it a believable history up to `until_days_ago`."""
    rng = random.Random(tandem.pk)
    today = timezone.localdate()
    tandem = lifecycle.tandem_start(
        tandem=tandem,
        by=coordinator,
        started_on=today - timedelta(days=started_days_ago),
        rhythm=Rhythm.WEEKLY,
        preferred_weekday=Weekday.WEDNESDAY,
        preferred_time=time(16, 0),
    )
    for title, progress in goals:
        lifecycle.goal_set_progress(
            goal=lifecycle.goal_add(tandem=tandem, title=title), progress=progress
        )
    day = tandem.started_on + timedelta(days=2)
    while day <= today - timedelta(days=until_days_ago):
        status = rng.choices(
            [Meeting.Status.HELD, Meeting.Status.CANCELLED, Meeting.Status.MISSED], [8, 1, 1]
        )[0]
        lifecycle.meeting_log(
            tandem=tandem,
            by=tandem.mentor,
            day=day,
            status=status,
            duration_minutes=rng.choice([45, 60, 60, 90]),
            activity=rng.choice(ACTIVITIES) if status == Meeting.Status.HELD else "",
            note=rng.choice(NOTES) if status == Meeting.Status.HELD else "",
            at=time(16, 0),
        )
        day += timedelta(days=7)
    _support_contacts(tandem, coordinator, until=today - timedelta(days=until_days_ago + 30))
    # Check-ins that fell due are answered, mostly; well-being rises a little over time.
    for n, checkin in enumerate(tandem.checkins.due(on=today - timedelta(days=until_days_ago))):
        if rng.random() < 0.85:
            answered_by = (
                CheckIn.AnsweredBy.MENTOR
                if checkin.respondent == CheckIn.Respondent.MENTOR
                else CheckIn.AnsweredBy.MENTEE_WITH_MENTOR
            )
            lifecycle.checkin_submit(
                checkin=checkin,
                answers=_answers(rng, 3 + min(n // 2, 1)),
                answered_by=answered_by,
                by=tandem.mentor,
            )
    return tandem


def _other_demo_tandems(program, coordinator, password_hash):
    """One tandem in each remaining state, each with its own demo mentor and mentee."""
    User = get_user_model()
    today = timezone.localdate()
    for name, email, (first_name, age), state, days, reason in OTHER_TANDEMS:
        user = User.objects.filter(email=email).first() or user_create_verified(
            email=email, password_hash=password_hash, name=name
        )
        if Tandem.objects.filter(mentor=user, program=program).exists():
            continue
        _profile(user, name)
        _apply(program, user, 4, coordinator)
        mentee = services.mentee_register(
            mentee=Mentee(
                program=program,
                first_name=first_name,
                year_of_birth=today.year - age,
                postcode="04109",
                languages="Deutsch",
                guardian_name="Erziehungsberechtigte (Demo)",
            ),
            guardian_consent_version="2026-11",
        )
        tandem = services.tandem_propose(mentee=mentee, volunteer=user, by=coordinator)
        if state == Tandem.Status.PROPOSED:
            continue
        until = {"paused": 20, "closed": 30, "ended_early": 60}[state]
        tandem = _run_demo_tandem(tandem, coordinator, started_days_ago=days, until_days_ago=until)
        if state == Tandem.Status.PAUSED:
            lifecycle.tandem_pause(tandem=tandem, by=coordinator, note="Familie ist verreist.")
        else:
            lifecycle.tandem_end(
                tandem=tandem,
                by=coordinator,
                ended_on=today - timedelta(days=until),
                reason=reason,
                note="Demo",
            )


GENERATED_EMAIL = "tandem-{seed}-{n}@generated.example.org"
FIRST_NAMES = ["Emma", "Ben", "Mila", "Leon", "Hana", "Yusuf", "Lea", "Milan", "Sofia", "Elias"]
# Share of the generated tandems in each state, like a network in its third year.
STATE_WEIGHTS = {
    Tandem.Status.ACTIVE: 58,
    Tandem.Status.PAUSED: 5,
    Tandem.Status.PROPOSED: 5,
    Tandem.Status.CLOSED: 22,
    Tandem.Status.ENDED_EARLY: 10,
}


def generate_tandems(*, count: int, seed: int, programs: list, focus: list, focus_share=0.2) -> int:
    """A benchmark set of `count` tandems with mentors, mentees, meetings and check-ins.

    Bulk inserts in batches; a share goes to the `focus` programs (the demo coordinator's) so
    that their dashboard works on tens of thousands of tandems. Idempotent for the same seed:
    mentors are keyed by e-mail address, and only the missing ones are added.
    """
    User = get_user_model()
    prefix = GENERATED_EMAIL.format(seed=seed, n="")[: -len("@generated.example.org")]
    existing = User.objects.filter(email__startswith=prefix).count()
    created = 0
    for start in range(existing, count, 5000):
        with transaction.atomic():
            created += _generate_batch(
                range(start, min(start + 5000, count)), seed, programs, focus, focus_share
            )
    return created


def _generate_batch(numbers, seed: int, programs: list, focus: list, focus_share: float) -> int:
    User = get_user_model()
    rng = random.Random(f"{seed}-{numbers.start}")
    today = timezone.localdate()
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                email=GENERATED_EMAIL.format(seed=seed, n=n),
                name=f"Mentor:in {n}",
                password="!",  # no password: generated accounts cannot sign in
            )
            for n in numbers
        ]
    )
    VolunteerProfile.objects.bulk_create(
        [
            VolunteerProfile(
                user=user,
                name=user.name,
                year_of_birth=rng.randint(1950, 2004),
                postcode="04109",
                languages="Deutsch",
                motivation="Generiert.",
            )
            for user in users
        ]
    )
    chosen = [
        rng.choice(focus) if rng.random() < focus_share else rng.choice(programs) for _ in users
    ]
    states = rng.choices(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()), k=len(users))
    mentees = Mentee.objects.bulk_create(
        [
            Mentee(
                program=program,
                first_name=rng.choice(FIRST_NAMES),
                year_of_birth=rng.randint(2010, 2019),
                postcode="04109",
                languages="Deutsch",
                status=Mentee.Status.MATCHED if state in Tandem.CURRENT else Mentee.Status.INACTIVE,
                waiting_since=today - timedelta(days=rng.randint(30, 900)),
            )
            for program, state in zip(chosen, states, strict=True)
        ]
    )
    tandems = []
    for user, mentee, program, state in zip(users, mentees, chosen, states, strict=True):
        started = (
            None if state == Tandem.Status.PROPOSED else today - timedelta(days=rng.randint(1, 700))
        )
        planned_end = started and lifecycle.add_months(started, 12)
        ended = None
        if state in Tandem.ENDED:
            ended = (
                min(planned_end, today)
                if state == Tandem.Status.CLOSED
                else started + timedelta(days=rng.randint(1, 200))
            )
            ended = min(ended, today)
        tandems.append(
            Tandem(
                program=program,
                mentor=user,
                mentee=mentee,
                status=state,
                status_changed_at=now,
                started_on=started,
                planned_end_on=planned_end,
                ended_on=ended,
                end_reason=(
                    Tandem.EndReason.COMPLETED
                    if state == Tandem.Status.CLOSED
                    else Tandem.EndReason.MENTOR_TIME
                    if state == Tandem.Status.ENDED_EARLY
                    else ""
                ),
                rhythm=Rhythm.WEEKLY,
                preferred_weekday=rng.choice(Weekday.values[:5]),
                preferred_time=time(rng.choice([15, 16, 17, 18]), 0),
                last_contact_on=(
                    None
                    if started is None
                    else min(ended or today, today - timedelta(days=rng.randint(0, 40)))
                ),
            )
        )
    tandems = Tandem.objects.bulk_create(tandems)
    meetings, checkins = [], []
    for tandem in tandems:
        if tandem.started_on is None:
            continue
        last = tandem.last_contact_on or tandem.started_on
        for weeks_before in (0, 1, 2):
            day = max(last - timedelta(weeks=weeks_before), tandem.started_on)
            meetings.append(
                Meeting(
                    tandem=tandem,
                    status=Meeting.Status.HELD,
                    starts_at=lifecycle.local_datetime(day, tandem.preferred_time),
                    duration_minutes=rng.choice([45, 60, 90]),
                    activity=rng.choice(ACTIVITIES),
                    logged_at=now,
                )
            )
        if tandem.is_running:
            meetings.append(
                Meeting(
                    tandem=tandem,
                    starts_at=lifecycle.local_datetime(
                        today + timedelta(days=rng.randint(1, 7)), tandem.preferred_time
                    ),
                )
            )
        for occasion, due in lifecycle.checkin_dates(
            started_on=tandem.started_on, planned_end_on=tandem.planned_end_on, interval_months=3
        )[:3]:
            if tandem.ended_on and due > tandem.ended_on:
                break
            for respondent in CheckIn.Respondent.values:
                answered = due <= today and rng.random() < 0.8
                checkins.append(
                    CheckIn(
                        tandem=tandem,
                        respondent=respondent,
                        occasion=occasion,
                        due_on=due,
                        completed_at=now if answered else None,
                        answered_by=(
                            ""
                            if not answered
                            else CheckIn.AnsweredBy.MENTOR
                            if respondent == CheckIn.Respondent.MENTOR
                            else CheckIn.AnsweredBy.MENTEE_WITH_MENTOR
                        ),
                        **(
                            _answers(rng, 3 + (occasion != CheckIn.Occasion.START))
                            if answered
                            else {}
                        ),
                    )
                )
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    CheckIn.objects.bulk_create(checkins, batch_size=5000)
    figures_changed(program.pk for program in programs)
    return len(tandems)
