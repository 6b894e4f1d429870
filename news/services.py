"""Everything that writes news items. Refusals are ValidationErrors in the user's language;
nothing is written then."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import markdown
from core.text import german_slug
from core.workflow import transition
from programs.models import ModerationNotice, Program
from programs.services import moderation_notice_give, moderation_notices_settle

from .models import RESERVED_SLUGS, NewsItem


def unique_news_slug(title: str) -> str:
    base = german_slug(title)[:180].strip("-") or "meldung"
    if base in RESERVED_SLUGS:
        base = f"meldung-{base}"
    taken = set(NewsItem.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def news_item_save(*, item: NewsItem, tags=None, programs=None, events=None, by=None) -> NewsItem:
    """Create or change an item: validated, its body rendered to sanitised HTML."""
    if not item.slug:
        item.slug = unique_news_slug(item.title)
    item.body_html = markdown.render(item.body)
    if not item.pk and by is not None:
        item.created_by = by
    item.full_clean()
    item.save()
    if tags is not None:
        item.tags.set(tags)
    if programs is not None:
        item.programs.set(programs)
    if events is not None:
        item.events.set(events)
    return item


@transaction.atomic
def news_item_propose(
    *, by, program: Program, title: str, teaser: str, body: str = "", tags=()
) -> NewsItem:
    """A coordinator proposes an item about one of their programs; staff review it."""
    if not by.is_authenticated or not program.memberships.filter(user=by).exists():
        raise ValidationError({"program": _("You can only write about your own programs.")})
    item = NewsItem(
        title=title.strip(),
        teaser=teaser.strip(),
        body=body,
        organization=program.organization,
        status=NewsItem.Status.REVIEW,
    )
    return news_item_save(item=item, tags=list(tags), programs=[program], by=by)


@transaction.atomic
def news_item_revise(
    *, item: NewsItem, by, program: Program, title: str, teaser: str, body: str = "", tags=()
) -> NewsItem:
    """Whoever proposed an item changes it (sent back, or still waiting) and hands it to the
    network's review again; the earlier "sent back" is answered."""
    if item.created_by_id != getattr(by, "pk", None) or item.status == NewsItem.Status.PUBLISHED:
        raise ValidationError(_("Only the person who proposed an unpublished item can change it."))
    if not program.memberships.filter(user=by).exists():
        raise ValidationError({"program": _("You can only write about your own programs.")})
    item.title, item.teaser, item.body = title.strip(), teaser.strip(), body
    item.organization = program.organization
    item.status = NewsItem.Status.REVIEW
    item = news_item_save(item=item, tags=list(tags), programs=[program])
    moderation_notices_settle(model=NewsItem, ids=[item.pk])
    return item


def _tell_proposer(*, item: NewsItem, decision: str, by) -> None:
    sent_back = decision == ModerationNotice.Decision.SENT_BACK
    moderation_notice_give(
        item=item,
        subject=ModerationNotice.Subject.NEWS,
        recipient=item.created_by,
        decision=decision,
        title=item.title,
        link=reverse("news:revise", kwargs={"slug": item.slug})
        if sent_back
        else item.get_absolute_url(),
        reason=item.review_note if sent_back else "",
        by=by,
    )


@transaction.atomic
def news_item_publish(*, item: NewsItem, by) -> NewsItem:
    item = transition(
        item,
        allowed={NewsItem.Status.DRAFT, NewsItem.Status.REVIEW},
        to=NewsItem.Status.PUBLISHED,
        refusal=_("This item is already published."),
        review_note="",
    )
    _tell_proposer(item=item, decision=ModerationNotice.Decision.PUBLISHED, by=by)
    return item


@transaction.atomic
def news_item_send_back(*, item: NewsItem, by, reason: str) -> NewsItem:
    """The network sends a proposal back to its author as a draft, with the reason."""
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Please give a reason, so the coordinators know what to change.")}
        )
    item = transition(
        item,
        allowed={NewsItem.Status.REVIEW},
        to=NewsItem.Status.DRAFT,
        refusal=_("Only an item in review can be sent back."),
        review_note=reason.strip(),
    )
    _tell_proposer(item=item, decision=ModerationNotice.Decision.SENT_BACK, by=by)
    return item


@transaction.atomic
def news_item_unpublish(*, item: NewsItem, by) -> NewsItem:
    """Take an item offline: it goes back to the drafts."""
    return transition(
        item,
        allowed={NewsItem.Status.PUBLISHED},
        to=NewsItem.Status.DRAFT,
        refusal=_("Only a published item can be taken offline."),
    )


@transaction.atomic
def news_item_delete(*, item: NewsItem) -> None:
    """Delete an item; its image file goes once the deletion is committed."""
    name, storage = item.image.name, item.image.storage
    item.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
