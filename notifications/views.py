"""The person's notification settings under /mein-bereich/, and the one-click unsubscribe link.

The unsubscribe page needs no login: the signed token says who and what. A GET only asks (mail
scanners follow links); the POST switches the mails off. Mail programs send that POST themselves
for the List-Unsubscribe-Post header (RFC 8058), without a CSRF cookie: the token, which only the
recipient has, is what protects it, so the view is exempt from the CSRF check.
"""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.generic import UpdateView

from . import services
from .forms import NotificationSettingsForm
from .models import Notification
from .registry import KINDS
from .tokens import unsubscribe_read

Kind = Notification.Kind

# What a click on the link switches off, by who gets the mail and its kind. A pair not listed
# here cannot be switched off (mails about an application or a registration under way).
SWITCHED_OFF = {
    ("user", Kind.MEETING_REMINDER): gettext_lazy(
        "the reminders before the meetings of your tandems"
    ),
    ("user", Kind.CHECKIN_DUE): gettext_lazy("the reminders of check-ins that are due"),
    ("user", Kind.COORDINATOR_DIGEST): gettext_lazy(
        "the weekly overview of what needs action in your programs"
    ),
    ("user", Kind.LISTING_REVIEW): gettext_lazy(
        "the yearly reminder to review the listings of your programs"
    ),
    ("user", Kind.PROGRAM_MESSAGE): gettext_lazy(
        "the messages from the coordinators of your programs (messages about your tandem itself "
        "still reach you)"
    ),
    ("mentee", Kind.MEETING_REMINDER): gettext_lazy(
        "the e-mail reminders before the meetings of the tandem"
    ),
    ("registration", Kind.EVENT_REMINDER): gettext_lazy(
        "the reminder the day before the event you registered for"
    ),
}


class SettingsView(LoginRequiredMixin, UpdateView):
    form_class = NotificationSettingsForm
    template_name = "notifications/settings.html"
    success_url = reverse_lazy("notifications:settings")

    def get_object(self, queryset=None):
        return services.settings_of(self.request.user)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            # programs/rules.py names the rule: the outbox knows no programs.
            "coordinator": rules.test_rule("is_any_coordinator", self.request.user),
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your notification settings are saved."))
        return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_view(request, token):
    found = unsubscribe_read(token)
    if found is None or found[1] not in KINDS:
        raise Http404
    recipient, kind = found
    holder = recipient.partition(":")[0]
    what = SWITCHED_OFF.get((holder, kind))
    if what is None:
        raise Http404
    context = {
        "kind_label": Kind(kind).label,
        "what": what,
        "holder": holder,
        "has_account": holder == "user",
        "done": False,
    }
    if request.method == "POST":
        if not services.unsubscribe(recipient, kind):
            raise Http404
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
