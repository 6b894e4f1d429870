"""A program's audit trail for its coordinators: /koordination/programme/<slug>/protokoll/."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit import services
from tandems.models import Mentee
from tests.factories import ProgramCoordinatorFactory, UserFactory, running_tandem
from tests.factories.tandems import applicant, new_mentee


def trail_url(program) -> str:
    return f"/koordination/programme/{program.slug}/protokoll/"


def shown(response) -> list[tuple[str, str, str, str]]:
    """(who, what, kind, record) of each row on the page."""
    return [(r.who, r.what, r.kind, r.record) for r in response.context["rows"]]


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_trail_shows_who_did_what_with_which_record_newest_first(
    coordinator_client, program, coordinator
):
    coordinator.name = "Kora Koordinatorin"
    coordinator.save()
    mentee = new_mentee(program, first_name="Samira")
    application = applicant(program)
    coordinator_client.get(f"/koordination/mentees/{mentee.pk}/")

    response = coordinator_client.get(trail_url(program))

    assert response.status_code == 200
    rows = shown(response)
    assert rows[0] == ("Kora Koordinatorin", "angesehen", "Mentee", "Mentee: Samira")
    assert ("das Portal (keine Person)", "angelegt", "Mentee", "Mentee: Samira") in rows
    assert (
        "das Portal (keine Person)",
        "angelegt",
        "Bewerbung",
        f"Bewerbung #{application.pk}",
    ) in rows
    times = [r.at for r in response.context["rows"]]
    assert times == sorted(times, reverse=True)


def test_trail_shows_changed_fields_with_plain_values_only(coordinator_client, program):
    mentee = new_mentee(program, first_name="Samira")
    mentee.status = Mentee.Status.INACTIVE
    mentee.guardian_phone = "0341 99 88 77"
    mentee.save()

    response = coordinator_client.get(trail_url(program), {"aktion": "geaendert"})

    [row] = response.context["rows"]
    # Values of the status, not of the contact: only that it changed. The fields in the model's
    # order on every database (PostgreSQL's jsonb reorders the stored keys, SQLite does not).
    assert [(c.name, c.old, c.new) for c in row.changes] == [
        ("Telefon der erziehungsberechtigten Person", None, None),
        ("Status", "wartet auf eine:n Mentor:in", "wartet nicht mehr"),
    ]
    assert "0341 99 88 77" not in response.content.decode()


def test_trail_of_another_program_is_404_and_its_entries_never_show(client, program):
    other = ProgramCoordinatorFactory(program__name="Programm B")
    new_mentee(other.program, first_name="KANARIE-MENTEE-B")
    services.audit_record(
        actor=other.user, action="exported", program=other.program, detail="KANARIE-LISTE-B"
    )
    new_mentee(program, first_name="Samira")
    client.force_login(ProgramCoordinatorFactory(program=program).user)

    own = client.get(trail_url(program))
    foreign = client.get(trail_url(other.program))

    assert foreign.status_code == 404
    assert own.status_code == 200
    html = own.content.decode()
    assert "KANARIE-MENTEE-B" not in html
    assert "KANARIE-LISTE-B" not in html
    assert "Mentee: Samira" in [r.record for r in own.context["rows"]]
    assert LogEntry.objects.filter(object_repr="KANARIE-MENTEE-B").count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("volunteer", 404), ("staff", 404)]
)
def test_trail_denials(client, program, who, status):
    if who == "volunteer":
        client.force_login(applicant(program).volunteer)
    elif who == "staff":
        client.force_login(UserFactory(is_staff=True))

    response = client.get(trail_url(program))

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith("/konto/login/")


@pytest.mark.clock
def test_trail_filters_by_action_record_person_and_days(coordinator_client, program, coordinator):
    coordinator.name = "Kora Koordinatorin"
    coordinator.save()
    mentee = new_mentee(program, first_name="Samira")
    tandem = running_tandem(program)
    coordinator_client.get(f"/koordination/mentees/{mentee.pk}/")
    coordinator_client.get(f"/koordination/tandems/{tandem.pk}/")
    coordinator_client.get(f"/koordination/programme/{program.slug}/tandems.csv")
    url = trail_url(program)

    viewed = coordinator_client.get(url, {"aktion": "angesehen"})
    exported = coordinator_client.get(url, {"aktion": "exportiert"})
    tandems_viewed = coordinator_client.get(url, {"aktion": "angesehen", "datensatz": "tandem"})
    by_kora = coordinator_client.get(url, {"person": "kora"})
    today = coordinator_client.get(url, {"von": "2000-01-01", "bis": "2999-12-31"})
    before = coordinator_client.get(url, {"bis": "2001-01-01"})

    assert [r.record for r in viewed.context["rows"]] == [f"Tandem #{tandem.pk}", "Mentee: Samira"]
    assert [(r.kind, r.detail) for r in exported.context["rows"]] == [("Programm", "tandems.csv")]
    assert [r.record for r in tandems_viewed.context["rows"]] == [f"Tandem #{tandem.pk}"]
    assert {r.who for r in by_kora.context["rows"]} == {"Kora Koordinatorin"}
    assert len(by_kora.context["rows"]) == 3
    assert (
        today.context["page_obj"].paginator.count
        == LogEntry.objects.filter(additional_data__program=program.pk).count()
    )
    assert before.context["rows"] == []


@pytest.mark.clock
def test_trail_date_filter_uses_berlin_days(coordinator_client, program):
    # 23:30 UTC on 31 March is 01:30 on 1 April in Berlin (summer time).
    with time_machine.travel(datetime(2027, 3, 31, 23, 30, tzinfo=UTC), tick=False):
        services.audit_record(actor=None, action="viewed", program=program)

    march = coordinator_client.get(trail_url(program), {"von": "2027-03-31", "bis": "2027-03-31"})
    april = coordinator_client.get(trail_url(program), {"von": "2027-04-01", "bis": "2027-04-01"})

    assert march.context["rows"] == []
    assert len(april.context["rows"]) == 1


@pytest.mark.parametrize(
    "query",
    [
        {"aktion": "alles"},
        {"datensatz": "passwort"},
        {"von": "gestern"},
        {"bis": "9999-12-31"},
        {"person": "x" * 101},
        {"page": "999"},
    ],
)
def test_trail_bad_filter_input_shows_no_error_page(coordinator_client, program, query):
    new_mentee(program)

    response = coordinator_client.get(trail_url(program), query)

    assert response.status_code == 200
    if "page" not in query:
        assert response.context["form"].errors
        assert response.context["rows"] == []


def test_trail_shows_erased_records_without_their_name(coordinator_client, program):
    mentee = new_mentee(program, first_name="Samira")
    services.audit_record(actor=None, action="erased", obj=mentee)
    services.audit_forget(obj=mentee)

    response = coordinator_client.get(trail_url(program), {"datensatz": "mentee"})

    assert [(r.what, r.record) for r in response.context["rows"]] == [
        ("Daten gelöscht (Datenschutz)", f"Mentee #{mentee.pk} (anonymisiert)"),
        ("angelegt", f"Mentee #{mentee.pk} (anonymisiert)"),
    ]
    assert "Samira" not in response.content.decode()


def _many_entries(program, count: int, *, start: int = 0) -> None:
    """`count` entries of the program by three people: every kind of action, two kinds of record,
    the first of them (and every fourth) a change of a status."""
    content_types = [
        ContentType.objects.get_for_model(model) for model in (Mentee, program.__class__)
    ]
    actors = [UserFactory() for _n in range(3)]
    kinds = [
        (LogEntry.Action.UPDATE, {"status": ["waiting", "matched"]}, {}),
        (LogEntry.Action.CREATE, {"status": ["None", "waiting"]}, {}),
        (LogEntry.Action.ACCESS, None, {"what": "viewed", "detail": ""}),
        (LogEntry.Action.ACCESS, None, {"what": "exported", "detail": "tandems.csv"}),
    ]
    entries = []
    for n in range(start, start + count):
        action, changes, data = kinds[n % 4]
        entries.append(
            LogEntry(
                content_type=content_types[n % 2],
                object_pk=str(n),
                object_id=n,
                object_repr=f"Eintrag {n}",
                action=action,
                changes=changes,
                actor=actors[n % 3],
                additional_data={"program": program.pk, **data},
                timestamp=datetime(2027, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
            )
        )
    LogEntry.objects.bulk_create(entries)


@pytest.mark.parametrize("query", [{}, {"aktion": "geaendert", "person": "example"}])
def test_trail_query_count_is_the_same_at_1_and_1000_entries(
    coordinator_client, program, django_assert_num_queries, query
):
    url = trail_url(program)
    # Only the entries made here: not the grant of the coordinator's role.
    LogEntry.objects.all().delete()
    _many_entries(program, 1)
    coordinator_client.get(url)

    # session, user, the second factor, program, permission, count, the page's rows (actor and
    # content type joined), the header's coordination link; the filter's choices need none
    with django_assert_num_queries(8):
        response = coordinator_client.get(url, query)
    assert response.context["page_obj"].paginator.count == 1

    _many_entries(program, 999, start=1)
    with django_assert_num_queries(8):
        response = coordinator_client.get(url, query)

    assert len(response.context["rows"]) == 50


def test_coordination_page_links_each_programs_trail(coordinator_client, program):
    response = coordinator_client.get("/koordination/")

    assert f'href="{trail_url(program)}"' in response.content.decode()


SCRIPT = "<script>alert(1)</script>"
FILTER_VALUES = st.one_of(
    st.text(max_size=120),
    st.just(SCRIPT),
    st.sampled_from(
        ["", "0", "-1", "99999999999", "2026-02-30", "0001-01-01", "9999-12-31", "angelegt"]
    ),
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(FILTER_VALUES, min_size=6, max_size=6))
def test_trail_never_fails_on_any_filter_input(values):
    coordinator = UserFactory()
    program = ProgramCoordinatorFactory(user=coordinator).program
    new_mentee(program, first_name=SCRIPT)
    client = Client()
    client.force_login(coordinator)
    query = dict(zip(["aktion", "datensatz", "person", "von", "bis", "page"], values, strict=True))

    response = client.get(trail_url(program), query)

    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()
