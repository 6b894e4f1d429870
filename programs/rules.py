import rules

from .selectors import user_coordinates_any_program


@rules.predicate
def is_program_coordinator(user, program) -> bool:
    if program is None or not user.is_authenticated:
        return False
    return program.memberships.filter(user=user).exists()


@rules.predicate
def is_any_coordinator(user) -> bool:
    return user_coordinates_any_program(user=user)


is_network_staff = rules.is_staff

# A named rule for the apps below programs (notifications asks it without importing programs).
rules.add_rule("is_any_coordinator", is_any_coordinator)

rules.add_perm("programs.access_coordination", is_any_coordinator | is_network_staff)
rules.add_perm("programs.change_listing", is_program_coordinator | is_network_staff)
# A coordinator proposes a new program and becomes its coordinator. Network staff create programs
# The program import in the browser (/netzwerk/import/): network staff and operators.
rules.add_perm("programs.import_programs", is_network_staff)
# in their own area instead: proposing would make them a coordinator, with the people's records.
rules.add_perm("programs.propose_program", is_any_coordinator)
rules.add_perm("programs.review_listings", is_network_staff)
# The staff's pages under /netzwerk/: organisations, programs, the coordinator role, invitations.
rules.add_perm("programs.manage_programs", is_network_staff)
# A program's audit trail (programs/trail_views.py): its coordinators, as for the program's people.
# Network staff are absent, as in tandems/rules.py: the trail names mentees and volunteers.
rules.add_perm("audit.view_program_trail", is_program_coordinator)
# The editable vocabularies of programs, events and news (mentoring/vocabulary_views.py).
rules.add_perm("programs.manage_vocabularies", is_network_staff)
