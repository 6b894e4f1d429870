from datetime import timedelta

import pytest
from django.utils import timezone

from tandems.models import Tandem
from tests.factories import ProgramCoordinatorFactory, running_tandem
from tests.factories.tandems import new_mentee

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_coordinator_opens_dashboard_and_an_action_list(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    today = timezone.localdate()
    tandem = running_tandem(program, mentee_name="Jana", started_on=today - timedelta(days=40))
    Tandem.objects.filter(pk=tandem.pk).update(last_contact_on=today - timedelta(days=30))
    new_mentee(program, first_name="Wartet", waiting_since=today - timedelta(days=12))
    page.login(live_server.url, membership.user)
    base = live_server.url

    page.goto(f"{base}/koordination/")
    assert page.axe_violations() == []
    page.click(f"a[href='/koordination/programme/{program.slug}/handlungsbedarf/ohne-treffen/']")
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/handlungsbedarf/ohne-treffen/")

    assert "Jana" in page.locator("table").inner_text()
    assert page.axe_violations() == []
    page.fill("#id_min_days", "25")
    page.click("form.action-filters button[type=submit]")
    page.wait_for_url("**min_days=25**")
    assert "Jana" in page.locator("table").inner_text()
    # A hand-made address with letters in a number field: the message, marked accessibly.
    page.goto(
        f"{base}/koordination/programme/{program.slug}/handlungsbedarf/ohne-treffen/?min_days=abc"
    )
    assert page.locator(".field-error").count() == 1
    assert page.axe_violations() == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/koordination/programme/{program.slug}/tandems/")
    assert "Jana" in page.locator("table").inner_text()
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []
