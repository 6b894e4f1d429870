"""Who may read a program's audit trail: its coordinators, as for the program's people.

Network staff are absent, as in tandems/rules.py: the trail names mentees and volunteers.
"""

import rules

from programs.rules import is_program_coordinator

rules.add_perm("audit.view_program_trail", is_program_coordinator)
