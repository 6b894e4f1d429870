"""Every lookup by e-mail address in the portal's code goes through accounts/selectors.py, which
takes confirmed addresses only.

The test reads the source of every module of the portal (not the tests, benchmarks or migrations)
and finds each place that looks records up by an address: a query whose lookup names an e-mail
field (`email=`, `email__iexact=`, `user__email=`, `**{"email__in": ...}`), a keyword whose value
is someone's `.email`, a use of allauth's EmailAddress table (`EmailAddress.objects`,
`emailaddress_set`, `emailaddress__...`), a comparison with an `.email` value in Python, and any
case-insensitive equality lookup (`__iexact`, even built as a string), the usual way to compare
addresses.
Each must be in the selector module or listed in ALLOWED with the reason why it ties nothing to
an account. A new lookup fails the test: use `by_verified_address` / `verified_addresses_of`, or
add it to ALLOWED with a reason a reviewer can check.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SELECTOR = "accounts/selectors.py"
SKIPPED_DIRS = {".venv", "tests", "bench", "migrations", "node_modules", "staticfiles", "var"}
QUERY_METHODS = {
    "filter", "exclude", "get", "get_or_create", "update_or_create", "Q", "aggregate",
    "annotate", "alias", "filter_by", "in_bulk", "values", "values_list", "order_by",
}  # fmt: skip
MANAGERS = {"objects", "_default_manager", "_base_manager"}

# (module, the offending expression as ast.unparse writes it) -> why it ties nothing to an account
# by an address someone typed in.
ALLOWED = {
    ("events/services.py", "event.registrations.active().filter(email=email)"):
        "a second registration of the same address to the same event; no account involved",
    ("events/services.py", "Registration.objects.unconfirmed().filter(email=email)"):
        "counts the registrations of an address still waiting for its owner's confirmation (the "
        "flood limit of the double opt-in); no account involved",
    ("privacy/services.py", "User.objects.get_or_create(email=PLACEHOLDER_EMAIL, "
                            "defaults={'name': PLACEHOLDER_NAME, 'is_active': False})"):
        "the placeholder account of erased volunteers (an address that cannot receive mail)",
    ("privacy/services.py", "user.email == PLACEHOLDER_EMAIL"):
        "recognises the placeholder account",
    ("privacy/retention.py", "get_user_model().objects.filter(email=services.PLACEHOLDER_EMAIL)"):
        "the placeholder account of erased volunteers",
    ("privacy/retention.py", "Registration.objects.exclude(email__endswith=ANONYMOUS_EMAIL)"):
        "leaves out registrations already anonymised",
    ("privacy/retention.py", "Registration.objects.filter(event__in=due).exclude("
                             "email__endswith=ANONYMOUS_EMAIL)"):
        "leaves out registrations already anonymised",
    ("accounts/services.py", "get_user_model().objects.get_or_create(email=email)"):
        "set-up of demo and staff accounts by the operator, whose address counts as confirmed",
    ("accounts/services.py", "EmailAddress.objects.update_or_create(user=user, email=email, "
                              "defaults={'verified': True, 'primary': True})"):
        "writes the confirmed address of an account the operator sets up; reads nothing",
    ("tandems/demo.py", "User.objects.filter(email=email)"): "demo data",
    ("tandems/demo.py", "User.objects.filter(email__startswith=prefix)"): "demo data",
    ("pages/demo.py", "ContactPerson.objects.get_or_create(email=email, defaults={'name': name, "
                      "'role': role, 'phone': phone, 'position': position})"):
        "demo data: the network's public contact people",
    ("tandems/notifications.py", "self._meetings(now, self.MENTEE_LEAD).exclude("
                               "tandem__mentee__reminder_email='')"):
        "mentees without a reminder address get no reminder; ties nothing to an account",
    ("audit/filters.py", "Q(actor__email__icontains=value)"):
        "coordinators search their program's audit trail by who acted (the account's login)",
    ("programs/demo.py", "CoordinatorInvitation.objects.open().filter("
                         "email=DEMO_INVITATION_EMAIL)"):
        "demo data: keeps the demo's one open invitation",
    ("programs/invitations.py", "CoordinatorInvitation.objects.filter(program=program, "
                                "email=email, status=CoordinatorInvitation.Status.PENDING)"):
        "a new invitation of the same address to the same program replaces the open one; no "
        "account involved",
    ("audit/services.py", "LogEntry.objects.filter(actor_id__in=targets[user_model]).exclude("
                          "actor_email=None)"):
        "erasure clears the address the audit log copied into its entries; reads nothing",
    ("programs/services_vocabularies.py", "model.objects.filter(name_de__iexact=name_de.strip())"):
        "a vocabulary term's German label compared without case (a duplicate term); no address",
}  # fmt: skip


def _mentions_email(text: str) -> bool:
    text = text.lower()
    return "email" in text or "__iexact" in text


def _is_email_attribute(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in ("email", "reminder_email")


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def offences(source: str) -> list[str]:
    """The expressions of a module's source that look records up by an e-mail address."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _call_name(node) in QUERY_METHODS:
            keys = [keyword.arg for keyword in node.keywords if keyword.arg]
            for keyword in node.keywords:
                if keyword.arg is None and isinstance(keyword.value, ast.Dict):
                    keys += [
                        key.value
                        for key in keyword.value.keys
                        if isinstance(key, ast.Constant) and isinstance(key.value, str)
                    ]
            values = [keyword.value for keyword in node.keywords] + list(node.args)
            if any(_mentions_email(key) for key in keys) or any(
                _is_email_attribute(value) for value in values
            ):
                found.append(ast.unparse(node))
        elif isinstance(node, ast.Attribute) and (
            node.attr == "emailaddress_set"
            or (
                node.attr in MANAGERS
                and isinstance(node.value, ast.Name)
                and node.value.id == "EmailAddress"
            )
        ):
            found.append(ast.unparse(node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # Lookups built as strings: f"{field}__iexact", "emailaddress__email".
            if any(part in node.value.lower() for part in ("email__", "__iexact")):
                found.append(repr(node.value))
        elif isinstance(node, ast.Compare) and any(
            _is_email_attribute(side) for side in (node.left, *node.comparators)
        ):
            found.append(ast.unparse(node))
    return found


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS.isdisjoint(relative.parts):
            yield relative.as_posix(), path.read_text()


def _outer(expressions: list[str]) -> list[str]:
    """Each offence once: a manager access or a string inside a flagged call counts as that call."""
    return [
        expression
        for expression in expressions
        if not any(expression != other and expression in other for other in expressions)
    ]


def test_every_lookup_by_address_goes_through_the_selector_of_confirmed_addresses():
    unlisted = []
    for module, source in _modules():
        if module == SELECTOR:
            continue
        for expression in _outer(offences(source)):
            if (module, expression) not in ALLOWED:
                unlisted.append(f"{module}: {expression}")
    assert unlisted == []


def test_the_selector_module_itself_is_found_by_the_scan():
    # The scan would otherwise pass by finding nothing anywhere.
    assert offences((ROOT / SELECTOR).read_text()) != []


@pytest.mark.parametrize(
    "source",
    [
        "Registration.objects.filter(email=user.email)",
        "Registration.objects.filter(email__iexact=address)",
        "Registration.objects.filter(email__in=addresses)",
        "Registration.objects.exclude(participant__email=request.user.email)",
        "Registration.objects.filter(Q(email=address) | Q(name=name))",
        "Registration.objects.filter(**{'email__in': addresses})",
        "Registration.objects.filter(**{f'{field}__iexact': address})",
        "Registration.objects.filter(contact=user.email)",
        "EmailAddress.objects.filter(user=user).values_list('email', flat=True)",
        "EmailAddress._default_manager.all()",
        "addresses = user.emailaddress_set.all()",
        "User.objects.filter(emailaddress__email=address)",
        "mine = [r for r in registrations if r.email == user.email]",
        "Mentee.objects.filter(reminder_email=address)",
    ],
)
def test_the_scan_finds_a_new_lookup_by_address(source):
    assert offences(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "Registration.objects.filter(by_verified_address(user))",
        "Registration.objects.filter(event=event, status=status)",
        "message = EmailMultiAlternatives(subject, text, None, [recipient.email])",
        "Part('e-mail-adressen', 'E-mail addresses', EmailAddress, 'user', ('email',))",
    ],
)
def test_the_scan_leaves_other_code_alone(source):
    assert offences(source) == []
