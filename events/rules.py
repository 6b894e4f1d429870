"""Who may change an event and see its participants: its organisers and network staff.

The organisers of an event are the coordinators of its program, or of any program of its
organisation. Events of the network itself (no program, no organisation) belong to staff.
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


rules.add_perm("events.change_event", is_event_organiser | is_network_staff)
rules.add_perm("events.view_registrations", is_event_organiser | is_network_staff)
rules.add_perm("events.moderate_events", is_network_staff)
