"""Tables of the coordinators' pages on a phone: they scroll in their box, never the page, and a
date or a button's word is not broken in the middle."""

import pytest
from django.utils import timezone

from tandems.services import todos
from tests.factories import ProgramCoordinatorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The number of lines the visible text of an element (its first text node) takes.
LINES = """cell => { const range = document.createRange(); range.selectNode(cell.firstChild);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""


def test_to_do_table_on_a_phone(page, live_server):
    membership = ProgramCoordinatorFactory(program__name="Lesepat:innen Leipzig")
    todos.todo_create(
        program=membership.program,
        title="Kennenlerngespräch mit der Familie vereinbaren",
        due_on=timezone.localdate(),
        assignee=membership.user,
        by=membership.user,
    )
    page.set_viewport_size({"width": 375, "height": 667})
    page.login(live_server.url, membership.user)

    page.goto(f"{live_server.url}/koordination/aufgaben/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("td.date").evaluate(LINES) == 1
    # At most a line per word ("Als / erledigt / markieren"), never "erle / dig / t".
    assert page.locator("table button").evaluate(LINES) <= 3
    assert page.axe_violations() == []


@pytest.mark.parametrize("width", [375, 1280])
def test_long_sorted_table_with_sticky_header(page, live_server, width):
    from tandems.models import Mentee

    membership = ProgramCoordinatorFactory(program__name="Lesepat:innen Leipzig")
    Mentee.objects.bulk_create(
        Mentee(
            program=membership.program, first_name=f"Kind {n:02d}", year_of_birth=2012 + n % 6,
            postcode="04109", city="Leipzig", languages="Deutsch",
        )
        for n in range(60)
    )  # fmt: skip
    page.set_viewport_size({"width": width, "height": 667})
    page.login(live_server.url, membership.user)

    page.goto(f"{live_server.url}/koordination/programme/{membership.program.slug}/mentees/")
    page.click("th.sortable >> text=Alter")

    assert page.locator("th[aria-sort]").inner_text().startswith("Alter")
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    number = page.locator("tbody td.num").first
    assert number.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    rows = page.locator("tbody tr")
    assert rows.nth(0).evaluate("r => getComputedStyle(r).backgroundColor") != rows.nth(1).evaluate(
        "r => getComputedStyle(r).backgroundColor"
    )
    # The header stays at the top of its box while the rows scroll under it.
    box = page.locator(".table-long")
    box.evaluate("box => { box.scrollTop = 800; }")
    head_top = page.locator("thead th").first.evaluate("th => th.getBoundingClientRect().top")
    box_top = box.evaluate("box => box.getBoundingClientRect().top")
    assert abs(head_top - box_top) <= 1
    assert page.axe_violations() == []
