"""core.workflow.transition: the draft → review → published moves of programs, events and news."""

import pytest
from django.core.exceptions import ValidationError

from core.workflow import transition
from news.models import NewsItem
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_move_reads_the_row_again_and_checks_the_status_there():
    program = ProgramFactory(status="draft")
    stale = type(program).objects.get(pk=program.pk)
    type(program).objects.filter(pk=program.pk).update(status="published")

    with pytest.raises(ValidationError) as refused:
        transition(stale, allowed={"draft"}, to="review", refusal="Nur Entwürfe.")

    assert refused.value.messages == ["Nur Entwürfe."]
    assert type(program).objects.get(pk=program.pk).status == "published"


def test_move_sets_the_status_and_the_changes_a_callable_computes():
    item = NewsItem.objects.create(
        title="Lesefest", slug="lesefest", status=NewsItem.Status.REVIEW, review_note="Bitte Bild"
    )

    moved = transition(
        item,
        allowed={NewsItem.Status.REVIEW},
        to=NewsItem.Status.PUBLISHED,
        review_note=lambda row: row.review_note.upper(),
    )

    stored = NewsItem.objects.get(pk=item.pk)
    assert (moved.status, stored.status, stored.review_note) == (
        "published",
        "published",
        "BITTE BILD",
    )
