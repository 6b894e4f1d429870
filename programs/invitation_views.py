"""The page behind a coordinator invitation's link (/einladung/<token>/): what is granted, and
accepting it - signed in with the invited address, or with a new account made for it. A link
that no longer works (expired, used, revoked, mistyped) gets a page that says so, never an
error."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import invitations
from .forms import InvitationAcceptForm
from .invitations import Refusal

TEMPLATE = "programs/invitation_accept.html"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def masked(email: str) -> str:
    """ "an…@example.org": enough to recognise one's own address, not to learn another's."""
    local, _sep, domain = email.partition("@")
    return f"{local[:2]}…@{domain}"


def _refused(request, refusal: Refusal, invitation):
    return render(
        request,
        TEMPLATE,
        {"refusal": refusal.value, "invitation": invitation},
        status=404 if refusal == Refusal.INVALID else 410,
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept_view(request, token):
    invitation, refusal = invitations.invitation_from_token(token)
    if refusal is not None:
        return _refused(request, refusal, invitation)
    user = request.user
    context = {
        "invitation": invitation,
        "program": invitation.program,
        "address": masked(invitation.email),
        "login_url": f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.path})}",
    }
    if user.is_authenticated:
        if not invitations.user_owns_address(user=user, email=invitation.email):
            context["wrong_account"] = True
            return render(request, TEMPLATE, context, status=403)
        if request.method == "POST":
            try:
                invitations.invitation_accept(invitation=invitation, user=user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            messages.success(
                request,
                _("You now coordinate “%(program)s”.") % {"program": invitation.program.name},
            )
            return redirect("tandems:coordination")
        context["can_accept"] = True
        return render(request, TEMPLATE, context)
    if invitations.address_has_account(invitation.email):
        context["sign_in"] = True
        return render(request, TEMPLATE, context)
    data = request.POST if request.method == "POST" else None
    form = InvitationAcceptForm(data, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = invitations.invitation_accept_with_new_account(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                language=get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            auth_logout(request)
            login(request, new_user, backend=BACKEND)
            messages.success(
                request,
                _("Welcome! Your account has been created and you now coordinate “%(program)s”.")
                % {"program": invitation.program.name},
            )
            return redirect("tandems:coordination")
    context.update(form=form, email=invitation.email)
    return render(request, TEMPLATE, context)
