"""The import of a program's people from its own spreadsheets: volunteers, mentees, tandems.

One file per kind, each with its template (`template_rows`; the columns are in
import_columns.py). The file's columns are mapped to the known columns (synonyms are mapped on
their own, `auto_mapping`); every row is checked under
the rules of registration (tandems/services/people.py: a minor needs the guardian's name and
consent, a year of birth in range, the certificate at most three months old when inspected) and
gets a German report. Nothing is written on a dry run, nor when one row is wrong unless "good
rows only" was asked for. Importing the same file again changes nothing: volunteers are found
by e-mail address among the program's applicants, mentees and tandems by their external id in
the program. Another program's people are never found nor touched.

What the law allows about § 72a SGB VIII: only the certificate's issue date and the day it was
inspected (ScreeningRecord); the portal records it as inspected without a relevant entry and the
importing coordinator as the one who recorded it. Nothing else about criminal records is read.
Consents are recorded with the method "import", their date and the importing coordinator.

New rows are written in bulk (5,000 people in seconds, bench/people_import.py); the checks that
full_clean would make row by row against the database are made once for the whole file.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import accounts_by_address
from audit import services as audit_services
from core.spreadsheet import FORMULA_STARTS
from programs import gazetteer
from programs.models import Program

from .figures_cache import figures_changed
from .import_columns import (  # noqa: F401 (the engine's vocabulary, for its callers)
    COLUMNS,
    EXAMPLES,
    KINDS,
    MENTEE_STATUS,
    MENTEES,
    RHYTHMS,
    TANDEM_STATUS,
    TANDEMS,
    VOLUNTEERS,
    Column,
)
from .models import (
    Application,
    ApplicationEvent,
    Channel,
    ConsentRecord,
    Mentee,
    ScreeningRecord,
    Tandem,
    TandemStatusChange,
    VolunteerProfile,
    certificate_too_old,
)
from .models.tandem import Rhythm
from .services.people import pipeline_ensure_default, program_tandem_settings

DEFAULT_LANGUAGES = "Deutsch"
BATCH = 500

NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().replace("_", " ").split())


def _choices(column: Column) -> dict[str, str]:
    """Accepted values of a choice column (folded): German words, the stored values, labels."""
    if column.key == "status" and column in COLUMNS[MENTEES]:
        base, words = Mentee.Status, MENTEE_STATUS
    elif column.key == "status":
        base, words = Tandem.Status, TANDEM_STATUS
    elif column.key == "rhythm":
        base, words = Rhythm, RHYTHMS
    else:
        base, words = Tandem.EndReason, {}
    accepted = {_fold(value): value for value in base.values}
    with_labels = {_fold(label): value for value, label in base.choices}
    return {**accepted, **with_labels, **{_fold(word): value for word, value in words.items()}}


def columns_of(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]


def auto_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """File column (header) -> known column key, for headers that are a column's name or one of
    its synonyms (case, spaces and underscores do not matter)."""
    names = {}
    for column in COLUMNS[kind]:
        for name in (column.header, column.key, *column.synonyms):
            names.setdefault(_fold(name), column.key)
    mapping, taken = {}, set()
    for header in headers:
        key = names.get(_fold(header)) if header else None
        if key and key not in taken:
            mapping[header] = key
            taken.add(key)
    return mapping


def template_rows(kind: str) -> tuple[list[str], list[str]]:
    """The template's header and its example row."""
    columns = COLUMNS[kind]
    return [c.header for c in columns], [EXAMPLES[kind].get(c.key, "") for c in columns]


# --- Reading cells ---------------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S")


class CellError(Exception):
    pass


def _text(value, column: Column) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    # An exported cell's guard apostrophe ('=…) comes off; the formula-like text stays text.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    if len(text) > column.max_length:
        raise CellError(
            _("“%(column)s” is longer than %(max)s characters.")
            % {"column": column.header, "max": column.max_length}
        )
    return text


def _date(value, column: Column) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a day)
        except ValueError:
            continue
    raise CellError(
        _("“%(value)s” in “%(column)s” is no date (e.g. 15.01.2026 or 2026-01-15).")
        % {"value": text[:40], "column": column.header}
    )


def _cell(value, column: Column):
    if column.kind == "date":
        return _date(value, column)
    text = _text(value, column)
    if not text:
        return "" if column.kind != "year" else None
    if column.kind == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(
                _("“%(value)s” in “%(column)s” is no e-mail address.")
                % {"value": text[:60], "column": column.header}
            ) from None
        local, _at, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}"
    if column.kind == "year":
        if re.fullmatch(r"\d{4}(\.0)?", text):
            return int(text[:4])
        raise CellError(
            _("“%(value)s” in “%(column)s” is no year (four digits).")
            % {"value": text[:40], "column": column.header}
        )
    if column.kind == "choice":
        value = _choices(column).get(_fold(text))
        if value is None:
            raise CellError(
                _("“%(value)s” is not a known value of “%(column)s”.")
                % {"value": text[:40], "column": column.header}
            )
        return value
    return text


# --- The report ------------------------------------------------------------------------------


@dataclass
class RowReport:
    line: int  # the row's line in the file (the header is line 1)
    label: str = ""
    action: str = UNCHANGED
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Report:
    kind: str
    rows: list[RowReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file
    dry_run: bool = False
    partial: bool = False
    written: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def new(self) -> int:
        return self.count(NEW)

    @property
    def changed(self) -> int:
        return self.count(CHANGED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def failed(self) -> int:
        return self.count(ERROR)

    @property
    def changes(self) -> int:
        return self.new + self.changed

    @property
    def ok(self) -> bool:
        return not self.errors and (self.partial or not self.failed)

    def summary(self) -> str:
        parts = [
            ngettext("%(n)s new", "%(n)s new", self.new) % {"n": self.new},
            ngettext("%(n)s changed", "%(n)s changed", self.changed) % {"n": self.changed},
            ngettext("%(n)s unchanged", "%(n)s unchanged", self.unchanged) % {"n": self.unchanged},
            ngettext("%(n)s with errors", "%(n)s with errors", self.failed) % {"n": self.failed},
        ]
        return ", ".join(parts)


# --- Reading the rows ------------------------------------------------------------------------


def _read(kind, rows, mapping) -> tuple[list[tuple[RowReport, dict]], list[str]]:
    """Each row's values by column key, with the cell errors in its report. `rows` are
    core.tabular's rows (line, values by header)."""
    columns = {column.key: column for column in COLUMNS[kind]}
    mapping = {header: key for header, key in mapping.items() if key in columns}
    mapped = set(mapping.values())
    problems = []
    if len(mapped) != len(mapping):
        problems.append(_("Two file columns are mapped to the same column."))
    missing = [
        column.header for column in COLUMNS[kind] if column.required and column.key not in mapped
    ]
    if kind in (VOLUNTEERS, MENTEES) and not mapped & {"year_of_birth", "birth_date"}:
        missing.append("Geburtsjahr / Geburtsdatum")
    if missing:
        problems.append(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if problems:
        return [], problems
    read = []
    for row in rows:
        report, values = RowReport(line=row.line), {}
        if row.stray:
            report.errors.append(_("A value stands in a column without a header."))
        for header, key in mapping.items():
            try:
                values[key] = _cell(row.values.get(header, ""), columns[key])
            except CellError as error:
                report.errors.append(str(error))
                values[key] = None
        for key, column in columns.items():
            empty = column.required and key in mapped and values.get(key) in ("", None)
            if empty and not any(column.header in message for message in report.errors):
                report.errors.append(_("“%(column)s” is required.") % {"column": column.header})
        read.append((report, values))
    return read, []


def _year_of_birth(values: dict, report: RowReport, *, lowest: int, highest: int) -> int | None:
    year = values.get("year_of_birth")
    born = values.get("birth_date")
    if born:
        year = born.year
    if year is None:
        if not report.errors:
            report.errors.append(_("A year or date of birth is required."))
        return None
    if not lowest <= year <= highest:
        report.errors.append(
            _("The year of birth must lie between %(low)s and %(high)s.")
            % {"low": lowest, "high": highest}
        )
        return None
    return year


def _postcode(values: dict, report: RowReport) -> str:
    postcode = (values.get("postcode") or "").strip()
    if re.fullmatch(r"\d{4}", postcode):
        postcode = "0" + postcode
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        report.errors.append(_("“%(value)s” is no German postcode.") % {"value": postcode[:20]})
    return postcode


def _locate(obj) -> None:
    place = gazetteer.lookup(obj.postcode) or gazetteer.lookup(obj.city)
    if place is None:
        obj.latitude = obj.longitude = None
        return
    obj.latitude, obj.longitude = place.lat, place.lon
    if not obj.city:
        obj.city = place.name


def _consent_moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _external_id_once(values, report, seen: dict) -> str:
    """The row's external id (its label in the report); an error when an earlier row of the
    file has it (`seen`: id -> line)."""
    external_id = values.get("external_id") or ""
    report.label = external_id
    if external_id and external_id in seen:
        report.errors.append(
            _("The external id is in the file twice (also in line %(line)s).")
            % {"line": seen[external_id]}
        )
    elif external_id:
        seen[external_id] = report.line
    return external_id


def _not_future(values, keys, report, today):
    for key in keys:
        day = values.get(key)
        if day and day > today:
            column = next(c for cols in COLUMNS.values() for c in cols if c.key == key)
            report.errors.append(
                _("“%(column)s” cannot lie in the future.") % {"column": column.header}
            )


def _validate(obj, report: RowReport) -> None:
    """The fields' own checks; relations, uniqueness and constraints are checked for the whole
    file by the planners (full_clean would ask the database once per row for each)."""
    exclude = [f.name for f in obj._meta.fields if f.is_relation]
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = name
            try:
                label = str(obj._meta.get_field(name).verbose_name)
            except Exception:  # noqa: BLE001 (a non-field error)
                label = ""
            for message in messages:
                report.errors.append(f"{label}: {message}" if label else message)


def _differs(obj, before: dict) -> list[str]:
    return [name for name, value in before.items() if getattr(obj, name) != value]


# --- Volunteers ------------------------------------------------------------------------------

PROFILE_FIELDS = ("name", "year_of_birth", "postcode", "city", "phone", "languages")


def _plan_volunteers(program, read, by, today):
    settings = program_tandem_settings(program=program)
    stages = pipeline_ensure_default(program=program) if read else []
    # A stage by its name or its English one (a file written from the English pages).
    stage_by_name = {_fold(stage.name_en): stage for stage in stages if stage.name_en}
    stage_by_name |= {_fold(stage.name): stage for stage in stages}
    emails = [values.get("email") or "" for _report, values in read]
    accounts = accounts_by_address(emails)
    applications = {
        application.volunteer_id: application
        for application in Application.objects.open()
        .filter(program=program, volunteer__in=[user.pk for user in accounts.values()])
        .select_related("volunteer__volunteer_profile", "stage")
    }
    screened = {
        (record.volunteer_id, record.certificate_issued_on, record.inspected_on)
        for record in ScreeningRecord.objects.filter(
            program=program, volunteer__in=[a.volunteer_id for a in applications.values()]
        )
    }
    consented = set(
        ConsentRecord.objects.filter(
            program=program,
            scope=ConsentRecord.Scope.PRIVACY_NOTICE,
            withdrawn_at__isnull=True,
            user__in=[a.volunteer_id for a in applications.values()],
        ).values_list("user_id", flat=True)
    )
    seen, plans = {}, []
    for report, values in read:
        email = values.get("email") or ""
        report.label = email
        key = email.lower()
        if key and key in seen:
            report.errors.append(
                _("The e-mail address is in the file twice (also in line %(line)s).")
                % {"line": seen[key]}
            )
        elif key:
            seen[key] = report.line
        _not_future(
            values, ("consent_on", "certificate_issued_on", "certificate_seen_on"), report, today
        )
        year = _year_of_birth(values, report, lowest=1920, highest=today.year - 16)
        postcode = _postcode(values, report)
        stage = stages[0] if stages else None
        if values.get("stage"):
            stage = stage_by_name.get(_fold(values["stage"]))
            if stage is None:
                report.errors.append(
                    _("“%(value)s” is no stage of the program (%(stages)s).")
                    % {"value": values["stage"][:60], "stages": ", ".join(s.name for s in stages)}
                )
        issued, seen_on = values.get("certificate_issued_on"), values.get("certificate_seen_on")
        if bool(issued) != bool(seen_on):
            report.errors.append(
                _(
                    "§ 72a: both the issue date and the inspection date of the certificate are "
                    "needed."
                )
            )
        elif issued and issued > seen_on:
            report.errors.append(_("The certificate cannot be issued after it was inspected."))
        elif issued and certificate_too_old(
            issued_on=issued, inspected_on=seen_on, max_age_days=settings.certificate_max_age_days
        ):
            report.errors.append(
                _("The certificate was more than %(days)s days old when it was inspected.")
                % {"days": settings.certificate_max_age_days}
            )
        account = accounts.get(key)
        application = applications.get(account.pk) if account is not None else None
        if account is not None and application is None:
            report.errors.append(
                _(
                    "This e-mail address already belongs to an account. Please ask the person "
                    "to apply online themselves, signed in to their account."
                )
            )
        if report.errors:
            report.action = ERROR
            plans.append(None)
            continue
        profile_values = {
            "name": values.get("name", ""),
            "year_of_birth": year,
            "postcode": postcode,
            "city": values.get("city", ""),
            "phone": values.get("phone", ""),
            "languages": values.get("languages") or DEFAULT_LANGUAGES,
        }
        plan = {"email": email, "stage": stage, "values": values}
        if application is None:
            profile = VolunteerProfile(
                motivation=values.get("motivation")
                or _("Taken over from the program's records by import."),
                **profile_values,
            )
            _locate(profile)
            _validate(profile, report)
            plan.update(profile=profile, application=None)
            report.action = NEW
        else:
            user = application.volunteer
            profile = getattr(user, "volunteer_profile", None)
            plan.update(application=application, user=user, profile=None)
            # A profile the person has taken over (or made themselves) stays theirs.
            own = user.has_usable_password() or application.channel != Channel.IMPORT
            wanted = {
                name: value
                for name, value in profile_values.items()
                if name in values or name == "year_of_birth"
            }
            if wanted.get("city") == "" and profile and wanted["postcode"] == profile.postcode:
                wanted.pop("city")  # the place the postcode gave on the first import
            differs = [n for n, v in wanted.items() if profile and getattr(profile, n) != v]
            if differs and own:
                report.warnings.append(
                    _("The person keeps their own profile; name and address are not changed.")
                )
            elif differs:
                old_postcode = profile.postcode
                for name, value in wanted.items():
                    setattr(profile, name, value)
                if profile.postcode != old_postcode or "city" in differs:
                    _locate(profile)
                _validate(profile, report)
                plan["profile"] = profile
                report.changed += differs
            if values.get("stage") and application.stage_id != stage.pk:
                report.changed.append("stage")
                plan["move_to"] = stage
        user_id = application.volunteer_id if application else None
        if issued and (user_id, issued, seen_on) not in screened:
            plan["screening"] = (issued, seen_on)
            if application is not None:
                report.changed.append("screening")
        if values.get("consent_on") and user_id not in consented:
            plan["consent"] = values["consent_on"]
            if application is not None:
                report.changed.append("consent")
        if not values.get("consent_on") and application is None:
            report.warnings.append(_("No consent to the privacy notice is on record."))
        target = plan.get("move_to") or (stage if application is None else None)
        has_record = issued or any(key[0] == user_id for key in screened if user_id)
        if target and target.needs_certificate and settings.requires_certificate and not has_record:
            report.errors.append(
                _(
                    "This stage needs a valid § 72a record (inspected certificate, no relevant "
                    "entry)."
                )
            )
        if report.errors:
            report.action = ERROR
            plans.append(None)
            continue
        if application is not None:
            report.action = CHANGED if report.changed else UNCHANGED
        plans.append(plan)
    return plans


def _write_volunteers(program, plans, by):
    now = timezone.now()
    User = get_user_model()
    new = [plan for plan in plans if plan and plan["application"] is None]
    users = []
    for plan in new:
        user = User(email=plan["email"], name=plan["profile"].name)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=BATCH)
    if connection_needs_ids(users):
        found = accounts_by_address([user.email for user in users])
        for user in users:
            user.pk = found[user.email.lower()].pk
    applications, profiles = [], []
    for plan, user in zip(new, users, strict=True):
        plan["user"] = user
        plan["profile"].user = user
        profiles.append(plan["profile"])
        application = Application(
            program=program,
            volunteer=user,
            stage=plan["stage"],
            channel=Channel.IMPORT,
            stage_changed_at=now,
        )
        plan["application"] = application
        applications.append(application)
    VolunteerProfile.objects.bulk_create(profiles, batch_size=BATCH)
    Application.objects.bulk_create(applications, batch_size=BATCH)
    if connection_needs_ids(applications):
        ids = dict(
            Application.objects.filter(program=program, volunteer__in=users).values_list(
                "volunteer_id", "pk"
            )
        )
        for application in applications:
            application.pk = ids[application.volunteer.pk]
    events = [
        ApplicationEvent(
            application=application, to_stage=application.stage, status=application.status, by=by
        )
        for application in applications
    ]
    new_ids = {id(plan) for plan in new}
    changed_profiles = [
        plan["profile"]
        for plan in plans
        if plan and plan.get("profile") and id(plan) not in new_ids
    ]
    if changed_profiles:
        VolunteerProfile.objects.bulk_update(
            changed_profiles, [*PROFILE_FIELDS, "latitude", "longitude"], batch_size=BATCH
        )
    moved = []
    for plan in plans:
        if plan and plan.get("move_to"):
            application = plan["application"]
            events.append(
                ApplicationEvent(
                    application=application,
                    from_stage=application.stage,
                    to_stage=plan["move_to"],
                    status=application.status,
                    by=by,
                )
            )
            application.stage = plan["move_to"]
            application.stage_changed_at = now
            moved.append(application)
    if moved:
        Application.objects.bulk_update(moved, ["stage", "stage_changed_at"], batch_size=BATCH)
    ApplicationEvent.objects.bulk_create(events, batch_size=BATCH)
    ScreeningRecord.objects.bulk_create(
        [
            ScreeningRecord(
                program=program,
                volunteer=plan["application"].volunteer,
                inspected=True,
                certificate_issued_on=plan["screening"][0],
                inspected_on=plan["screening"][1],
                inspected_by=by,
                relevant_entry=False,
            )
            for plan in plans
            if plan and plan.get("screening")
        ],
        batch_size=BATCH,
    )
    version = program_tandem_settings(program=program).privacy_notice_version
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                scope=ConsentRecord.Scope.PRIVACY_NOTICE,
                program=program,
                user=plan["application"].volunteer,
                text_version=version,
                given_at=_consent_moment(plan["consent"]),
                method=Channel.IMPORT,
                recorded_by=by,
            )
            for plan in plans
            if plan and plan.get("consent")
        ],
        batch_size=BATCH,
    )


def connection_needs_ids(objs) -> bool:
    """Whether bulk_create left the new rows without their ids (a database without RETURNING)."""
    return bool(objs) and objs[0].pk is None


# --- Mentees ---------------------------------------------------------------------------------

MENTEE_FIELDS = (
    "first_name",
    "year_of_birth",
    "postcode",
    "city",
    "languages",
    "goals_and_needs",
    "guardian_name",
    "guardian_phone",
    "guardian_email",
    "waiting_since",
    "status",
)


def _plan_mentees(program, read, by, today):
    ids = [values.get("external_id") for _r, values in read if values.get("external_id")]
    existing = {
        m.external_id: m for m in Mentee.objects.filter(program=program, external_id__in=ids)
    }
    guardian_consents = set(
        ConsentRecord.objects.filter(
            mentee__in=list(existing.values()),
            scope=ConsentRecord.Scope.GUARDIAN,
            withdrawn_at__isnull=True,
        ).values_list("mentee_id", flat=True)
    )
    seen, plans = {}, []
    for report, values in read:
        external_id = _external_id_once(values, report, seen)
        _not_future(values, ("guardian_consent_on", "waiting_since"), report, today)
        year = _year_of_birth(values, report, lowest=1920, highest=today.year)
        postcode = _postcode(values, report)
        mentee = existing.get(external_id)
        if mentee is not None and mentee.anonymised_at is not None:
            report.errors.append(
                _("The personal data of this mentee has been erased; there is nothing to edit.")
            )
        if report.errors:
            report.action = ERROR
            plans.append(None)
            continue
        given = {
            "first_name": values.get("first_name", ""),
            "year_of_birth": year,
            "postcode": postcode,
        }
        for name in (
            "city",
            "goals_and_needs",
            "guardian_name",
            "guardian_phone",
            "guardian_email",
        ):
            if name in values:
                given[name] = values[name] or ""
        if given.get("city") == "" and mentee is not None and postcode == mentee.postcode:
            given.pop("city")  # the place the postcode gave on the first import
        if "languages" in values or mentee is None:
            given["languages"] = values.get("languages") or DEFAULT_LANGUAGES
        if values.get("waiting_since"):
            given["waiting_since"] = values["waiting_since"]
        if values.get("status"):
            if values["status"] == Mentee.Status.MATCHED:
                report.errors.append(
                    _("“in a tandem” comes from the tandems' import; use wartet or inaktiv.")
                )
            elif mentee is None or mentee.status != Mentee.Status.MATCHED:
                given["status"] = values["status"]
        plan = {"values": values}
        if mentee is None:
            mentee = Mentee(program=program, external_id=external_id, **given)
            before = None
            report.action = NEW
        else:
            before = {name: getattr(mentee, name) for name in given}
            old_place = (mentee.postcode, mentee.city)
            for name, value in given.items():
                setattr(mentee, name, value)
            report.changed += _differs(mentee, before)
            if (mentee.postcode, mentee.city) != old_place:
                if mentee.postcode != old_place[0] and "city" not in values:
                    mentee.city = ""
                _locate(mentee)
        if before is None:
            _locate(mentee)
        has_consent = bool(values.get("guardian_consent_on")) or mentee.pk in guardian_consents
        if mentee.age_on(today) < 18 and not (mentee.guardian_name and has_consent):
            report.errors.append(_("For a minor, the guardian's name and consent are required."))
        if values.get("guardian_consent_on") and mentee.pk not in guardian_consents:
            plan["consent"] = values["guardian_consent_on"]
            if before is not None:
                report.changed.append("consent")
        _validate(mentee, report)
        if report.errors:
            report.action = ERROR
            plans.append(None)
            continue
        if before is not None:
            report.action = CHANGED if report.changed else UNCHANGED
        plan["mentee"] = mentee
        plan["new"] = before is None
        plans.append(plan)
    return plans


def _write_mentees(program, plans, by):
    new = [plan["mentee"] for plan in plans if plan and plan["new"]]
    Mentee.objects.bulk_create(new, batch_size=BATCH)
    if connection_needs_ids(new):
        ids = dict(
            Mentee.objects.filter(
                program=program, external_id__in=[m.external_id for m in new]
            ).values_list("external_id", "pk")
        )
        for mentee in new:
            mentee.pk = ids[mentee.external_id]
    changed = [plan["mentee"] for plan in plans if plan and not plan["new"]]
    if changed:
        Mentee.objects.bulk_update(
            changed, [*MENTEE_FIELDS, "latitude", "longitude"], batch_size=BATCH
        )
    version = program_tandem_settings(program=program).privacy_notice_version
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                scope=ConsentRecord.Scope.GUARDIAN,
                program=program,
                mentee=plan["mentee"],
                text_version=version,
                given_at=_consent_moment(plan["consent"]),
                method=Channel.IMPORT,
                recorded_by=by,
            )
            for plan in plans
            if plan and plan.get("consent")
        ],
        batch_size=BATCH,
    )


# --- Tandems ---------------------------------------------------------------------------------

TANDEM_FIELDS = ("status", "started_on", "planned_end_on", "ended_on", "end_reason", "rhythm")


def _plan_tandems(program, read, by, today):
    settings = program_tandem_settings(program=program)
    ids = [values.get("external_id") for _r, values in read if values.get("external_id")]
    existing = {
        t.external_id: t for t in Tandem.objects.filter(program=program, external_id__in=ids)
    }
    mentee_ids = [values.get("mentee_id") for _r, values in read if values.get("mentee_id")]
    mentees = {
        m.external_id: m
        for m in Mentee.objects.filter(
            program=program, external_id__in=mentee_ids, anonymised_at__isnull=True
        )
    }
    accounts = accounts_by_address(values.get("mentor_email") or "" for _r, values in read)
    volunteers = set(
        Application.objects.filter(
            program=program, volunteer__in=[u.pk for u in accounts.values()]
        ).values_list("volunteer_id", flat=True)
    )
    current = list(
        Tandem.objects.current().filter(program=program).values_list("pk", "mentee_id", "mentor_id")
    )
    busy_mentees = {mentee: pk for pk, mentee, _mentor in current}
    busy_mentors = {}
    for pk, _mentee, mentor in current:
        busy_mentors.setdefault(mentor, set()).add(pk)
    valid_records = {}
    if settings.requires_certificate:
        for record in ScreeningRecord.objects.filter(program=program, volunteer__in=volunteers):
            if record.is_valid_on(today, years=settings.reinspection_years):
                valid_records[record.volunteer_id] = True
    seen, plans = {}, []
    for report, values in read:
        external_id = _external_id_once(values, report, seen)
        _not_future(values, ("started_on", "ended_on"), report, today)
        mentor = accounts.get((values.get("mentor_email") or "").lower())
        if values.get("mentor_email") and (mentor is None or mentor.pk not in volunteers):
            report.errors.append(
                _("“%(value)s” is no volunteer of the program (import the volunteers first).")
                % {"value": values["mentor_email"][:80]}
            )
            mentor = None
        mentee = mentees.get(values.get("mentee_id") or "")
        if values.get("mentee_id") and mentee is None:
            report.errors.append(
                _("“%(value)s” is no mentee of the program (import the mentees first).")
                % {"value": values["mentee_id"][:80]}
            )
        if report.errors:
            report.action = ERROR
            plans.append(None)
            continue
        tandem = existing.get(external_id)
        status = values.get("status") or (tandem.status if tandem else Tandem.Status.ACTIVE)
        given = {"status": status}
        for name in ("started_on", "planned_end_on", "ended_on", "end_reason", "rhythm"):
            if name in values and values[name] not in (None, ""):
                given[name] = values[name]
        if (
            status in Tandem.ENDED
            and not given.get("end_reason")
            and not (tandem and tandem.end_reason)
        ):
            given["end_reason"] = (
                Tandem.EndReason.COMPLETED
                if status == Tandem.Status.CLOSED
                else Tandem.EndReason.OTHER
            )
        if tandem is None:
            tandem = Tandem(
                program=program,
                mentor=mentor,
                mentee=mentee,
                external_id=external_id,
                created_by=by,
                **given,
            )
            before = None
            report.action = NEW
        else:
            if tandem.mentor_id != mentor.pk or tandem.mentee_id != mentee.pk:
                report.errors.append(
                    _("A tandem's mentor and mentee cannot change; import a new tandem instead.")
                )
            before = {name: getattr(tandem, name) for name in given}
            for name, value in given.items():
                setattr(tandem, name, value)
            report.changed += _differs(tandem, before)
        if tandem.status in Tandem.ENDED and not tandem.ended_on:
            report.errors.append(_("An ended tandem needs the date of its end (Ende)."))
        if tandem.status in (Tandem.Status.ACTIVE, Tandem.Status.PAUSED) and not tandem.started_on:
            report.errors.append(_("A running tandem needs its start date (Beginn)."))
        if (
            tandem.planned_end_on
            and tandem.started_on
            and tandem.planned_end_on <= tandem.started_on
        ):
            report.errors.append(_("The planned end must lie after the start."))
        if tandem.ended_on and tandem.started_on and tandem.ended_on < tandem.started_on:
            report.errors.append(_("The end cannot lie before the start."))
        if tandem.status in Tandem.CURRENT:
            other = busy_mentees.get(mentee.pk)
            if other is not None and other != tandem.pk:
                report.errors.append(_("This mentee is already in a current tandem."))
            mentor_tandems = busy_mentors.get(mentor.pk, set()) - {tandem.pk}
            if mentor_tandems and not settings.mentors_may_have_several_tandems:
                report.errors.append(
                    _(
                        "This volunteer already accompanies a mentee in this program, and the "
                        "program allows only one tandem at a time."
                    )
                )
            if settings.requires_certificate and mentor.pk not in valid_records:
                report.errors.append(
                    _("The volunteer has no valid § 72a record; the program requires one.")
                )
        _validate(tandem, report)
        if report.errors:
            report.action = ERROR
            plans.append(None)
            continue
        if tandem.status in Tandem.CURRENT:
            busy_mentees[mentee.pk] = tandem.pk or f"line{report.line}"
            busy_mentors.setdefault(mentor.pk, set()).add(tandem.pk or f"line{report.line}")
        if before is not None:
            report.action = CHANGED if report.changed else UNCHANGED
        plans.append(
            {"tandem": tandem, "before": before, "from_status": (before or {}).get("status", "")}
        )
    return plans


def _write_tandems(program, plans, by):
    now = timezone.now()
    new = [plan["tandem"] for plan in plans if plan and plan["before"] is None]
    for tandem in new:
        tandem.status_changed_at = now
    Tandem.objects.bulk_create(new, batch_size=BATCH)
    if connection_needs_ids(new):
        ids = dict(
            Tandem.objects.filter(
                program=program, external_id__in=[t.external_id for t in new]
            ).values_list("external_id", "pk")
        )
        for tandem in new:
            tandem.pk = ids[tandem.external_id]
    changed = [plan for plan in plans if plan and plan["before"] is not None]
    status_changes = [
        TandemStatusChange(tandem=t, to_status=t.status, by=by, at=now, note=_("Import"))
        for t in new
    ]
    moved = []
    for plan in changed:
        tandem = plan["tandem"]
        if tandem.status != plan["from_status"]:
            tandem.status_changed_at = now
            status_changes.append(
                TandemStatusChange(
                    tandem=tandem,
                    from_status=plan["from_status"],
                    to_status=tandem.status,
                    by=by,
                    at=now,
                    note=_("Import"),
                )
            )
        moved.append(tandem)
    if moved:
        Tandem.objects.bulk_update(moved, [*TANDEM_FIELDS, "status_changed_at"], batch_size=BATCH)
    TandemStatusChange.objects.bulk_create(status_changes, batch_size=BATCH)
    matched = [t.mentee_id for t in [*new, *moved] if t.status in Tandem.CURRENT]
    Mentee.objects.filter(pk__in=matched).exclude(status=Mentee.Status.MATCHED).update(
        status=Mentee.Status.MATCHED
    )
    # A tandem the file ends leaves its mentee no longer waiting (as tandem_end does when the
    # mentee does not wait again), unless another current tandem holds them.
    ended = [t.mentee_id for t in moved if t.status in Tandem.ENDED]
    Mentee.objects.filter(pk__in=ended, status=Mentee.Status.MATCHED).exclude(
        tandems__status__in=Tandem.CURRENT
    ).update(status=Mentee.Status.INACTIVE)


PLANNERS = {VOLUNTEERS: _plan_volunteers, MENTEES: _plan_mentees, TANDEMS: _plan_tandems}
WRITERS = {VOLUNTEERS: _write_volunteers, MENTEES: _write_mentees, TANDEMS: _write_tandems}


def people_import(
    *,
    program: Program,
    kind: str,
    table,
    by,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    partial: bool = False,
    filename: str = "",
) -> Report:
    """Check every row of `table` (core.tabular.Table) under `mapping` (header -> column key;
    None: the automatic one) and, unless `dry_run`, write them: all or nothing, or with
    `partial` the good rows only. The import is one audit entry of the program (who, the counts)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    report = Report(kind=kind, dry_run=dry_run, partial=partial)
    if mapping is None:
        mapping = auto_mapping(kind, table.headers)
    today = timezone.localdate()
    read, problems = _read(kind, table.rows, mapping)
    report.errors += problems
    if problems:
        return report
    if not read:
        report.errors.append(_("The file has no rows to import."))
        return report
    plans = PLANNERS[kind](program, read, by, today)
    report.rows = [row for row, _values in read]
    if dry_run or not report.ok or not report.changes:
        return report
    try:
        with transaction.atomic():
            WRITERS[kind](program, plans, by)
            audit_services.audit_record(
                actor=by,
                action=audit_services.IMPORTED,
                program=program,
                detail=f"Import {kind}: {report.new} neu, {report.changed} geändert, "
                f"{report.failed} fehlerhaft",
            )
    except DatabaseError:
        report.errors.append(
            _("The import could not be saved; nothing was written. Please try again.")
        )
        return report
    # Rows were written in bulk, past the signals: the dashboard counts this program afresh.
    figures_changed([program.pk])
    report.written = True
    return report
