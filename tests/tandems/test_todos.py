"""The coordinators' to-dos: create (validated), list with filters, mark done, the dashboard and
the weekly overview; the number of queries does not grow with the to-dos."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandems.models import Todo
from tandems.services import todos as todo_services
from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory
from tests.factories.tandems import applicant, new_mentee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TODOS = "/en/koordination/aufgaben/"
NEW = "/en/koordination/aufgaben/neu/"


@pytest.fixture
def team(db):
    program = ProgramFactory(name="Lesepaten Süd")
    me = ProgramCoordinatorFactory(program=program).user
    colleague = ProgramCoordinatorFactory(program=program).user
    other = ProgramCoordinatorFactory(program=ProgramFactory(name="Anderes Programm"))
    return {"program": program, "me": me, "colleague": colleague, "other": other}


def post_new(client, team, **fields):
    values = {
        "title": "Anrufen",
        "program": team["program"].pk,
        "due_on": timezone.localdate().isoformat(),
        "assignee": team["colleague"].pk,
    }
    values.update(fields)
    return client.post(NEW, values)


def test_a_coordinator_creates_a_todo_for_a_colleague(client, team):
    client.force_login(team["me"])

    response = post_new(client, team)

    assert response.status_code == 302
    todo = Todo.objects.get()
    assert (todo.title, todo.assignee, todo.created_by, todo.program) == (
        "Anrufen",
        team["colleague"],
        team["me"],
        team["program"],
    )


def test_the_form_says_that_the_person_receives_the_title(client, team):
    """The title of a to-do about an applicant or a mentee is in that person's data export."""
    client.force_login(team["me"])

    html = client.get("/koordination/aufgaben/neu/").content.decode()

    assert "erhält deren Titel auf Anfrage mit ihren Daten (Auskunft nach Art. 15 DSGVO)" in html


def test_a_todo_in_the_past_is_refused(client, team):
    client.force_login(team["me"])
    yesterday = timezone.localdate() - timedelta(days=1)

    response = post_new(client, team, due_on=yesterday.isoformat())

    assert "The due date lies in the past." in response.content.decode()
    assert Todo.objects.count() == 0


def test_the_assignee_must_coordinate_the_program(client, team):
    client.force_login(team["me"])
    stranger = UserFactory()

    response = post_new(client, team, assignee=stranger.pk)

    assert "Select a valid choice." in response.content.decode()
    assert Todo.objects.count() == 0
    with pytest.raises(Exception, match="one of the program's coordinators"):
        todo_services.todo_create(
            program=team["program"],
            title="X",
            due_on=timezone.localdate(),
            assignee=team["other"].user,
            by=team["me"],
        )


def test_a_link_to_another_programs_record_answers_404(client, team):
    foreign = new_mentee(team["other"].program)
    client.force_login(team["me"])

    assert client.get(NEW, {"mentee": foreign.pk}).status_code == 404
    assert post_new(client, team, mentee=foreign.pk).status_code == 404
    assert client.get(NEW, {"tandem": "abc"}).status_code == 404
    assert Todo.objects.count() == 0


def test_a_record_of_another_of_my_programs_is_refused_in_german(client, team):
    second = ProgramFactory()
    ProgramCoordinatorFactory(program=second, user=team["me"])
    mentee = new_mentee(second)
    client.force_login(team["me"])

    response = post_new(client, team, mentee=mentee.pk, assignee=team["me"].pk)

    assert "This record belongs to another program." in response.content.decode()
    assert Todo.objects.count() == 0


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ("", "This field is required."),
        ("x" * 2000, "Ensure this value has at most 200 characters"),
        ("\u200b\u200b", "invisible"),
    ],
)
def test_bad_titles_are_refused(client, team, title, error):
    client.force_login(team["me"])

    response = post_new(client, team, title=title)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Todo.objects.count() == 0


def test_the_create_page_is_prefilled_from_an_application(client, team):
    application = applicant(team["program"], name="Paula Probe")
    client.force_login(team["me"])

    html = client.get(NEW, {"application": application.pk}).content.decode()

    assert "Application of Paula Probe" in html
    assert f'name="application" value="{application.pk}"' in html
    page = client.get(reverse("tandems:coordination_application", args=[application.pk]))
    assert f"/aufgaben/neu/?application={application.pk}" in page.content.decode()


def make(team, title, days=0, assignee=None, done=False):
    todo = todo_services.todo_create(
        program=team["program"],
        title=title,
        due_on=timezone.localdate() + timedelta(days=days),
        assignee=assignee,
        by=team["me"],
    )
    if done:
        todo_services.todo_done(todo=todo, by=team["me"])
    return todo


def test_the_list_filters_mine_and_done(client, team):
    make(team, "Meine Aufgabe", assignee=team["me"])
    make(team, "Kollegin", assignee=team["colleague"])
    make(team, "Erledigt", assignee=team["me"], done=True)
    todo_services.todo_create(
        program=team["other"].program,
        title="Fremd",
        due_on=timezone.localdate(),
        assignee=None,
        by=None,
    )
    client.force_login(team["me"])

    everything = client.get(TODOS).content.decode()
    mine = client.get(TODOS, {"who": "mine"}).content.decode()
    done = client.get(TODOS, {"state": "done"}).content.decode()
    bad = client.get(TODOS, {"program": "9999999"})

    assert ("Meine Aufgabe" in everything, "Kollegin" in everything) == (True, True)
    assert ("Erledigt" in everything, "Fremd" in everything) == (False, False)
    assert ("Meine Aufgabe" in mine, "Kollegin" in mine) == (True, False)
    assert ("Erledigt" in done, "Meine Aufgabe" in done) == (True, False)
    assert bad.status_code == 200
    assert "The filter could not be applied." in bad.content.decode()


def test_marking_done_and_another_programs_todo(client, team):
    todo = make(team, "Anrufen")
    foreign = todo_services.todo_create(
        program=team["other"].program, title="Fremd", due_on=timezone.localdate(), assignee=None,
        by=None,
    )  # fmt: skip
    client.force_login(team["me"])

    response = client.post(reverse("tandems:coordination_todo_done", args=[todo.pk]))
    again = client.post(reverse("tandems:coordination_todo_done", args=[todo.pk]), follow=True)
    refused = client.post(reverse("tandems:coordination_todo_done", args=[foreign.pk]))

    assert response.status_code == 302
    todo.refresh_from_db()
    assert todo.done_at is not None
    assert "This to-do is already done." in again.content.decode()
    assert refused.status_code == 404


def test_due_todos_on_the_dashboard(client, team):
    make(team, "Heute fällig")
    make(team, "In sechs Tagen", days=6)
    make(team, "Nächsten Monat", days=30)
    overdue = make(team, "Überfällig")
    Todo.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(team["me"])

    html = client.get("/en/koordination/").content.decode()

    assert ("Heute fällig" in html, "In sechs Tagen" in html) == (True, True)
    assert "Nächsten Monat" not in html
    assert "overdue since" in html


def _bulk(team, count):
    Todo.objects.bulk_create(
        Todo(
            program=team["program"],
            title=f"Aufgabe {n}",
            due_on=timezone.localdate(),
            assignee=team["me"],
            tandem=None,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("url", [TODOS, "/en/koordination/"])
def test_queries_do_not_grow_with_the_todos(client, team, url):
    client.force_login(team["me"])
    _bulk(team, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _bulk(team, 499)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200

    assert len(many) == len(one)


def test_the_weekly_overview_lists_the_due_todos(team, mailoutbox):
    from notifications import services as outbox
    from notifications.models import Notification
    from notifications.sending import deliver

    make(team, "Elternabend vorbereiten", assignee=team["colleague"])
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    row = outbox.notify(
        Notification.Kind.COORDINATOR_DIGEST,
        about=team["me"],
        to=team["me"],
        occurrence=f"test-{monday.isoformat()}",
    )

    deliver(row.pk)

    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    (message,) = [m for m in mailoutbox if m.to == [team["me"].email]]
    assert "Fällige Aufgaben:" in message.body
    assert "Elternabend vorbereiten" in message.body


@pytest.mark.clock
def test_retention_deletes_done_todos_after_a_year_and_keeps_open_ones(team):
    import time_machine

    from privacy import retention

    done = make(team, "Längst erledigt", done=True)
    still_open = make(team, "Noch offen")
    Todo.objects.filter(pk=done.pk).update(done_at=timezone.now() - timedelta(days=200))

    with time_machine.travel(timezone.now() + timedelta(days=100), tick=False):
        assert retention.plan().counts()["todos"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=200), tick=False):
        retention.run()

    assert list(Todo.objects.values_list("pk", flat=True)) == [still_open.pk]
