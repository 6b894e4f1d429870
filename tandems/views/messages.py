"""A coordinator writes to a group of the program's volunteers: form, preview, send; the copies."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from audit.mixins import AccessLogMixin
from programs.permissions import ProgramPeopleMixin
from tandems import selectors
from tandems.forms.coordination import add_service_errors
from tandems.forms.messages import ProgramMessageForm
from tandems.services import messages as message_services

PAGE_SIZE = 50
# The preview names at most this many recipients; the count is always complete.
PREVIEW_NAMES = 500


def person_name(user) -> str:
    profile = getattr(user, "volunteer_profile", None)
    return (profile.name if profile else "") or user.name or user.email


class ProgramMessageView(ProgramPeopleMixin, FormView):
    """Step 1: the form. Step 2 (POST without "send"): the preview with the recipients. Send
    (POST with "send"): the message is kept and every recipient's mail goes into the outbox."""

    template_name = "tandems/coordination/message_form.html"
    form_class = ProgramMessageForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "program": self.program}

    def form_valid(self, form):
        if "edit" in self.request.POST:
            # Back from the preview to the form, with what was written.
            return self.render_to_response(self.get_context_data(form=form))
        chosen = form.chosen
        recipients = list(selectors.message_recipients(program=self.program, **chosen))
        if not recipients:
            form.add_error(
                None,
                _("Nobody belongs to the chosen group at the moment. Nothing was sent."),
            )
            return self.form_invalid(form)
        description = message_services.audience_description(**chosen)
        if "send" not in self.request.POST:
            count = len(recipients)
            return render(
                self.request,
                "tandems/coordination/message_preview.html",
                {
                    "program": self.program,
                    "form": form,
                    "description": description,
                    "count": count,
                    "names": [person_name(user) for user in recipients[:PREVIEW_NAMES]],
                    "more": max(0, count - PREVIEW_NAMES),
                },
            )
        try:
            message, new = message_services.program_message_send(
                program=self.program,
                sender=self.request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                essential=form.cleaned_data["essential"],
                recipients=recipients,
                description=description,
                submission_key=form.cleaned_data["key"],
                audience=chosen["audience"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if new:
            count = len(recipients)
            messages.success(
                self.request,
                ngettext(
                    "The message is on its way to %(count)d person.",
                    "The message is on its way to %(count)d people.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(
                self.request, _("This message was already sent; it was not sent a second time.")
            )
        return redirect(message.get_absolute_url())


class ProgramMessageListView(ProgramPeopleMixin, TemplateView):
    template_name = "tandems/coordination/message_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = selectors.messages_of_program(program=self.program)
        context["page_obj"] = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return context


class ProgramMessageDetailView(AccessLogMixin, ProgramPeopleMixin, TemplateView):
    template_name = "tandems/coordination/message_detail.html"
    audit_detail = "message recipients"

    def audit_program(self):
        return self.program

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        message = get_object_or_404(
            selectors.messages_of_program(program=self.program), pk=self.kwargs["pk"]
        )
        rows = selectors.message_recipients_with_state(message=message)
        context.update(
            message=message,
            rows=[(person_name(row.user), row.state, row.state_label) for row in rows],
        )
        return context
