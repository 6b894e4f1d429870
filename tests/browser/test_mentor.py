from datetime import time, timedelta

import pytest
from django.utils import timezone

from tandems.models import Meeting
from tandems.services import lifecycle
from tests.factories import ProgramFactory, running_tandem

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_mentor_logs_a_meeting_on_a_phone_in_three_screens(page, live_server):
    tandem = running_tandem(
        ProgramFactory(),
        mentee_name="Ali",
        started_on=timezone.localdate() - timedelta(days=14),
        preferred_weekday="di",
        preferred_time=time(16, 0),
    )
    lifecycle.meeting_plan(
        tandem=tandem,
        by=tandem.mentor,
        day=timezone.localdate() + timedelta(days=3),
        start=time(16, 0),
        end=time(17, 0),
        place="Bibliothek",
    )
    lifecycle.goal_add(tandem=tandem, title="Jede Woche ein Buch")
    lifecycle.calendar_feed_for(user=tandem.mentor)
    page.set_viewport_size({"width": 375, "height": 740})
    page.login(live_server.url, tandem.mentor)
    base = live_server.url
    screens = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and screens.append(frame.url))

    page.goto(f"{base}/mein-bereich/")
    assert page.axe_violations() == []
    page.click(f"a[href='/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/']")
    page.wait_for_url(f"{base}/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/")
    assert page.axe_violations() == []
    page.check("input[name=duration][value='90']")
    page.check("input[name=activity][value='reading']")
    page.click("form.big-choices button[type=submit]")
    page.wait_for_url(f"{base}/mein-bereich/")

    # Three screens: my area, the form, my area again with the message.
    assert screens == [
        f"{base}/mein-bereich/",
        f"{base}/mein-bereich/tandems/{tandem.pk}/treffen/eintragen/",
        f"{base}/mein-bereich/",
    ]
    assert page.locator(".message-success").count() == 1
    meeting = Meeting.objects.get(tandem=tandem, status=Meeting.Status.HELD)
    assert (meeting.duration_minutes, meeting.activity) == (90, "reading")
    assert timezone.localtime(meeting.starts_at).date() == timezone.localdate()
    # Nothing of the page may be cut off or scroll sideways on a 375 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(f"{base}/mein-bereich/tandems/{tandem.pk}/")
    assert page.axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{base}/mein-bereich/tandems/{tandem.pk}/treffen/planen/")
    assert page.axe_violations() == []
    checkin = tandem.checkins.get(respondent="mentee", occasion="start")
    page.goto(f"{base}/mein-bereich/checkins/{checkin.pk}/")
    assert page.axe_violations() == []
    assert page.outside_requests() == []
    assert page.csp_violations() == []
