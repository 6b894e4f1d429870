"""Tables sorted by their column headers' links (core/sorting.py): the order changes, the header
says so (aria-sort), the filters stay, an unknown value is ignored, the query count stays."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.sorting import Sorting
from tandems.models import Mentee
from tests.factories import ProgramCoordinatorFactory
from tests.factories.tandems import new_mentee

pytestmark = pytest.mark.django_db

SORTING = Sorting(columns={"name": ("first_name",), "age": ("-year_of_birth",)}, default="name")


def test_sorting_reverses_every_field_and_ends_with_the_key():
    assert SORTING.order_by("age") == ["-year_of_birth", "pk"]
    assert SORTING.order_by("-age") == ["year_of_birth", "-pk"]


@pytest.mark.parametrize("value", ["", "password", "--age", "-", "age,name", "first_name"])
def test_sorting_ignores_what_it_does_not_allow(value):
    assert SORTING.current(QueryDict(f"sort={value}")) == "name"
    assert SORTING.order_by(value) == ["first_name", "pk"]


def test_link_keeps_the_filters_drops_the_page_and_reverses_the_shown_order():
    state = SORTING.bind(QueryDict("status=waiting&page=3&sort=age"))

    assert QueryDict(state.link("age")).dict() == {"status": "waiting", "sort": "-age"}
    assert QueryDict(state.link("name")).dict() == {"status": "waiting", "sort": "name"}
    assert (state.direction("age"), state.direction("name")) == ("ascending", "")


# --- The mentee list ---------------------------------------------------------------------------


@pytest.fixture
def mentees(client):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    today = timezone.localdate()
    for name, born, days in (("Berta", 2012, 3), ("Anton", 2016, 30), ("Cem", 2010, 10)):
        mentee = new_mentee(program, first_name=name, year_of_birth=born)
        Mentee.objects.filter(pk=mentee.pk).update(waiting_since=today - timedelta(days=days))
    client.force_login(membership.user)
    return f"/koordination/programme/{program.slug}/mentees/"


def names(response) -> list[str]:
    return [row["mentee"].first_name for row in response.context["mentees"]]


def header(html: str, key: str) -> str:
    """The header cell whose link sorts by `key` (either way)."""
    return re.search(rf'<th [^>]*><a href="\?[^"]*sort=-?{key}(&amp;|")[^>]*>', html).group(0)


@pytest.mark.clock
def test_mentee_list_sorted_by_the_header_links(client, mentees):
    default = client.get(mentees)
    by_name = client.get(mentees + "?sort=name")
    by_age = client.get(mentees + "?sort=-age")

    assert names(default) == ["Anton", "Cem", "Berta"]  # the longest waiting first
    assert names(by_name) == ["Anton", "Berta", "Cem"]
    assert names(by_age) == ["Cem", "Berta", "Anton"]  # "-age": the oldest last reversed
    html = by_name.content.decode()
    assert 'aria-sort="ascending"' in header(html, "name")
    assert 'href="?sort=-name"' in header(html, "name")  # again: the reverse
    assert "aria-sort" not in header(html, "age")
    assert html.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in header(by_age.content.decode(), "age")
    assert 'aria-sort="ascending"' in header(default.content.decode(), "waiting")


@pytest.mark.clock
def test_mentee_list_sort_keeps_the_filters(client, mentees):
    response = client.get(mentees + "?status=waiting&age_group=kinder&page=1&sort=age")

    html = response.content.decode()
    assert 'href="?status=waiting&amp;age_group=kinder&amp;sort=-age"' in html
    assert 'href="?status=waiting&amp;age_group=kinder&amp;sort=name"' in html
    # The filter form carries the order shown, so applying a filter keeps it.
    assert '<input type="hidden" name="sort" value="age"' in html


@pytest.mark.clock
@pytest.mark.parametrize("value", ["password", "-guardian_name", "name,age", "%00"])
def test_mentee_list_ignores_an_unknown_sort(client, mentees, value):
    response = client.get(mentees, {"sort": value})

    assert response.status_code == 200
    assert names(response) == ["Anton", "Cem", "Berta"]
    assert "field-error" not in response.content.decode()


@pytest.mark.clock
def test_numeric_columns_are_right_aligned(client, mentees):
    html = client.get(mentees).content.decode()

    assert re.search(r'<th scope="col" class="sortable num"[^>]*><a href="\?sort=age"', html)
    assert html.count('<td class="num">') == 6  # days waiting and age of three mentees


def test_sorted_mentee_list_query_count_same_with_1_and_100(client):
    membership = ProgramCoordinatorFactory()
    path = f"/koordination/programme/{membership.program.slug}/mentees/?sort=-place"
    new_mentee(membership.program)
    client.force_login(membership.user)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for n in range(99):
        new_mentee(membership.program, first_name=f"Kind {n}", postcode=f"04{n:03d}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)

    assert len(response.context["mentees"]) == 100
    assert len(many) == len(one)


# --- Lists of other apps -------------------------------------------------------------------------


def test_network_program_list_sorted_by_coordinators(client, staff_user):
    from tests.factories import ProgramFactory

    quiet = ProgramFactory(name="A ohne Koordination")
    busy = ProgramCoordinatorFactory(program__name="B mit Koordination").program
    client.force_login(staff_user, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/netzwerk/programme/?sort=-coordinators&q=")
    bad = client.get("/netzwerk/programme/?sort=organization__owner")

    assert list(response.context["programs"]) == [busy, quiet]
    assert 'aria-sort="descending"' in header(response.content.decode(), "coordinators")
    assert bad.status_code == 200
    assert list(bad.context["programs"]) == [quiet, busy]


# --- The general tandem list (an action list with a FilterSet) ---------------------------------


@pytest.mark.clock
def test_tandem_list_sorted_by_days_without_a_meeting(client):
    from datetime import date

    from tandems.models import Tandem
    from tests.factories.tandems import make_tandem, mentor_row

    membership = ProgramCoordinatorFactory()
    program = membership.program
    today = timezone.localdate()
    recent = make_tandem(program, Tandem.Status.ACTIVE, started_on=today - timedelta(days=5))
    old = make_tandem(program, Tandem.Status.ACTIVE, started_on=date(2024, 1, 8))
    named = mentor_row()
    named.name = "Aaron"
    named.save()
    middle = make_tandem(
        program, Tandem.Status.ACTIVE, started_on=today - timedelta(days=60), mentor=named
    )
    client.force_login(membership.user)
    path = f"/koordination/programme/{program.slug}/tandems/"

    newest = client.get(path)
    by_days = client.get(path + "?status=active&sort=-days")
    by_name = client.get(path + "?sort=tandem")

    def tandems(response):
        return [row[0][0] for row in response.context["rows"]]

    label = "{} & {}".format
    assert tandems(newest) == [
        label(t.mentor.name, t.mentee.first_name) for t in (middle, old, recent)
    ]
    assert tandems(by_days)[0] == label(old.mentor.name, old.mentee.first_name)
    assert tandems(by_days)[-1] == label(recent.mentor.name, recent.mentee.first_name)
    assert tandems(by_name)[0].startswith("Aaron & ")
    html = by_days.content.decode()
    assert 'aria-sort="descending"' in header(html, "days")
    assert 'href="?status=active&amp;sort=days"' in html
    assert html.count('<td class="num">') == 3
    assert "aria-sort" not in newest.content.decode()  # "newest first" is no column of its own


def test_sorted_tandem_list_query_count_same_with_1_and_60(client):
    from tests.factories.tandems import bulk_tandems

    membership = ProgramCoordinatorFactory()
    path = f"/koordination/programme/{membership.program.slug}/tandems/?sort=-tandem"
    bulk_tandems(membership.program, 1)
    client.force_login(membership.user)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    bulk_tandems(membership.program, 59, first=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)

    assert len(response.context["rows"]) == 50
    assert len(many) == len(one)


def test_application_list_sorted_by_name_within_each_stage(client):
    from tests.factories.tandems import applicant

    membership = ProgramCoordinatorFactory()
    for name in ("Zora Zett", "Anna Alt", "Mia Mitte"):
        applicant(membership.program, name=name)
    client.force_login(membership.user)
    path = f"/koordination/programme/{membership.program.slug}/bewerbungen/"

    default = client.get(path)
    by_name = client.get(path + "?sort=name")

    def first_stage(response):
        stage, applications = response.context["stages"][0]
        return [a.volunteer.volunteer_profile.name for a in applications]

    assert first_stage(default) == ["Zora Zett", "Anna Alt", "Mia Mitte"]  # the longest waiting
    assert first_stage(by_name) == ["Anna Alt", "Mia Mitte", "Zora Zett"]
    assert 'aria-sort="descending"' in header(default.content.decode(), "days")
