"""The gallery of `make screenshots` (bin/screenshots.py): its screens, checked without Chromium."""

import importlib.util
import re
from pathlib import Path

from django.urls import resolve

from mentoring.management.commands.load_demo import DEMO_USERS

SCRIPT = Path(__file__).resolve().parent.parent / "bin" / "screenshots.py"
# The key screens issue [2.7] names: home, map, list, program, calendar, event, news, sign-up,
# apply, Mein Bereich, meeting log, dashboard, tandem, mentee, report, /netzwerk/.
NAMED = {
    "home",
    "map",
    "list",
    "program",
    "calendar",
    "event",
    "news",
    "signup",
    "apply",
    "my-area",
    "meeting-log",
    "dashboard",
    "tandem",
    "mentee",
    "report",
    "network",
}


def script():
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gallery_covers_the_key_screens_with_stable_names():
    screens = script().SCREENS
    names = [screen.name for screen in screens]

    assert NAMED - set(names) == set()
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)
    assert 18 <= len(screens) <= 30


def test_gallery_paths_resolve_with_the_ids_it_discovers():
    module = script()
    discovered = set(re.findall(r'^    "(\w+)": ', module.DISCOVER, flags=re.MULTILINE))
    dummy = dict.fromkeys(discovered, "1")

    for screen in module.SCREENS:
        placeholders = set(re.findall(r"{(\w+)}", screen.path))
        assert placeholders <= discovered, screen.name
        path = screen.path.format(**dummy).split("?")[0]
        assert resolve(path).url_name, screen.name


def test_gallery_signs_in_with_demo_logins_only():
    logins = {screen.login for screen in script().SCREENS} - {""}

    assert logins <= {email for email, *_rest in DEMO_USERS}
    assert logins == {
        "mentorin@example.org",
        "bewerber@example.org",
        "koordination@example.org",
        "netzwerk@example.org",
    }
