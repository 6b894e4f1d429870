import pytest
from django.core import mail

from tandems.models import ProgramMessage
from tests.factories import ProgramCoordinatorFactory, running_tandem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUBJECT = "Sommerfest am Freitag"


def test_a_message_to_all_active_mentors_arrives_once_each(page, live_server):
    membership = ProgramCoordinatorFactory()
    program = membership.program
    mentors = [running_tandem(program, mentee_name=name).mentor for name in ("Ali", "Bea")]
    base = live_server.url
    page.login(base, membership.user)
    mail.outbox.clear()

    page.goto(f"{base}/koordination/programme/{program.slug}/nachricht/")
    assert page.axe_violations() == []
    page.check("input[name=audience][value=mentors]")
    page.fill("#id_subject", SUBJECT)
    page.fill("#id_body", "Liebe Mentor:innen,\nwir feiern am Freitag im Garten.")
    page.click("button:has-text('Empfänger:innen anzeigen')")
    page.wait_for_selector("#recipient-count")
    assert "Die Nachricht geht an 2 Personen." in page.inner_text("#recipient-count")
    assert page.axe_violations() == []
    # What the preview's form sends, to send it a second time after the first (a resubmit).
    fields = page.evaluate(
        "() => Object.fromEntries(new FormData(document.querySelector('main form')))"
    )

    page.click("button:has-text('Jetzt senden')")
    page.wait_for_url(f"{base}/koordination/programme/{program.slug}/nachrichten/*/")
    message = ProgramMessage.objects.get()
    assert page.axe_violations() == []
    page.reload()
    again = page.request.post(
        f"{base}/koordination/programme/{program.slug}/nachricht/",
        form={**fields, "send": "1"},
    )

    assert again.ok
    assert ProgramMessage.objects.count() == 1
    sent = [m for m in mail.outbox if SUBJECT in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted(mentor.email for mentor in mentors)
    assert "wir feiern am Freitag im Garten." in sent[0].body
    page.goto(f"{base}/koordination/programme/{program.slug}/nachrichten/")
    assert SUBJECT in page.inner_text("main")
    assert page.axe_violations() == []
    page.goto(f"{base}{message.get_absolute_url()}")
    assert page.inner_text("main").count("gesendet") == 2
    assert page.outside_requests() == []
    assert page.csp_violations() == []
