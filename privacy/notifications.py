"""The mail of privacy: coordinators hear what an erasure changed (notifications.registry)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.registry import (
    Kind,
    Mail,
    Skip,
    register,
    site_url,
)


class PersonErased(Kind):
    """To a program's coordinators when a volunteer deleted their account: what it changed for
    the program, never who it was."""

    kind = Notification.Kind.PERSON_ERASED

    def build(self, notification, recipient, about=None):
        from privacy.models import Erasure

        erasure = Erasure.objects.select_related("program").filter(pk=notification.object_id)
        erasure = erasure.first()
        if erasure is None or erasure.program is None:
            raise Skip(_("The program no longer exists."))
        return Mail(
            "privacy/email/person_erased",
            {
                "erasure": erasure,
                "program": erasure.program,
                "tandems": [
                    (pk, site_url(reverse("tandems:coordination_tandem", kwargs={"pk": pk})))
                    for pk in erasure.tandem_ids
                ],
            },
        )


register(PersonErased())
