"""Who is acting: the signed-in user of the current request, for the entries auditlog writes.

auditlog's own AuditlogMiddleware is not used, for two reasons measured in this project:
- it reads `request.user` on every request (an isinstance check on the lazy user), which costs the
  session and user queries on public pages that otherwise need none (cached pages, feeds);
- it copies the actor's e-mail address into each entry (`actor_email`), personal data that would
  outlive the erasure of that account. The `actor` foreign key is enough.

This middleware only remembers the request; the user is looked up when an entry is written.
"""

from contextvars import ContextVar

from django.db.models.signals import pre_save

_request: ContextVar = ContextVar("audit_request", default=None)


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_actor():
    """The signed-in user of the request being served, or None (a task, a command, anonymous)."""
    request = _request.get()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


def _set_actor(sender, instance, **kwargs):
    # Entries written by audit.services name their actor themselves (None for a task).
    if instance.actor_id is None and not getattr(instance, "actor_given", False):
        instance.actor = current_actor()


def connect() -> None:
    from auditlog import get_logentry_model

    pre_save.connect(_set_actor, sender=get_logentry_model(), dispatch_uid="audit-actor")
