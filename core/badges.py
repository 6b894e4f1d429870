"""One badge colour per status, across the apps: the single mapping status -> badge variant.

Models are named by their label ("tandems.Tandem"), so the kernel imports no app; the test
(tests/core/test_badges.py) checks the mapping against every model's choices. A template shows a
status with `{% load badges %}{% status_badge object %}` (or `{% status_badge program
"availability" %}`): the badge always shows the status's text, so colour is never its only
carrier. The variants are the status colours of the design tokens (--status-<variant>-bg, -line
and -ink in static/css/portal.css).
"""

from __future__ import annotations

from django.db import models

VARIANTS = ("neutral", "info", "pending", "ok", "danger")
# What each variant means, the same in every app.
#   neutral: at rest or over (draft, archived, paused, completed, withdrawn)
#   info:    planned or proposed, nothing to do yet
#   pending: waits for someone (review, waiting list, an open application)
#   ok:      running or done well (published, active, confirmed, held)
#   danger:  needs attention or did not happen (cancelled, rejected, missed, an open concern)

NEUTRAL, INFO, PENDING, OK, DANGER = VARIANTS

STATUS_BADGES: dict[tuple[str, str], dict[str, str]] = {
    ("programs.Program", "status"): {
        "draft": NEUTRAL,
        "review": PENDING,
        "published": OK,
        "archived": NEUTRAL,
    },
    ("programs.Program", "availability"): {"open": OK, "waitlist": PENDING, "paused": NEUTRAL},
    ("programs.ProgramChange", "status"): {"pending": PENDING, "approved": OK, "rejected": DANGER},
    ("programs.CoordinatorInvitation", "status"): {
        "pending": PENDING,
        "accepted": OK,
        "revoked": NEUTRAL,
    },
    ("programs.ProgramImport", "status"): {
        "uploaded": INFO,
        "imported": OK,
        "discarded": NEUTRAL,
        "expired": NEUTRAL,
    },
    ("tandems.Application", "status"): {"open": PENDING, "rejected": DANGER, "withdrawn": NEUTRAL},
    # An application's history shows the status it moved to, in the same colours.
    ("tandems.ApplicationEvent", "status"): {
        "open": PENDING,
        "rejected": DANGER,
        "withdrawn": NEUTRAL,
    },
    ("tandems.Mentee", "status"): {"waiting": PENDING, "matched": OK, "inactive": NEUTRAL},
    ("tandems.Tandem", "status"): {
        "proposed": INFO,
        "active": OK,
        "paused": NEUTRAL,
        "closed": NEUTRAL,
        "ended_early": NEUTRAL,
    },
    ("tandems.Meeting", "status"): {
        "planned": INFO,
        "held": OK,
        "cancelled": DANGER,
        "missed": DANGER,
    },
    ("tandems.Concern", "status"): {"open": DANGER, "closed": NEUTRAL},
    ("events.Event", "status"): {
        "draft": NEUTRAL,
        "review": PENDING,
        "published": OK,
        "cancelled": DANGER,
    },
    ("events.Registration", "status"): {"confirmed": OK, "waiting": PENDING, "cancelled": DANGER},
    ("news.NewsItem", "status"): {"draft": NEUTRAL, "review": PENDING, "published": OK},
    ("notifications.Notification", "state"): {
        "pending": PENDING,
        "sent": OK,
        "failed": DANGER,
        "skipped": NEUTRAL,
    },
}

# The same word with different meanings in different apps: "open" is a program with places
# (good), an application in progress (waits for the coordinator) and a concern not yet dealt
# with (needs attention). Every other status value has one variant wherever it occurs.
SAME_WORD_OTHER_MEANING = {"open"}

# Statuses computed from dates rather than stored in a field: a to-do.
TODO_BADGES = {"open": PENDING, "overdue": DANGER, "done": OK}


def badge_variant(obj: models.Model, field: str = "status") -> str:
    label = obj._meta.concrete_model._meta.label
    return STATUS_BADGES.get((label, field), {}).get(getattr(obj, field), NEUTRAL)
