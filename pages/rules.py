"""Who keeps the network's editorial pages, funders and partners and contact people: network
staff (and operators, who are staff as well)."""

import rules

from programs.rules import is_network_staff

rules.add_perm("pages.manage_content", is_network_staff)
