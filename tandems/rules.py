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
