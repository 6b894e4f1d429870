"""Who may change an event and see its participants.

The organisers of an event are the coordinators of its program, or of any program of its
organisation. Events of the network itself (no program, no organisation) belong to staff.
Network staff moderate and may change every event, but the participants of a program's or an
organisation's event are that program's people: staff see only those of the network's events.
"""

import rules

from programs.models import ProgramCoordinator
from programs.rules import is_network_staff


@rules.predicate
def is_event_organiser(user, event) -> bool:
    if event is None or not user.is_authenticated:
        return False
    memberships = ProgramCoordinator.objects.filter(user=user)
    if event.program_id:
        return memberships.filter(program_id=event.program_id).exists()
    if event.organization_id:
        return memberships.filter(program__organization_id=event.organization_id).exists()
    return False


@rules.predicate
def is_network_event(user, event) -> bool:
    return event is not None and event.program_id is None and event.organization_id is None


# Not Django's "change_event": the portal's rule stays out of the admin, the operators' alone.
rules.add_perm("events.edit_event", is_event_organiser | is_network_staff)
rules.add_perm(
    "events.view_registrations", is_event_organiser | (is_network_staff & is_network_event)
)
rules.add_perm("events.moderate_events", is_network_staff)
