"""A notification mail is in its recipient's language: subject, text and HTML body, and the
names it quotes (here a pipeline stage's). The language is the one the person chose (an
account's setting, first the language of the pages they signed up on; a registration's page;
a mentee's reminder language); an invited address without an account gets German."""

import pytest

from tandems import services as tandem_services
from tandems.services import pipeline_ensure_default
from tests.english import german_catalogue_texts, german_in, visible_html
from tests.factories import ProgramFactory, UserFactory
from tests.factories.tandems import profile_for

pytestmark = pytest.mark.django_db


def _stage_mail(language: str, mailoutbox, capture):
    program = ProgramFactory(name="Lesepatenschaften Dresden")
    training = next(s for s in pipeline_ensure_default(program=program) if s.name == "Schulung")
    volunteer = UserFactory(language=language)
    profile_for(volunteer, name="Jo Smith")
    application = tandem_services.application_submit(
        program=program, user=volunteer, privacy_version="2026-11"
    )
    mailoutbox.clear()
    with capture(execute=True):
        tandem_services.application_advance(
            application=application, stage=training, by=UserFactory()
        )
    (mail,) = mailoutbox
    ((html, _mimetype),) = mail.alternatives
    return mail, html


def test_a_mail_to_an_english_speaking_recipient_is_in_english(
    mailoutbox, django_capture_on_commit_callbacks
):
    mail, html = _stage_mail("en", mailoutbox, django_capture_on_commit_callbacks)

    assert mail.subject == "Your application to “Lesepatenschaften Dresden”"
    assert "is now at the stage “training”" in mail.body
    assert "“training”" in visible_html(html)
    text = f"{mail.subject}\n{mail.body}\n{visible_html(html)}"
    assert german_in(" ".join(text.split()), german_catalogue_texts() | {"Schulung"}) == []


def test_a_mail_to_a_german_speaking_recipient_is_in_german(
    mailoutbox, django_capture_on_commit_callbacks
):
    mail, html = _stage_mail("de", mailoutbox, django_capture_on_commit_callbacks)

    assert mail.subject == "Ihre Bewerbung bei „Lesepatenschaften Dresden“"
    assert "„Schulung“" in mail.body
    assert "„Schulung“" in visible_html(html)
    assert "training" not in mail.body


@pytest.mark.parametrize(
    ("account_language", "subject"),
    [
        ("en", "Invitation to coordinate “Lesepatenschaften Dresden”"),
        ("de", "Einladung zur Koordination von „Lesepatenschaften Dresden“"),
        (None, "Einladung zur Koordination von „Lesepatenschaften Dresden“"),
    ],
)
def test_an_invitation_is_in_the_language_of_the_invited_account(
    account_language, subject, mailoutbox, django_capture_on_commit_callbacks
):
    from programs.invitations import invitation_create

    if account_language:
        UserFactory(email="kim@example.org", language=account_language)
    program = ProgramFactory(name="Lesepatenschaften Dresden")

    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(program=program, email="Kim@Example.org", by=UserFactory(is_staff=True))

    (mail,) = mailoutbox
    assert mail.subject == subject
