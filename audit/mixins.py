"""Logging that a page or a download showed personal data: one entry per request.

Applied to the views themselves (not to templates), after their permission checks: whoever gets
the page has seen it; whoever gets 404 or a redirect has not. A list is one entry, not one per row.
"""

from . import services


class AccessLogMixin:
    """Writes one "viewed" (or "exported") entry for each GET of the view that answers 200.

    Put it first among the bases: it wraps the whole dispatch, so a denial (404, the login
    redirect) or a refusal (a redirect back) writes nothing, and a view's own get() is covered.

    Set `audit_action` ("viewed" or "exported") and `audit_detail` (which list or form), and
    override `audit_object()` (the record shown; None for a list) and, for a list,
    `audit_program()`. The record's program is found by audit.registry.program_of.
    """

    audit_action = services.VIEWED
    audit_detail = ""

    def audit_object(self):
        return None

    def audit_program(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            services.audit_record(
                actor=request.user,
                action=self.audit_action,
                obj=self.audit_object(),
                program=self.audit_program(),
                detail=self.audit_detail,
            )
        return response
