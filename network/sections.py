"""The sections of the network staff's home page (/netzwerk/): one line each, easy to extend.

A section names its page (a URL name), says in a sentence what is done there and may count what
waits for action there (a function returning a number, one or two queries: the page's queries
grow with the sections, never with the data). Add a section by appending to SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class Section:
    title: str | Promise
    url_name: str
    description: str | Promise
    # What waits for action, and the number in words (ngettext_lazy with a "count" key:
    # "3 waiting for review").
    count: Callable[[], int] | None = None
    count_label: Promise | None = None


def _programs_waiting() -> int:
    from programs.selectors import staff_counts

    counts = staff_counts()
    return counts["programs_in_review"] + counts["pending_changes"]


def _programs_in_review() -> int:
    from programs.models import Program

    return Program.objects.filter(status=Program.Status.REVIEW).count()


def _open_invitations() -> int:
    from programs.selectors import open_invitation_count

    return open_invitation_count()


def _news_in_review() -> int:
    from news.models import NewsItem

    return NewsItem.objects.filter(status=NewsItem.Status.REVIEW).count()


def _events_in_review() -> int:
    from events.models import Event

    return Event.objects.filter(status=Event.Status.REVIEW).count()


WAITING = ngettext_lazy("%(count)d waiting for review", "%(count)d waiting for review", "count")

SECTIONS: list[Section] = [
    Section(
        _("Review queue"),
        "programs:review_queue",
        _("New listings and changes to published listings, to publish or send back."),
        _programs_waiting,
        WAITING,
    ),
    Section(
        _("Events to review"),
        "events:event_review_queue",
        _("Events proposed by programs and organisations."),
        _events_in_review,
        WAITING,
    ),
    Section(
        _("Events"),
        "events:coordination_events",
        _("The network's own events: create, edit, publish, cancel."),
    ),
    Section(
        _("News to review"),
        "news:review_queue",
        _("News items proposed by coordinators about their programs."),
        _news_in_review,
        WAITING,
    ),
    Section(
        _("Programs"),
        "programs:staff_programs",
        _("Every listing, whatever its status: create, edit, archive; assign coordinators."),
        _programs_in_review,
        ngettext_lazy("%(count)d in review", "%(count)d in review", "count"),
    ),
    Section(
        _("Organisations"),
        "programs:staff_organizations",
        _("The organisations (Träger) that run the programs."),
    ),
    Section(
        _("Coordinator invitations"),
        "programs:staff_invitations",
        _("Invitations by e-mail that have not been accepted yet."),
        _open_invitations,
        ngettext_lazy("%(count)d open", "%(count)d open", "count"),
    ),
    Section(
        _("Program import"),
        "programs:import",
        _("Programs from a CSV file or an Excel workbook: map the columns, check, import."),
    ),
    Section(
        _("News"),
        "news:staff_list",
        _("Write, edit, publish and take offline the network's news."),
    ),
    Section(
        _("Editorial pages"),
        "pages:staff_pages",
        _("The pages about mentoring, the network and contact, and the legal pages."),
    ),
    Section(
        _("Partners"),
        "pages:staff_partners",
        _("Funders and partners with their logos in the footer."),
    ),
    Section(
        _("Contact people"),
        "pages:staff_contacts",
        _("The people named on the contact page."),
    ),
    Section(
        _("Vocabularies"),
        "vocabularies",
        _("Target groups, topics, formats, event types and news topics: add, rename, reorder."),
    ),
    Section(
        _("Network report"),
        "tandems:network_report",
        _("Anonymous figures of the whole network, for funders."),
    ),
    # The living style page (network/style.py): the design system, for whoever builds pages.
    Section(
        _("Style guide"),
        "network:style",
        _("The portal's colours, type and components with their contrast, in German and English."),
    ),
]


def sections_with_counts() -> list[dict]:
    found = []
    for section in SECTIONS:
        count = section.count() if section.count is not None else None
        label = section.count_label % {"count": count} if count is not None else ""
        found.append({"section": section, "count": count, "label": label})
    return found
