from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from tandems.models import Concern, SupportContact
from tests.factories import ProgramCoordinatorFactory, running_tandem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_support_contact_clears_support_due_on_the_dashboard(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    tandem = running_tandem(
        program, mentee_name="Jana", started_on=timezone.localdate() - timedelta(days=45)
    )
    page.login(live_server.url, membership.user)
    base = live_server.url
    figure = f"a[href='/koordination/programme/{program.slug}/handlungsbedarf/begleitung-faellig/']"

    page.goto(f"{base}/koordination/")
    assert page.locator(f".tile {figure} .tile-figure").inner_text() == "1"
    assert page.axe_violations() == []
    page.click(f".tile {figure}")
    assert "Jana" in page.locator("table").inner_text()
    assert page.axe_violations() == []
    page.click("table a:has-text('Jana')")
    page.wait_for_url(f"{base}/koordination/tandems/{tandem.pk}/begleitung/")
    assert page.axe_violations() == []

    page.check("input[name=with_whom][value=guardian]")
    page.check("input[name=channel][value=phone]")
    page.fill("#id_summary", "Telefonat mit der Mutter: Jana kommt gern zu den Treffen.")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/koordination/tandems/{tandem.pk}/begleitung/")
    assert "Telefonat mit der Mutter" in page.locator("main").inner_text()
    assert page.axe_violations() == []

    page.goto(f"{base}/koordination/")
    # Nothing due: no tile, the figure folded into the line of what is done.
    assert page.locator(f".tile {figure}").count() == 0
    assert page.locator(f".tile-done {figure}").count() == 1
    assert SupportContact.objects.get().contacted_on == timezone.localdate()
    assert page.outside_requests() == []
    assert page.csp_violations() == []


def test_a_mentor_raises_a_concern_on_a_phone_and_a_coordinator_closes_it(
    page, live_server, _browser
):
    membership = ProgramCoordinatorFactory(program__name="Lesepat:innen Test")
    second = ProgramCoordinatorFactory(program=membership.program)
    tandem = running_tandem(
        membership.program,
        mentee_name="Emil",
        started_on=timezone.localdate() - timedelta(days=20),
    )
    text = "Emil hatte einen blauen Fleck und wollte nicht nach Hause."
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 740})
    page.login(base, tandem.mentor)
    mail.outbox.clear()

    page.goto(f"{base}/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/")
    page.click("a:has-text('Ich mache mir Sorgen')")
    page.wait_for_url(f"{base}/mein-bereich/tandems/{tandem.pk}/sorge/")
    assert page.axe_violations() == []
    page.click("form.form button[type=submit]")  # empty: refused with a German message
    assert "Bitte beschreiben Sie, was Ihnen Sorgen macht." in page.locator("main").inner_text()
    assert Concern.objects.count() == 0
    page.fill("#id_text", text)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/mein-bereich/tandems/{tandem.pk}/")
    assert "Ihre Meldung ist eingegangen" in page.locator("body").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.axe_violations() == []

    # At once: both coordinators have their mail, without the text.
    concern = Concern.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [membership.user.email, second.user.email]
    )
    assert all(text not in m.body and "Emil" not in m.body for m in mail.outbox)
    assert (
        Notification.objects.filter(
            kind=Notification.Kind.CONCERN_RAISED, state=Notification.State.SENT
        ).count()
        == 2
    )

    context = _browser.new_context(base_url=base, locale="de-DE")
    try:
        coordinator_page = type(page)(context.new_page())
        coordinator_page.login(base, membership.user)
        coordinator_page.goto(f"{base}/koordination/")
        link = f"a[href='/koordination/sorgen/{concern.pk}/']"
        assert coordinator_page.locator(link).count() == 1
        assert coordinator_page.axe_violations() == []
        coordinator_page.click(link)
        assert text in coordinator_page.locator("main").inner_text()
        assert coordinator_page.axe_violations() == []
        coordinator_page.fill("#id_outcome", "Mit der Mutter gesprochen, Fachkraft hinzugezogen.")
        coordinator_page.click("form.form button[type=submit]")
        coordinator_page.wait_for_url(f"{base}/koordination/sorgen/{concern.pk}/")
        assert coordinator_page.locator("#id_outcome").count() == 0
        coordinator_page.goto(f"{base}/koordination/")
        assert coordinator_page.locator(link).count() == 0
        assert coordinator_page.csp_violations() == []
    finally:
        context.close()
    concern.refresh_from_db()
    assert (concern.status, concern.closed_by) == ("closed", membership.user)
