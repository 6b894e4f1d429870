import rules

# The network staff's home page (/netzwerk/): network staff and operators.
rules.add_perm("network.access", rules.is_active & rules.is_staff)
