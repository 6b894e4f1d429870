from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Application


@shared_task(name="tandems.send_application_status_mail")
def send_application_status_mail(*, application_id: int) -> bool:
    """Tell the volunteer where their application stands, in their language."""
    application = (
        Application.objects.select_related("program", "volunteer", "stage")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return False
    volunteer = application.volunteer
    with translation.override(volunteer.language):
        context = {
            "application": application,
            "volunteer": volunteer,
            "SITE_URL": settings.SITE_URL,
        }
        subject = render_to_string("tandems/email/application_status_subject.txt", context)
        body = render_to_string("tandems/email/application_status.txt", context)
    send_mail(" ".join(subject.split()), body, None, [volunteer.email])
    return True
