"""A coordinator proposes a new program; the network sends it back with a reason; the coordinator
fixes it from the feedback on their page; the network publishes it. Both decisions by mail."""

import pytest

from programs.models import Program
from tests.factories import ProgramCoordinatorFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_new_program_proposed_sent_back_fixed_and_published(page, live_server, mailoutbox):
    base = live_server.url
    membership = ProgramCoordinatorFactory(
        user=UserFactory(name="Kim Koordination", email="kim@example.org"),
        program__organization__name="Lesewelt Leipzig e. V.",
    )
    staff = UserFactory(name="Nora Netzwerk", is_staff=True)
    problems = {}

    def check(name: str) -> None:
        if violations := page.axe_violations():
            problems[name] = violations

    # The coordinator proposes the program from their coordination page.
    page.login(base, membership.user)
    page.goto(f"{base}/koordination/")
    page.click("text=Neues Programm vorschlagen")
    page.wait_for_url(f"{base}/koordination/programme/neu/")
    check("proposal form")
    page.select_option("#id_organization", label="Lesewelt Leipzig e. V.")
    page.fill("#id_name", "Lernpaten Halle")
    page.fill("#id_postcode", "4109")
    page.click("form.form button[type=submit]")
    assert "Eine deutsche Postleitzahl hat fünf Ziffern." in page.locator("main").inner_text()
    check("proposal form with an error")
    page.fill("#id_postcode", "04109")
    page.fill("#id_city", "Leipzig")
    page.click("form.form button[type=submit]")
    program = Program.objects.get(name="Lernpaten Halle")
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/")
    assert program.status == Program.Status.REVIEW
    assert page.request.get(f"{base}/programme/{program.slug}/").status == 404

    # The network staff send it back with a reason.
    page.context.clear_cookies()
    page.login(base, staff)
    page.goto(f"{base}/netzwerk/pruefung/")
    check("review queue")
    page.fill(f"#reason-p{program.pk}", "Bitte nennen Sie eine Kontaktperson.")
    page.click(f"form[action$='/{program.slug}/zurueckgeben/'] button")
    page.wait_for_url(f"{base}/netzwerk/pruefung/")
    (sent_back,) = mailoutbox
    assert sent_back.to == ["kim@example.org"]
    assert sent_back.subject == "Mit einer Bitte zurückgegeben: „Lernpaten Halle“"
    assert "Bitte nennen Sie eine Kontaktperson." in sent_back.body

    # The coordinator sees the feedback, fixes the listing and submits it again.
    page.context.clear_cookies()
    page.login(base, membership.user)
    page.goto(f"{base}/koordination/")
    box = page.locator("section[aria-labelledby=moderation-notices-title]")
    assert "Bitte nennen Sie eine Kontaktperson." in box.inner_text()
    check("coordination page with feedback")
    box.locator("text=„Lernpaten Halle“ ändern und erneut einreichen").click()
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/")
    page.fill("#id_contact_name", "Kim Koordination")
    page.click("form.form button:has-text('Speichern')")
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/")
    page.click("button:has-text('Zur Prüfung einreichen')")
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/")
    page.goto(f"{base}/koordination/")
    assert page.locator("section[aria-labelledby=moderation-notices-title]").count() == 0

    # The network staff publish it.
    page.context.clear_cookies()
    page.login(base, staff)
    page.goto(f"{base}/netzwerk/pruefung/")
    page.click(f"form[action$='/{program.slug}/veroeffentlichen/'] button")
    page.wait_for_url(f"{base}/netzwerk/pruefung/")
    program.refresh_from_db()
    assert (program.status, program.contact_name) == (Program.Status.PUBLISHED, "Kim Koordination")
    published = mailoutbox[-1]
    assert len(mailoutbox) == 2
    assert published.subject == "Veröffentlicht: „Lernpaten Halle“"
    assert f"/programme/{program.slug}/" in published.body

    # The coordinator reads the notice and waves it away.
    page.context.clear_cookies()
    page.login(base, membership.user)
    page.goto(f"{base}/koordination/")
    check("coordination page with a publish notice")
    page.click("button:has-text('Gelesen')")
    page.wait_for_url(f"{base}/koordination/")
    assert page.locator("section[aria-labelledby=moderation-notices-title]").count() == 0

    assert problems == {}
    assert page.outside_requests() == []
    assert page.csp_violations() == []
