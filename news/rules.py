"""Who may propose news: the coordinators of the program an item is about. Network staff write,
publish and take offline any item (news/staff_views.py)."""

import rules

from programs.rules import is_network_staff, is_program_coordinator

rules.add_perm("news.propose_item", is_program_coordinator)
rules.add_perm("news.moderate_items", is_network_staff)
