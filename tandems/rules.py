"""Who may see and change the people side: only coordinators of the object's program.

Network staff are deliberately absent: they see counts, never applications or mentees, unless they
coordinate that program themselves.
"""

import rules

from programs.rules import is_program_coordinator


@rules.predicate
def coordinates_program_of(user, obj) -> bool:
    """The user coordinates the program an application or a mentee belongs to."""
    if obj is None:
        return False
    return is_program_coordinator(user, obj.program)


rules.add_perm("tandems.coordinate_program_people", is_program_coordinator)
rules.add_perm("tandems.view_application", coordinates_program_of)
rules.add_perm("tandems.change_application", coordinates_program_of)
rules.add_perm("tandems.view_mentee", coordinates_program_of)
rules.add_perm("tandems.change_mentee", coordinates_program_of)


@rules.predicate
def is_mentor_of(user, tandem) -> bool:
    """The user is the mentor of this tandem (any status: ended tandems stay readable to them)."""
    if tandem is None or not user.is_authenticated:
        return False
    return tandem.mentor_id == user.pk


@rules.predicate
def tandem_is_current(user, tandem) -> bool:
    return tandem is not None and tandem.is_current


rules.add_perm("tandems.view_tandem", coordinates_program_of)
rules.add_perm("tandems.change_tandem", coordinates_program_of)
rules.add_perm("tandems.mentor_view_tandem", is_mentor_of)
# Mentors plan and log meetings, set goals and answer check-ins while the tandem lasts.
rules.add_perm("tandems.mentor_change_tandem", is_mentor_of & tandem_is_current)
# A concern about someone's safety: only the coordinators of its program, never network staff.
rules.add_perm("tandems.view_concern", coordinates_program_of)
rules.add_perm("tandems.change_concern", coordinates_program_of)
# Documents on a volunteer, a mentee or a tandem: only the coordinators of its program.
rules.add_perm("tandems.view_document", coordinates_program_of)
rules.add_perm("tandems.change_document", coordinates_program_of)
