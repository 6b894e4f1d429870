"""Any value for the public query parameters of the program directory and the news: never an
error, never an unescaped script (the calendar's are fuzzed in tests/events/test_bad_input.py)."""

import gzip
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
value = st.one_of(
    st.text(max_size=40),
    st.just(SCRIPT),
    st.sampled_from(
        ["", "0", "-5", "1e309", "nan", "04109", "Leipzig", "SN", "offen", "99999999999999999999"]
    ),
)
DIRECTORY = ["q", "ort", "umkreis", "zielgruppe", "thema", "format", "foerderung", "bundesland",
             "plaetze", "alter", "page"]  # fmt: skip


def query_of(names):
    """Each parameter absent, once, or several times (the facets take several values)."""
    return st.fixed_dictionaries({}, optional={name: st.lists(value, max_size=3) for name in names})


@pytest.fixture
def published_program(db):
    return ProgramFactory(name="Lesepat:innen Leipzig")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    path=st.sampled_from(["/programme/", "/karte/", "/karte/einbetten/", "/en/programme/"]),
    query=query_of(DIRECTORY),
)
def test_directory_pages_answer_any_query(published_program, path, query):
    response = Client().get(path, query)

    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(query=query_of(DIRECTORY))
def test_geojson_answers_any_query_with_a_feature_collection(published_program, query):
    response = Client().get("/karte/programme.geojson", query, HTTP_ACCEPT_ENCODING="gzip")

    body = gzip.decompress(response.content)
    assert response.status_code == 200
    assert json.loads(body)["type"] == "FeatureCollection"
    assert SCRIPT.encode() not in body


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=query_of(["thema", "page"]))
def test_news_list_answers_any_query(query):
    response = Client().get("/aktuelles/", query)

    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()
