"""core.actions.run_action: the one way a POST action reports back in messages."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.actions import run_action


class TitleForm(forms.Form):
    title = forms.CharField(max_length=5)


def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def said(request) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def test_invalid_form_says_its_errors_and_does_not_run_the_action():
    request, ran = request_with_messages(), []
    form = TitleForm({"title": "zu lang"})

    done = run_action(request, lambda: ran.append(1), success="Gespeichert.", form=form)

    assert (done, ran) == (False, [])
    assert said(request) == [("error", form.errors["title"][0])]
    assert "5" in form.errors["title"][0]


def test_refusal_of_the_service_becomes_the_error_message():
    request = request_with_messages()

    def refuse():
        raise ValidationError(["Das Tandem ist schon beendet.", "Bitte neu laden."])

    assert run_action(request, refuse, success="Gespeichert.") is False
    assert said(request) == [("error", "Das Tandem ist schon beendet. Bitte neu laden.")]


def test_success_message_may_read_the_result():
    request = request_with_messages()

    done = run_action(
        request, lambda: "pausiert", success=lambda status: f"Das Tandem ist {status}."
    )

    assert done is True
    assert said(request) == [("success", "Das Tandem ist pausiert.")]
