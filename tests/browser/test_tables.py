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
