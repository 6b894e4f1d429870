"""Every form of the portal gets input from Hypothesis: never a 500, never an unescaped script;
input that is refused gets a German message and changes nothing; a POST without its CSRF token
is refused.

`FUZZED` names, for every Form and ModelForm defined in the apps' `forms.py` and `forms/` packages,
where it is fuzzed. `test_every_form_is_fuzzed` fails when a form is added without an entry:
whoever adds a form adds it to a scenario here or to an app's test_bad_input.py.
"""

import html
import importlib
import inspect
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import Program, ProgramImport
from tandems import services as tandem_services
from tests.factories import EventFactory, ProgramCoordinatorFactory, ProgramFactory, UserFactory
from tests.factories.tandems import applicant, make_ready, new_mentee

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"
# Whose rows must stay unchanged after a refused input. An audit trail that records views is left
# out on purpose: showing a form again may rightly write a "viewed" entry.
APPS = ("accounts", "programs", "tandems", "events", "news", "pages", "notifications", "privacy")

# Scenario name → (who, page that shows the form, URL the form posts to).
SCENARIOS = {
    "apply": ("volunteer", "/programme/{program}/bewerben/", None),
    "listing": ("coordinator", "/koordination/programme/{program}/", None),
    "program_send_back": (
        "staff",
        "/netzwerk/pruefung/",
        "/netzwerk/pruefung/programme/{review_program}/zurueckgeben/",
    ),
    "event_reject": (
        "staff",
        "/netzwerk/pruefung/veranstaltungen/",
        "/koordination/veranstaltungen/{review_event}/zurueckweisen/",
    ),
    "news_proposal": ("coordinator", "/koordination/meldungen/neu/", None),
    # The network staff's content pages (news/staff_views.py, pages/staff_views.py). The logo's
    # file input is left out of the fuzzing (a partner without a logo is always refused); the
    # uploads' bad input is in tests/pages/test_staff_partners.py.
    "staff_news": ("staff", "/netzwerk/meldungen/neu/", None),
    "staff_page": ("staff", "/netzwerk/seiten/neu/", None),
    "staff_partner": ("staff", "/netzwerk/partner/neu/", None),
    "staff_contact": ("staff", "/netzwerk/ansprechpersonen/neu/", None),
    "staff_vocabulary_term": ("staff", "/netzwerk/vokabulare/themen/neu/", None),
    "news_send_back": (
        "staff",
        "/netzwerk/pruefung/meldungen/",
        "/netzwerk/pruefung/meldungen/{review_news}/zurueckgeben/",
    ),
    "program_propose": ("coordinator", "/koordination/programme/neu/", None),
    "notification_settings": ("volunteer", "/mein-bereich/benachrichtigungen/", None),
    "application_stage": (
        "coordinator",
        "/koordination/bewerbungen/{application}/",
        "/koordination/bewerbungen/{application}/verschieben/",
    ),
    "application_reject": (
        "coordinator",
        "/koordination/bewerbungen/{application}/",
        "/koordination/bewerbungen/{application}/ablehnen/",
    ),
    "application_note": (
        "coordinator",
        "/koordination/bewerbungen/{application}/",
        "/koordination/bewerbungen/{application}/notiz/",
    ),
    "application_training": (
        "coordinator",
        "/koordination/bewerbungen/{application}/",
        "/koordination/bewerbungen/{application}/schulung/",
    ),
    "application_conduct": (
        "coordinator",
        "/koordination/bewerbungen/{application}/",
        "/koordination/bewerbungen/{application}/verhaltenskodex/",
    ),
    "screening_record": (
        "coordinator",
        "/koordination/bewerbungen/{application}/fuehrungszeugnis/",
        None,
    ),
    "mentee": ("coordinator", "/koordination/programme/{program}/mentees/neu/", None),
    "program_settings": ("coordinator", "/koordination/programme/{program}/einstellungen/", None),
    "tandem_start": ("coordinator", "/koordination/tandems/{proposed}/starten/", None),
    "admin_user_add": ("staff", "/admin/accounts/user/add/", None),
    "admin_user_change": ("staff", "/admin/accounts/user/{volunteer_id}/change/", None),
    "import_mapping": ("staff", "/netzwerk/import/{program_import}/spalten/", None),
    "retention": ("coordinator", "/koordination/programme/{program}/aufbewahrung/", None),
    "support_log": ("coordinator", "/koordination/tandems/{proposed}/begleitung/", None),
    "concern_new": ("coordinator", "/koordination/tandems/{proposed}/sorge/", None),
    "mentee_erase": ("coordinator", "/koordination/mentees/{mentee}/loeschen/", None),
    "account_delete": ("volunteer", "/mein-bereich/konto-loeschen/", None),
    "mentee_edit": ("coordinator", "/koordination/mentees/{mentee}/bearbeiten/", None),
    "paper_application": (
        "coordinator",
        "/koordination/programme/{program}/bewerbungen/neu/",
        None,
    ),
    "profile": ("applicant", "/mein-bereich/profil/", None),
    "program_message": ("coordinator", "/koordination/programme/{program}/nachricht/", None),
    "todo": ("coordinator", "/koordination/aufgaben/neu/", None),
    "people_import_upload": ("coordinator", "/koordination/programme/{program}/import/", None),
    # Without a file (the parser leaves file inputs out): refused, nothing stored. The files
    # themselves are tried in tests/tandems/test_documents.py.
    "document_upload": (
        "coordinator",
        "/koordination/mentees/{mentee}/",
        "/koordination/mentees/{mentee}/dokumente/",
    ),
    "staff_organization": ("staff", "/netzwerk/traeger/neu/", None),
    "staff_program": ("staff", "/netzwerk/programme/{program}/", None),
    "staff_grant": (
        "staff",
        "/netzwerk/programme/{program}/",
        "/netzwerk/programme/{program}/koordination/",
    ),
    "staff_invite": (
        "staff",
        "/netzwerk/programme/{program}/",
        "/netzwerk/programme/{program}/einladen/",
    ),
}  # fmt: skip

# A stage that is not one of the program's is a tampered id: 404, as for another program's objects.
ANSWERS = {"application_stage": {200, 404}}

ELSEWHERE = "an app's tests/*/test_bad_input.py"
FUZZED = {
    "accounts.forms.UserCreationForm": "admin_user_add",
    "accounts.forms.UserChangeForm": "admin_user_change",
    # allauth's sign-up, fuzzed with allauth's other forms in tests/accounts/test_bad_input.py.
    "accounts.forms.SignupForm": ELSEWHERE,
    "events.forms.event.EventForm": ELSEWHERE,
    "events.forms.event.RejectForm": "event_reject",
    "events.forms.registration.RegistrationForm": ELSEWHERE,
    "news.forms.NewsProposalForm": "news_proposal",
    "mentoring.forms.VocabularyTermForm": "staff_vocabulary_term",
    "news.forms.NewsItemForm": "staff_news",
    "pages.forms.PageForm": "staff_page",
    "pages.forms.PartnerForm": "staff_partner",
    "pages.forms.ContactPersonForm": "staff_contact",
    "news.forms.SendBackForm": "news_send_back",
    "notifications.forms.NotificationSettingsForm": "notification_settings",
    "privacy.forms.AccountDeleteForm": "account_delete",
    "privacy.forms.MenteeEraseForm": "mentee_erase",
    "privacy.forms.RetentionForm": "retention",
    "programs.forms.ProgramListingForm": "listing",
    "programs.forms.ProgramProposalForm": "program_propose",
    "programs.forms.ReasonForm": "program_send_back",
    "programs.forms.OrganizationForm": "staff_organization",
    "programs.forms.StaffProgramForm": "staff_program",
    "programs.forms.CoordinatorGrantForm": "staff_grant",
    "programs.forms.InvitationForm": "staff_invite",
    "programs.forms.ImportMappingForm": "import_mapping",
    # A file upload and one checkbox: every kind of bad file and the refused steps are in
    # tests/programs/test_import_views.py.
    "programs.forms.ImportUploadForm": ELSEWHERE,
    "programs.forms.ImportConfirmForm": ELSEWHERE,
    # Shown only behind an invitation's link, to someone signed out: its bad input is in
    # tests/programs/test_staff_invitations.py.
    "programs.forms.InvitationAcceptForm": ELSEWHERE,
    # The base class of the four application actions below; never used alone.
    "tandems.forms.coordination.ApplicationActionForm": "application_note",
    "tandems.forms.coordination.StageForm": "application_stage",
    "tandems.forms.coordination.RejectForm": "application_reject",
    "tandems.forms.coordination.NoteForm": "application_note",
    "tandems.forms.coordination.TrainingForm": "application_training",
    "tandems.forms.coordination.ConductForm": "application_conduct",
    "tandems.forms.coordination.ScreeningRecordForm": "screening_record",
    "tandems.forms.coordination.MenteeForm": "mentee",
    "tandems.forms.coordination.ProgramTandemSettingsForm": "program_settings",
    "tandems.forms.application.ApplicationForm": "apply",
    # The base class of the application form and of the own profile's form.
    "tandems.forms.application.VolunteerProfileForm": "profile",
    "tandems.forms.intake.MenteeEditForm": "mentee_edit",
    "tandems.forms.intake.PaperApplicationForm": "paper_application",
    "tandems.forms.imports.PeopleImportUploadForm": "people_import_upload",
    # Needs an upload in the session: fuzzed in tests/tandems/test_people_import_views.py.
    "tandems.forms.imports.PeopleImportMappingForm": ELSEWHERE,
    "tandems.forms.intake.ProfileForm": "profile",
    "tandems.forms.messages.ProgramMessageForm": "program_message",
    "tandems.forms.messages.TodoForm": "todo",
    # A GET form: tests/tandems/test_search.py sends it empty, long, symbols, NUL, quotes.
    "tandems.forms.search.PeopleSearchForm": ELSEWHERE,
    "tandems.forms.mentor.MeetingLogForm": ELSEWHERE,
    "tandems.forms.mentor.MeetingPlanForm": ELSEWHERE,
    "tandems.forms.mentor.RhythmPlanForm": ELSEWHERE,
    "tandems.forms.mentor.CheckInForm": ELSEWHERE,
    "tandems.forms.tandem.TandemStartForm": "tandem_start",
    "tandems.forms.tandem.TandemStatusForm": ELSEWHERE,
    "tandems.forms.tandem.CheckInForm": ELSEWHERE,
    "tandems.forms.tandem.TandemEndForm": ELSEWHERE,
    "tandems.forms.tandem.GoalForm": ELSEWHERE,
    "tandems.forms.tandem.GoalProgressForm": ELSEWHERE,
    "tandems.forms.documents.DocumentForm": "document_upload",
    "tandems.forms.support.SupportContactForm": "support_log",
    "tandems.forms.support.ConcernForm": "concern_new",
    # Closing needs an open concern each time; its bad input is in tests/tandems/test_concerns.py.
    "tandems.forms.support.ConcernCloseForm": ELSEWHERE,
}


def project_apps() -> list:
    """The portal's own apps: those whose code lives in this repository."""
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and ".venv" not in Path(config.path).parts
    ]


def project_forms() -> set[str]:
    found = set()
    for config in project_apps():
        for path in [*Path(config.path).glob("forms.py"), *Path(config.path).glob("forms/*.py")]:
            dotted = ".".join(path.relative_to(config.path).with_suffix("").parts)
            module = importlib.import_module(f"{config.name}.{dotted}")
            for name, value in vars(module).items():
                if (
                    inspect.isclass(value)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                ):
                    found.add(f"{module.__name__}.{name}")
    return found


def test_every_form_is_fuzzed():
    assert sorted(project_forms() - set(FUZZED)) == []
    assert sorted(set(FUZZED) - project_forms()) == []
    assert {where for where in FUZZED.values() if where != ELSEWHERE} <= set(SCENARIOS)


# --- What a page shows ----------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields of the POST form whose action is `action`, with the values the page offers."""

    def __init__(self, action: str, page: str):
        super().__init__()
        self.action, self.page = action, page
        self.inside = False
        self.fields: dict[str, set[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.inside = (attrs.get("action") or self.page) == self.action
        elif not self.inside:
            return
        elif tag in ("input", "textarea", "select") and attrs.get("name"):
            name = attrs["name"]
            if name == "csrfmiddlewaretoken" or attrs.get("type") in ("submit", "file"):
                return
            self.fields.setdefault(name, set())
            if attrs.get("value"):
                self.fields[name].add(attrs["value"])
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields[self._select].add(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


class Errors(HTMLParser):
    """The error texts a page shows: field errors, form errors and error messages."""

    CLASSES = {"field-error", "form-error", "message-error", "errorlist", "errornote"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if self.depth or classes & self.CLASSES:
            self.depth += 1
            # The admin lists several errors in one <ul class="errorlist">: one text per item.
            if self.depth == 1 or tag == "li":
                self.texts.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def error_texts(page: str) -> list[str]:
    parser = Errors()
    parser.feed(page)
    return [" ".join(text.split()) for text in parser.texts if text.strip()]


@cache
def german_patterns() -> list[tuple[str, ...]]:
    """Every German text of the portal's, Django's and allauth's catalogues, as the literal
    parts between its placeholders."""
    import allauth
    import django

    catalogues = [
        ROOT / "locale/de/LC_MESSAGES/django.po",
        *Path(django.__file__).parent.glob("**/locale/de/LC_MESSAGES/django.po"),
        *Path(allauth.__file__).parent.glob("locale/de/LC_MESSAGES/django.po"),
    ]
    texts = set()
    for catalogue in catalogues:
        for entry in polib.pofile(str(catalogue)):
            texts.update(t for t in [entry.msgstr, *entry.msgstr_plural.values()] if t)
    placeholder = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}")
    patterns = []
    for text in texts:
        parts = placeholder.split(" ".join(text.split()))
        # The spaces around a placeholder belong to it: an empty value leaves one space, not two.
        last = len(parts) - 1
        parts = tuple(
            (part.lstrip() if n > 0 else part).rstrip() if n < last else
            (part.lstrip() if n > 0 else part)
            for n, part in enumerate(parts)
        )  # fmt: skip
        # A text that is little more than a placeholder ("%(value)s") would match anything.
        if len(re.findall(r"[^\W\d_]", "".join(parts))) >= 8:
            patterns.append(parts)
    return patterns


def matches(message: str, parts: tuple[str, ...]) -> bool:
    """Whether `message` is the text `parts` with anything (also nothing) in each placeholder.
    Leftmost matching of each literal part is exact for such patterns, and linear, unlike a
    regular expression with several wildcards."""
    if len(parts) == 1:
        return message == parts[0]
    if not (message.startswith(parts[0]) and message.endswith(parts[-1])):
        return False
    position = len(parts[0])
    for part in parts[1:-1]:
        found = message.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return len(message) - len(parts[-1]) >= position


@cache
def is_german(message: str) -> bool:
    """A message is German when it, or each of its sentences (services join several), is a
    text of the German catalogues."""
    sentences = re.split(r"(?<=[.!?])\s+", message)
    return any(matches(message, p) for p in german_patterns()) or all(
        any(matches(sentence, p) for p in german_patterns()) for sentence in sentences
    )


def snapshot() -> dict:
    """Every row of the portal's own tables (last_login changes with each sign-in)."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in APPS:
            rows = model.objects.order_by("pk").values()
            state[model._meta.label] = [
                {k: v for k, v in row.items() if k != "last_login"} for row in rows
            ]
    return state


# --- The world the forms work on ------------------------------------------------------------


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from events.vocabularies import ensure_vocabularies
    from news import services as news_services

    ensure_vocabularies()
    program = ProgramFactory(name="Lesepat:innen Leipzig")
    coordinator = ProgramCoordinatorFactory(program=program).user
    application = applicant(program)
    ready = make_ready(applicant(program))
    proposed = tandem_services.tandem_propose(
        mentee=new_mentee(program, first_name="Mia"), volunteer=ready.volunteer, by=coordinator
    )
    volunteer = UserFactory(email="freiwillig@example.org")
    staff = UserFactory(is_staff=True, is_superuser=True)
    program_import = ProgramImport.objects.create(
        uploaded_by=staff,
        file_name="programme.csv",
        data="Programm;Verein;Postleitzahl\nLesepaten;Bürgerstiftung e. V.;04109\n".encode(),
        mapping={"Programm": "Name", "Verein": "Träger", "Postleitzahl": "PLZ"},
    )
    return {
        "users": {
            "volunteer": volunteer,
            "applicant": application.volunteer,
            "coordinator": coordinator,
            "staff": staff,
        },
        "ids": {
            "program": program.slug,
            "review_program": ProgramFactory(status=Program.Status.REVIEW).slug,
            "review_event": EventFactory(status="review").slug,
            "review_news": news_services.news_item_propose(
                by=coordinator, program=program, title="Neu im Programm", teaser="Kurz."
            ).slug,
            "application": application.pk,
            "proposed": proposed.pk,
            "mentee": proposed.mentee_id,
            "volunteer_id": volunteer.pk,
            "program_import": program_import.pk,
        },
    }


def scenario_form(world, name):
    role, page_path, post_path = SCENARIOS[name]
    page_url = page_path.format(**world["ids"])
    post_url = (post_path or page_path).format(**world["ids"])
    client = Client()
    client.force_login(world["users"][role])
    page = client.get(page_url)
    assert page.status_code == 200, (name, page.status_code)
    parser = FormFields(action=post_url, page=page_url)
    parser.feed(page.content.decode())
    assert parser.fields, f"{name}: no form posting to {post_url} on {page_url}"
    return client, post_url, parser.fields


text = st.one_of(
    st.text(max_size=60),
    st.just(SCRIPT),
    st.sampled_from(["", "0", "-1", "99999999999", "2026-02-30", "1.5", "ja", "a@example.org"]),
)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_form_survives_any_input_and_a_refusal_changes_nothing(world, name):
    client, post_url, fields = scenario_form(world, name)

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def fuzz(data):
        values = {
            field: data.draw(st.one_of(text, st.sampled_from(sorted(offered)))
                             if offered else text, label=field)
            for field, offered in fields.items()
        }  # fmt: skip
        # Each example starts from the same world: its changes are rolled back afterwards.
        with transaction.atomic():
            before = snapshot()
            response = client.post(post_url, values, follow=True)
            body = response.content.decode()
            errors = error_texts(body)
            after = snapshot()
            transaction.set_rollback(True)

        assert response.status_code in ANSWERS.get(name, {200}), (response.status_code, values)
        assert SCRIPT not in body
        if response.status_code == 404:
            assert after == before, values
        elif errors:
            assert after == before, values
            assert [e for e in errors if not is_german(html.unescape(e))] == [], values

    fuzz()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_form_refuses_a_post_without_csrf_token(world, name):
    _client, post_url, fields = scenario_form(world, name)
    role = SCENARIOS[name][0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"][role])
    before = snapshot()

    response = client.post(post_url, dict.fromkeys(fields, "x"))

    assert response.status_code == 403
    assert snapshot() == before
