"""Any input on the event calendar's query parameters and forms: never a 500, never an unescaped
script, and every POST needs its CSRF token."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Event, Registration
from tests.factories import EventFactory, ProgramCoordinatorFactory

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"
text = st.one_of(
    st.text(max_size=80),
    st.just(SCRIPT),
    st.sampled_from(["", "0", "-1", "99999", "2026-13-01", "2026-02-30", "SN", "hybrid", "25:61"]),
)
PARAMETERS = ["typ", "zielgruppe", "bundesland", "format", "programm", "organisation", "tag"]
PAGES = ["/veranstaltungen/", "/veranstaltungen/2027/3/", "/veranstaltungen/archiv/"]
EVENT_FORM = [
    "title", "start_date", "start_time", "end_date", "end_time", "repeat", "repeat_count",
    "mode", "city", "postcode", "capacity", "registration", "event_type", "organiser",
]  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page=st.sampled_from(PAGES + ["/veranstaltungen/kalender.ics"]),
    values=st.lists(text, min_size=8, max_size=8),
)
def test_calendar_query_parameters_never_fail(page, values):
    query = dict(zip([*PARAMETERS, "page"], values, strict=False))

    response = Client().get(page, query)

    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(text, min_size=4, max_size=4))
def test_registration_form_never_fails_and_a_bad_one_changes_nothing(values):
    event = EventFactory()
    data = dict(zip(["name", "email", "accessibility_needs", "consent"], values, strict=False))

    response = Client().post(f"/veranstaltungen/{event.slug}/anmelden/", data)

    # 429: the examples come from one address, and registrations are limited per address.
    assert response.status_code in (200, 302, 429)
    assert SCRIPT not in response.content.decode()
    if response.status_code in (200, 429):
        assert Registration.objects.count() == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(text, min_size=len(EVENT_FORM), max_size=len(EVENT_FORM)))
def test_event_form_never_fails_and_a_bad_one_changes_nothing(values):
    coordinator = ProgramCoordinatorFactory().user
    client = Client()
    client.force_login(coordinator)

    response = client.post(
        "/koordination/veranstaltungen/neu/", dict(zip(EVENT_FORM, values, strict=True))
    )

    assert response.status_code in (200, 302)
    assert SCRIPT not in response.content.decode()
    if response.status_code == 200:
        assert Event.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/veranstaltungen/{event}/anmelden/",
        "/veranstaltungen/abmelden/x/",
        "/veranstaltungen/bestaetigen/x/",
        "/koordination/veranstaltungen/neu/",
        "/koordination/veranstaltungen/{event}/bearbeiten/",
        "/koordination/veranstaltungen/{event}/einreichen/",
        "/koordination/veranstaltungen/{event}/absagen/",
        "/koordination/veranstaltungen/{event}/veroeffentlichen/",
        "/koordination/veranstaltungen/{event}/zurueckweisen/",
    ],
)
def test_every_event_post_needs_its_csrf_token(path, staff_user):
    event = EventFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post(path.format(event=event.slug), {"name": "X", "title": "X"})

    assert response.status_code == 403
    assert Event.objects.get(pk=event.pk).status == "published"
    assert Registration.objects.count() == 0
