"""Every link a coordinator, a mentor and an applicant can reach leads somewhere.

The demo world (load_demo) is crawled as each of its people: from their area, every page under
/koordination/ and /mein-bereich/ is followed, and every link found on those pages (the public
ones too) is requested once. None may answer 404, 403 or 500: a link the portal shows its user is
a page that user may open.
"""

import io
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

AREAS = ("/koordination/", "/mein-bereich/")
# Enough for every page of the demo world; a crawl that needs more has found a loop of links.
MAX_PAGES = 400
# Links a person may see but that are not pages to check: signing out ends the crawl's session,
# the admin is for operators (it is tested on its own).
SKIP = ("/konto/logout/", "/admin/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def internal_links(html: str, here: str) -> set[str]:
    parser = Links()
    parser.feed(html)
    found = set()
    for href in parser.hrefs:
        href, _fragment = urldefrag(href)
        if not href:
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # mailto:, tel:, webcal:, other hosts
        if not parts.path.startswith("/"):
            href = here.rsplit("/", 1)[0] + "/" + href
        found.add(href)
    return found


def crawl(client, start: str) -> dict[str, int]:
    """Status of every link reachable from `start` within the areas (and one step beyond)."""
    status: dict[str, int] = {}
    linked_from: dict[str, str] = {}
    queue = deque([start])
    pages = 0
    while queue:
        url = queue.popleft()
        if url in status:
            continue
        response = client.get(url)
        status[url] = response.status_code
        follow = urlsplit(url).path.startswith(AREAS) and response.status_code == 200
        if not follow or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        assert pages <= MAX_PAGES, f"more than {MAX_PAGES} pages from {start}: a loop of links?"
        for link in internal_links(response.content.decode(), url):
            if link not in status and not link.startswith(SKIP):
                linked_from.setdefault(link, url)
                queue.append(link)
    broken = {
        url: (code, linked_from.get(url))
        for url, code in status.items()
        if code not in (200, 301, 302)
    }
    assert broken == {}, f"links that do not work (status, found on): {broken}"
    return status


@pytest.fixture
def demo_world():
    call_command("load_demo", stdout=io.StringIO())
    return {user.email: user for user in get_user_model().objects.all()}


@pytest.mark.parametrize(
    ("email", "start", "pages_at_least"),
    [
        # Two programs with applications, mentees, tandems, meetings, check-ins, reports.
        ("koordination@example.org", "/koordination/", 30),
        ("mentorin@example.org", "/mein-bereich/", 5),
        ("bewerber@example.org", "/mein-bereich/", 1),
    ],
)
def test_every_link_of_a_role_works(client, demo_world, email, start, pages_at_least):
    client.force_login(demo_world[email])

    status = crawl(client, start)

    in_areas = [url for url in status if urlsplit(url).path.startswith(AREAS)]
    assert len(in_areas) >= pages_at_least


def test_the_crawl_reports_a_broken_link(client, demo_world, monkeypatch):
    """The crawler itself: a page linking to a path that does not exist fails it."""
    client.force_login(demo_world["bewerber@example.org"])
    real_get = client.get

    def get_with_a_broken_link(url, *args, **kwargs):
        response = real_get(url, *args, **kwargs)
        if url == "/mein-bereich/":
            response.content = response.content.replace(
                b"</main>", b'<a href="/mein-bereich/gibt-es-nicht/">x</a></main>'
            )
        return response

    monkeypatch.setattr(client, "get", get_with_a_broken_link)
    with pytest.raises(AssertionError, match="gibt-es-nicht"):
        crawl(client, "/mein-bereich/")
