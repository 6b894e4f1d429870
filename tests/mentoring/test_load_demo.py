import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from programs.models import Program, ProgramCoordinator

DEMO_EMAILS = [
    "betrieb@example.org",
    "netzwerk@example.org",
    "koordination@example.org",
    "koordination2@example.org",
    "mentorin@example.org",
    "bewerber@example.org",
]


@pytest.mark.django_db
def test_load_demo_creates_verified_logins_and_prints_them(capsys):
    call_command("load_demo")

    out = capsys.readouterr().out
    users = get_user_model().objects.filter(email__in=DEMO_EMAILS)
    assert sorted(u.email for u in users) == sorted(DEMO_EMAILS)
    assert all(u.check_password("mentoring-demo") for u in users)
    assert EmailAddress.objects.filter(email__in=DEMO_EMAILS, verified=True).count() == 6
    assert [e for e in DEMO_EMAILS if e in out] == DEMO_EMAILS


@pytest.mark.django_db
def test_load_demo_roles():
    call_command("load_demo")

    User = get_user_model()
    staff = User.objects.get(email="netzwerk@example.org")
    operator = User.objects.get(email="betrieb@example.org")
    assert (staff.is_staff, staff.is_superuser) == (True, False)
    assert (operator.is_staff, operator.is_superuser) == (True, True)
    assert User.objects.filter(is_superuser=True).count() == 1
    leipzig = Program.objects.get(name="Lesepat:innen Leipzig")
    assert list(leipzig.coordinators.values_list("email", flat=True)) == [
        "koordination@example.org"
    ]
    coordinator2_programs = Program.objects.filter(coordinators__email="koordination2@example.org")
    assert leipzig not in coordinator2_programs
    assert coordinator2_programs.count() == 1


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    call_command("load_demo")
    counts = (
        get_user_model().objects.count(),
        Program.objects.count(),
        ProgramCoordinator.objects.count(),
    )

    call_command("load_demo", password="anderes-passwort")

    assert (
        get_user_model().objects.count(),
        Program.objects.count(),
        ProgramCoordinator.objects.count(),
    ) == counts
    assert (
        get_user_model()
        .objects.get(email="mentorin@example.org")
        .check_password("anderes-passwort")
    )


def _demo_code(at: float) -> str:
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value("MENTORINGDEMO234", int(at // mfa_settings.TOTP_PERIOD)))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "page"),
    [
        ("koordination@example.org", "/koordination/"),
        ("netzwerk@example.org", "/netzwerk/"),
        ("betrieb@example.org", "/admin/"),
    ],
)
def test_demo_login_works_with_the_published_second_factor(client, email, page):
    import time

    call_command("load_demo", stdout=io.StringIO())

    response = client.post("/konto/login/", {"login": email, "password": "mentoring-demo"})
    second = client.post("/konto/2fa/authenticate/", {"code": _demo_code(time.time())})

    assert (response.status_code, response["Location"]) == (302, "/konto/2fa/authenticate/")
    assert second.status_code == 302
    assert client.get(page).status_code == 200


@pytest.mark.django_db
def test_only_the_demo_roles_get_the_demo_authenticator():
    from allauth.mfa.models import Authenticator

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())

    with_app = Authenticator.objects.filter(type="totp").values_list("user__email", flat=True)
    assert sorted(with_app) == [
        "betrieb@example.org",
        "koordination2@example.org",
        "koordination@example.org",
        "netzwerk@example.org",
    ]


@pytest.mark.django_db
def test_load_demo_people_in_every_stage_and_the_demo_tandem():
    from tandems.models import Application, Mentee, ScreeningRecord, Tandem

    call_command("load_demo")
    call_command("load_demo")

    leipzig = Program.objects.get(name="Lesepat:innen Leipzig")
    stages = set(
        Application.objects.open().filter(program=leipzig).values_list("stage__position", flat=True)
    )
    assert stages == {0, 1, 2, 3, 4}
    assert (
        Application.objects.open().get(volunteer__email="bewerber@example.org").program == leipzig
    )
    tandem = Tandem.objects.get(mentor__email="mentorin@example.org")
    assert (tandem.status, tandem.program) == ("active", leipzig)
    assert leipzig.coordinators.filter(email="koordination@example.org").exists()
    # Two registered in the portal, two taken over with the people import (Mats and Zoe).
    assert Mentee.objects.filter(program=leipzig, status="waiting").count() == 4
    # Seven recorded in the portal, one taken over with the people import (Ilse Import).
    assert ScreeningRecord.objects.filter(program=leipzig).count() == 8


@pytest.mark.django_db
def test_load_demo_restores_missing_vocabularies():
    from programs.models import TargetGroup

    TargetGroup.objects.all().delete()

    call_command("load_demo", programs=5)

    assert TargetGroup.objects.filter(slug="kinder").exists()
    assert Program.objects.filter(slug__startswith="demo-generated-").count() == 5


@pytest.mark.clock
@pytest.mark.django_db
def test_load_demo_tandems_in_every_state_with_history():
    from tandems.models import CheckIn, Meeting, Tandem

    call_command("load_demo")
    call_command("load_demo")

    leipzig = Program.objects.get(name="Lesepat:innen Leipzig")
    states = sorted(Tandem.objects.filter(program=leipzig).values_list("status", flat=True))
    assert states == ["active", "closed", "ended_early", "paused", "proposed"]
    demo = Tandem.objects.get(mentor__email="mentorin@example.org")
    assert demo.meetings.filter(status=Meeting.Status.HELD).count() >= 10
    assert demo.meetings.planned().filter(starts_at__gt=timezone.now()).count() == 4
    assert demo.goals.count() == 3
    assert demo.checkins.filter(occasion=CheckIn.Occasion.START).completed().exists()
    closed = Tandem.objects.get(program=leipzig, status="closed")
    assert closed.checkins.filter(occasion=CheckIn.Occasion.CLOSURE).count() == 2


@pytest.mark.django_db
def test_load_demo_generates_tandems_once_per_seed():
    from tandems.models import CheckIn, Meeting, Tandem

    call_command("load_demo", tandems=40, seed=3)
    generated = Tandem.objects.filter(mentor__email__endswith="@generated.example.org")
    counts = (generated.count(), Meeting.objects.count(), CheckIn.objects.count())
    call_command("load_demo", tandems=40, seed=3)

    assert generated.count() == 40
    assert (generated.count(), Meeting.objects.count(), CheckIn.objects.count()) == counts
    assert set(generated.values_list("status", flat=True)) == set(Tandem.Status.values)
    assert not generated.exclude(status="proposed").filter(started_on__isnull=True).exists()
    assert not generated.filter(status__in=Tandem.ENDED, ended_on__isnull=True).exists()


@pytest.mark.django_db
def test_load_demo_sends_no_mail_and_leaves_none_to_send(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    assert mailoutbox == []
    rows = Notification.objects.all()
    # The applications' status mails, the coordinators' mails of each new application, the
    # mentors' mails of their tandems' steps, the demo message to the mentors and the open demo
    # concern's mail to its coordinator, the open demo invitation to coordinate and the network's
    # answer to the demo proposal.
    assert rows.count() == 48
    assert set(rows.values_list("state", "error")) == {("skipped", "demo data: not sent")}


@pytest.mark.django_db
def test_load_demo_prints_only_the_address_the_logins_and_where_mails_go(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert out.getvalue().splitlines() == [
        "Demo data is ready.",
        "",
        "The portal: http://127.0.0.1:8123/",
        "Demo logins, each with the password mentoring-demo:",
        "  betrieb@example.org          operator (superuser: the admin, settings)",
        "  netzwerk@example.org         network staff (/netzwerk/, no people records)",
        "  koordination@example.org     coordinator in Leipzig and Dresden",
        "  koordination2@example.org    coordinator in Duisburg",
        "  mentorin@example.org         volunteer, mentor in a tandem",
        "  bewerber@example.org         volunteer with an open application",
        "Coordinators, staff and the operator sign in with a second factor: add the secret "
        "MENTORINGDEMO234 to an authenticator app (TOTP, 6 digits, 30 s), or run "
        "oathtool --totp -b MENTORINGDEMO234",
        "E-mails (e.g. to confirm a sign-up) are not sent: the server prints them in its "
        "console, this terminal.",
        "",
    ]


@pytest.mark.django_db
def test_load_demo_if_empty_loads_into_an_empty_database():
    call_command("load_demo", if_empty=True, stdout=io.StringIO())

    assert sorted(
        get_user_model().objects.filter(email__in=DEMO_EMAILS).values_list("email", flat=True)
    ) == sorted(DEMO_EMAILS)
    assert Program.objects.filter(name="Lesepat:innen Leipzig").exists()


@pytest.mark.django_db
def test_load_demo_if_empty_keeps_a_database_with_data_as_it_is():
    call_command("load_demo", stdout=io.StringIO())
    leipzig = Program.objects.get(name="Lesepat:innen Leipzig")
    leipzig.name = "Lesepat:innen Leipzig-Grünau"
    leipzig.save(update_fields=["name"])
    get_user_model().objects.filter(email="bewerber@example.org").delete()
    counts = (get_user_model().objects.count(), Program.objects.count())
    out = io.StringIO()

    call_command("load_demo", if_empty=True, password="anderes-passwort", stdout=out)

    assert (get_user_model().objects.count(), Program.objects.count()) == counts
    assert Program.objects.get(pk=leipzig.pk).name == "Lesepat:innen Leipzig-Grünau"
    assert not get_user_model().objects.filter(email="bewerber@example.org").exists()
    mentor = get_user_model().objects.get(email="mentorin@example.org")
    assert mentor.check_password("mentoring-demo")
    assert out.getvalue().startswith("The database holds data already: kept as it is")


@pytest.mark.django_db
def test_load_demo_shows_a_proposal_sent_back_on_the_coordination_page(client):
    from programs.models import ModerationNotice

    call_command("load_demo")
    call_command("load_demo")

    (proposal,) = Program.objects.filter(name="Lernwerkstatt Leipzig-Grünau")
    (notice,) = ModerationNotice.objects.all()
    assert (proposal.status, notice.decision, notice.recipient.email) == (
        Program.Status.DRAFT,
        ModerationNotice.Decision.SENT_BACK,
        "koordination@example.org",
    )
    client.force_login(notice.recipient)
    assert "Bitte ergänzen Sie eine Kontaktperson" in client.get("/koordination/").content.decode()
