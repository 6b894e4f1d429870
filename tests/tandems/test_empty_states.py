"""Empty lists name the next action (includes/empty_state.html) and statuses show as badges."""

import re

import pytest

from tests.factories import ProgramCoordinatorFactory, ProgramFactory, UserFactory, running_tandem
from tests.factories.tandems import new_mentee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _empty_states(html: str) -> list[tuple[str, str]]:
    """(message, link) of every empty state on a page."""
    found = re.findall(
        r'<div class="empty-state">\s*<p>(.*?)</p>\s*(?:<a [^>]*href="([^"]*)")?', html, re.S
    )
    return [(message.strip(), link) for message, link in found]


def test_empty_waiting_list_links_to_registering_a_mentee(client):
    membership = ProgramCoordinatorFactory()
    client.force_login(membership.user)
    slug = membership.program.slug

    html = client.get(f"/en/koordination/programme/{slug}/mentees/").content.decode()

    assert _empty_states(html) == [
        (
            "Nobody is on the waiting list. Register the first mentee, on paper or from a phone"
            " call.",
            f"/en/koordination/programme/{slug}/mentees/neu/",
        )
    ]
    assert '<div class="page-header">' in html


def test_waiting_list_shows_statuses_as_badges_and_no_empty_state(client):
    membership = ProgramCoordinatorFactory()
    new_mentee(membership.program)
    client.force_login(membership.user)

    html = client.get(
        f"/en/koordination/programme/{membership.program.slug}/mentees/"
    ).content.decode()

    assert _empty_states(html) == []
    assert '<span class="badge badge-pending">Waiting for a mentor</span>' in html


def test_mentor_without_meetings_is_offered_planning_and_logging(client):
    tandem = running_tandem(ProgramFactory())
    client.force_login(tandem.mentor)

    html = client.get(f"/en/mein-bereich/tandems/{tandem.pk}/").content.decode()

    assert _empty_states(html) == [
        ("No meetings are planned.", f"/en/mein-bereich/tandems/{tandem.pk}/treffen/planen/"),
        (
            "No meeting has been logged yet.",
            f"/en/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/",
        ),
    ]
    assert '<span class="badge badge-ok">Active</span>' in html


def test_empty_review_queue_leads_to_the_programs_review_queue(client):
    client.force_login(UserFactory(is_staff=True))

    html = client.get("/en/netzwerk/pruefung/meldungen/").content.decode()

    assert _empty_states(html) == [
        ("No news item is waiting for review.", "/en/netzwerk/pruefung/")
    ]
