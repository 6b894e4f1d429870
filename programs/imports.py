"""The import of programs from CSV: the columns, the checks per row, the German report.

The columns are defined once, in COLUMNS: this import reads them and the export
(programs/exports.py) writes them, so an exported file imports again without changes. Headers
are German and fixed (they are the file format); messages to people are gettext.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override

from core.spreadsheet import FORMULA_STARTS
from core.tabular import parse_date
from core.text import free_slug

from . import gazetteer
from .models import Format, FundingBadge, Organization, Program, State, TargetGroup, Topic
from .services import (
    organizations_bulk_create,
    program_locate,
    program_save,
    programs_bulk_save,
    slug_base,
    unique_slug,
)

MULTI_SEPARATOR = "|"  # what the export writes between several values in one cell
MULTI_SEPARATORS = ("|", ";")  # what the import reads: either, also mixed
_MULTI_SPLIT = re.compile(r"[|;]")
MAX_FILE_BYTES = 5 * 1024 * 1024
# Excel runs a cell starting with one of these as a formula. Exported text cells get a leading
# apostrophe (OWASP "CSV injection"); the import takes it off again.


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # attribute of Program; for "organization" the Träger's name
    kind: str = "text"  # text, slug, organization, vocabulary, choice, int, float, date
    required: bool = False  # the header must be in the file
    choices: type[models.TextChoices] | None = None
    vocabulary: type[models.Model] | None = None
    meaning: str = ""  # for --help and the documentation (lazy gettext)


COLUMNS = (
    Column(
        "slug",
        "slug",
        "slug",
        meaning=gettext_lazy(
            "The program's address in the portal (/programme/<slug>/). Empty for a new program: "
            "it is made from the name. A known slug updates that program; slugs never change."
        ),
    ),
    Column("Name", "name", required=True, meaning=gettext_lazy("The program's name.")),
    Column(
        "Träger",
        "organization",
        "organization",
        required=True,
        meaning=gettext_lazy(
            "The organisation's name. A known organisation is found even when spelled a little "
            "differently (“e.V.” or “e. V.”, case, spaces); an unknown one is created."
        ),
    ),
    Column("Kurzbeschreibung", "summary", meaning=gettext_lazy("Short description, one sentence.")),
    Column("Beschreibung", "description", meaning=gettext_lazy("Description, line breaks kept.")),
    Column("Mitmachen", "how_to_join", meaning=gettext_lazy("How to join as a volunteer.")),
    Column(
        "Zielgruppen",
        "target_groups",
        "vocabulary",
        vocabulary=TargetGroup,
        meaning=gettext_lazy("Target groups; several values possible."),
    ),
    Column(
        "Themen",
        "topics",
        "vocabulary",
        vocabulary=Topic,
        meaning=gettext_lazy("Topics; several values possible."),
    ),
    Column(
        "Formate",
        "formats",
        "vocabulary",
        vocabulary=Format,
        meaning=gettext_lazy("Formats; several values possible."),
    ),
    Column(
        "Förderung",
        "funding_badges",
        "vocabulary",
        vocabulary=FundingBadge,
        meaning=gettext_lazy("Funding badges; several values possible."),
    ),
    Column("Alter von", "age_min", "int", meaning=gettext_lazy("Youngest age of the mentees.")),
    Column("Alter bis", "age_max", "int", meaning=gettext_lazy("Oldest age of the mentees.")),
    Column("Sprachen", "languages", meaning=gettext_lazy("Languages spoken, as free text.")),
    Column("Straße", "street", meaning=gettext_lazy("Street and number.")),
    Column(
        "PLZ",
        "postcode",
        meaning=gettext_lazy("German postcode, five digits; places the program on the map."),
    ),
    Column("Ort", "city", meaning=gettext_lazy("Town or city.")),
    Column(
        "Bundesland",
        "state",
        "choice",
        choices=State,
        meaning=gettext_lazy("Federal state; empty: from the postcode."),
    ),
    Column(
        "Breitengrad",
        "latitude",
        "float",
        meaning=gettext_lazy("Latitude (51.34 or 51,34); empty: from the postcode."),
    ),
    Column(
        "Längengrad",
        "longitude",
        "float",
        meaning=gettext_lazy("Longitude (12.37 or 12,37); empty: from the postcode."),
    ),
    Column(
        "Reichweite",
        "reach",
        "choice",
        choices=Program.Reach,
        meaning=gettext_lazy("Where the program works; empty: local."),
    ),
    Column(
        "Radius km",
        "radius_km",
        "int",
        meaning=gettext_lazy("For local programs: how far from the address mentees may live."),
    ),
    Column("Kontakt Name", "contact_name", meaning=gettext_lazy("Contact person.")),
    Column("Kontakt Rolle", "contact_role", meaning=gettext_lazy("Role of the contact person.")),
    Column("Kontakt E-Mail", "contact_email", meaning=gettext_lazy("Contact e-mail address.")),
    Column("Kontakt Telefon", "contact_phone", meaning=gettext_lazy("Contact phone number.")),
    Column(
        "Website",
        "website",
        meaning=gettext_lazy("The program's web page (https://…); a re-import finds it by it."),
    ),
    Column(
        "Plätze",
        "availability",
        "choice",
        choices=Program.Availability,
        meaning=gettext_lazy("Whether volunteers are sought; empty: open."),
    ),
    Column(
        "Status",
        "status",
        "choice",
        choices=Program.Status,
        meaning=gettext_lazy(
            "Publication status; empty for a new program: draft (the report warns)."
        ),
    ),
    Column(
        "Zuletzt geprüft",
        "last_reviewed_at",
        "date",
        meaning=gettext_lazy("When the entry was last checked."),
    ),
    Column(
        "Externe ID",
        "external_id",
        meaning=gettext_lazy(
            "Your own number or key of the program (e.g. from your database). A re-import finds "
            "the program by it; unique in the portal."
        ),
    ),
)
COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}
HEADERS = [column.header for column in COLUMNS]
HEADER_OF_FIELD = {column.field: column.header for column in COLUMNS}
M2M_FIELDS = [column.field for column in COLUMNS if column.kind == "vocabulary"]
SCALAR_FIELDS = [
    column.field for column in COLUMNS if column.kind not in ("vocabulary", "organization")
]

CREATED, UPDATED, UNCHANGED, INVALID = "created", "updated", "unchanged", "invalid"


def _literal_pairs(pairs: list[tuple[str, str]], *, html: bool) -> str:
    """Each value with its German name; in HTML each as code: cells hold them as written, in German
    whatever the page's language."""
    if not html:
        return ", ".join(f"{value} ({name})" for value, name in pairs)
    return format_html_join(", ", '<code>{}</code> (<code lang="de">{}</code>)', pairs)


def allowed_values(column: Column, *, html: bool = False) -> str:
    """What a cell of the column may hold, in words (for --help and the documentation); with
    `html`, safe HTML that marks the values as code."""

    def fill(text: str, values: str) -> str:
        if not html:
            return text % {"values": values}
        # Both parts escaped: the translation here, the values by _literal_pairs.
        return mark_safe(conditional_escape(text) % {"values": values})  # noqa: S308  # nosec B308 B703

    if column.kind == "choice":
        with override("de"):
            pairs = [(value, str(label)) for value, label in column.choices.choices]
        return fill(_("one of: %(values)s"), _literal_pairs(pairs, html=html))
    if column.kind == "vocabulary":
        try:
            pairs = [(t.slug, t.name_de) for t in column.vocabulary.objects.order_by("pk")]
        except DatabaseError:  # --help without a database
            pairs = []
        return fill(
            _("any of: %(values)s; several separated by “|” or “;”; slug or German name"),
            _literal_pairs(pairs, html=html) if pairs else "…",
        )
    if column.kind == "int":
        return _("a whole number")
    if column.kind == "float":
        return _("a decimal number, with a point or a comma")
    if column.kind == "date":
        return _("a date: YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY")
    return _("text")


def column_help() -> list[str]:
    """Every column with its meaning, whether it is required and its allowed values."""
    lines = []
    for column in COLUMNS:
        required = _("required") if column.required else _("optional")
        lines.append(f"{column.header} ({required}): {column.meaning}")
        lines.append("    " + allowed_values(column))
    return lines


# --- Report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int  # line in the file (1 is the header), 0 for the file as a whole
    field: str  # the column header, "" for the row or the file
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if self.field:
            return _("Line %(line)s: %(field)s: %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class RowResult:
    line: int
    slug: str = ""
    name: str = ""
    action: str = ""  # CREATED, UPDATED, UNCHANGED or INVALID
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # written anyway, but worth a look
    draft_by_default: bool = False  # a new program without a status: saved as a draft
    program: Program | None = field(default=None, repr=False)
    m2m: dict = field(default_factory=dict, repr=False)
    new_organization: str = ""  # name of a Träger to create when writing
    changed: set[str] = field(default_factory=set, repr=False)  # fields an update changes
    current_terms: dict = field(default_factory=dict, repr=False)  # an existing program's terms

    def problem(self, header: str, message: str) -> None:
        self.problems.append(Problem(self.line, header, message))

    def warning(self, header: str, message: str) -> None:
        self.warnings.append(Problem(self.line, header, message))


@dataclass
class ImportReport:
    dry_run: bool
    partial: bool
    problems: list[Problem] = field(default_factory=list)  # about the file as a whole
    rows: list[RowResult] = field(default_factory=list)
    written: bool = False

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + [problem for row in self.rows for problem in row.problems]

    @property
    def rejected(self) -> bool:
        """Nothing is (or would be) written because of errors."""
        invalid = any(row.action == INVALID for row in self.rows)
        return bool(self.problems) or (invalid and not self.partial)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def all_warnings(self) -> list[Problem]:
        return [warning for row in self.rows for warning in row.warnings]

    @property
    def drafts_by_default(self) -> int:
        """New programs without a status that are (or would be) saved as drafts."""
        return sum(1 for row in self.rows if row.draft_by_default and row.action == CREATED)

    @property
    def skipped(self) -> int:
        """Rows a `partial` import leaves out (or would, on a dry run) because of their errors."""
        return self.count(INVALID) if self.partial and not self.rejected else 0

    def outcome(self, row: RowResult) -> str:
        values = {"line": row.line, "slug": row.slug}
        if row.action == INVALID:
            return _("Line %(line)s: skipped.") % values if self.written else ""
        if row.action == UNCHANGED:
            return _("Line %(line)s: %(slug)s unchanged.") % values
        if self.written:
            if row.action == CREATED:
                return _("Line %(line)s: %(slug)s created.") % values
            return _("Line %(line)s: %(slug)s updated.") % values
        if row.action == CREATED:
            return _("Line %(line)s: %(slug)s would be created.") % values
        return _("Line %(line)s: %(slug)s would be updated.") % values

    def summary(self) -> list[str]:
        counts = {action: self.count(action) for action in (CREATED, UPDATED, UNCHANGED, INVALID)}
        if self.written:
            lines = [
                _(
                    "%(created)s created, %(updated)s updated, %(unchanged)s unchanged, "
                    "%(invalid)s invalid."
                )
                % counts
            ]
        else:
            lines = [
                _(
                    "%(created)s to create, %(updated)s to update, %(unchanged)s unchanged, "
                    "%(invalid)s invalid."
                )
                % counts
            ]
        if self.drafts_by_default:
            lines.append(
                ngettext(
                    "%(count)s new program has no status and becomes a draft.",
                    "%(count)s new programs have no status and become drafts.",
                    self.drafts_by_default,
                )
                % {"count": self.drafts_by_default}
            )
        if self.dry_run:
            lines.append(_("Dry run: nothing was written."))
            if self.rejected:
                lines.append(_("The file would be rejected."))
        elif self.rejected:
            lines.append(_("The file was rejected: nothing was written."))
        elif counts[INVALID]:
            lines.append(
                ngettext(
                    "%(count)s row with errors was skipped.",
                    "%(count)s rows with errors were skipped.",
                    counts[INVALID],
                )
                % {"count": counts[INVALID]}
            )
        return lines

    def entries(self) -> list[tuple[RowResult, str]]:
        """Each row with its outcome, for a table."""
        return [(row, self.outcome(row)) for row in self.rows]

    def lines(self) -> list[str]:
        """The report as text: file problems, then per row its outcome or its problems."""
        lines = [str(problem) for problem in self.problems]
        for row in self.rows:
            outcome = self.outcome(row)
            if outcome:
                lines.append(outcome)
            lines.extend(str(problem) for problem in row.problems)
            lines.extend(
                _("Warning: %(warning)s") % {"warning": warning} for warning in row.warnings
            )
        return lines + self.summary()


# --- Reading ----------------------------------------------------------------------------------


class _CellError(Exception):
    pass


def _read_file(file, report: ImportReport) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = _decode(file, report)
    if text is None:
        return [], []
    # German Excel writes ";", most other tools ",". No header contains either, so the header
    # line decides.
    header_line = text.partition("\n")[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers, rows = [], []
    try:
        headers = [header.strip() for header in next(reader)]
        end_of_previous = reader.line_num
        for cells in reader:
            line, end_of_previous = end_of_previous + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            pairs = list(zip(headers, cells, strict=False))
            values = {header: cell for header, cell in pairs if header}
            # Spreadsheets add empty columns at the end; a value without a header is an error.
            stray = [cell for header, cell in pairs if not header] + cells[len(headers) :]
            if any(cell.strip() for cell in stray):
                values[""] = ""
            rows.append((line, values))
    except csv.Error as error:
        message = _("The file cannot be read as CSV: %(error)s") % {"error": error}
        report.problems.append(Problem(reader.line_num, "", message))
    return headers, rows


def _decode(file, report: ImportReport) -> str | None:
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        size = MAX_FILE_BYTES // 1024 // 1024
        report.problems.append(
            Problem(0, "", _("The file is larger than %(size)s MB.") % {"size": size})
        )
        return None
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = _("The file is not UTF-8 encoded. In Excel, save it as “CSV UTF-8”.")
            report.problems.append(Problem(0, "", message))
            return None
    text = data.removeprefix("\ufeff")
    if not text.strip():
        report.problems.append(Problem(0, "", _("The file is empty.")))
        return None
    if "\x00" in text:
        # No text column can hold a NUL character (PostgreSQL refuses it).
        line = text[: text.index("\x00")].count("\n") + 1
        message = _("The file contains a NUL character, which is not allowed in text.")
        report.problems.append(Problem(line, "", message))
        return None
    return text


def _check_headers(headers: list[str], report: ImportReport) -> None:
    seen = set()
    for header in headers:
        if not header:
            continue
        if header not in COLUMNS_BY_HEADER:
            message = _("Unknown column. Known columns: %(columns)s.") % {
                "columns": ", ".join(HEADERS)
            }
            report.problems.append(Problem(1, header, message))
        elif header in seen:
            report.problems.append(Problem(1, header, _("The column appears more than once.")))
        seen.add(header)
    for column in COLUMNS:
        if column.required and column.header not in seen:
            report.problems.append(Problem(1, column.header, _("This column is missing.")))


def _unknown(value: str, allowed) -> _CellError:
    return _CellError(
        _("Unknown value “%(value)s”. Allowed: %(allowed)s.")
        % {"value": value, "allowed": ", ".join(allowed)}
    )


class _Context:
    """What the rows of one file are checked against, loaded once."""

    def __init__(self, rows: list[tuple[int, dict[str, str]]]):
        self.vocabularies = {}
        self.terms_by_pk: dict[str, dict[int, models.Model]] = {}
        for column in COLUMNS:
            if column.kind == "vocabulary":
                terms = list(column.vocabulary.objects.all())
                self.terms_by_pk[column.field] = {term.pk: term for term in terms}
                table = {term.name_de.casefold(): term for term in terms}
                table.update({term.slug.casefold(): term for term in terms})
                self.vocabularies[column.field] = (table, [term.slug for term in terms])
            elif column.kind == "choice":
                with override("de"):
                    table = {
                        str(label).casefold(): value for value, label in column.choices.choices
                    }
                table.update({value.casefold(): value for value in column.choices.values})
                self.vocabularies[column.field] = (table, list(column.choices.values))
        slugs = {_cell(values, "slug") for _line, values in rows} - {""}
        self._match_programs(rows)
        self._load_organizations(rows)
        self.taken_slugs = set(slugs)  # generated slugs must not take a slug of a later row
        self.seen_slugs: dict[str, int] = {}
        self.seen_external_ids: dict[str, int] = {}
        self.new_organization_problems: dict[str, list[str]] = {}

    def _match_programs(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Find the existing program of each row: by slug, else by external id, else by website,
        else by name and postcode (the last two only where they point at one program and appear
        in one row of the file), so that importing a file again updates instead of duplicating."""
        by_slug, by_external_id = {}, {}
        by_website: dict[str, list[int]] = {}
        by_name: dict[tuple[str, str], list[int]] = {}
        for pk, slug, external_id, website, name, postcode in Program.objects.values_list(
            "pk", "slug", "external_id", "website", "name", "postcode"
        ):
            by_slug[slug] = pk
            if external_id:
                by_external_id[external_id] = pk
            if website:
                by_website.setdefault(_website_key(website), []).append(pk)
            by_name.setdefault(_name_key(name, postcode), []).append(pk)
        self.external_id_owner = by_external_id
        self.existing_slugs = set(by_slug)  # all of them, loaded once: no query per new slug
        websites_in_file: dict[str, int] = {}
        names_in_file: dict[tuple[str, str], int] = {}
        for _line, values in rows:
            website = _website_key(_cell(values, "Website"))
            websites_in_file[website] = websites_in_file.get(website, 0) + 1
            name = _name_key(_cell(values, "Name"), _cell(values, "PLZ"))
            names_in_file[name] = names_in_file.get(name, 0) + 1
        self.matches: dict[int, tuple[int, str]] = {}  # line → (pk, how it was found)
        for line, values in rows:
            slug, external_id = _cell(values, "slug"), _cell(values, "Externe ID")
            website = _website_key(_cell(values, "Website"))
            name = _name_key(_cell(values, "Name"), _cell(values, "PLZ"))
            if slug in by_slug:
                self.matches[line] = (by_slug[slug], "slug")
            elif external_id in by_external_id:
                self.matches[line] = (by_external_id[external_id], "Externe ID")
            elif website and len(by_website.get(website, ())) == websites_in_file[website] == 1:
                self.matches[line] = (by_website[website][0], "Website")
            elif name[0] and len(by_name.get(name, ())) == names_in_file[name] == 1:
                self.matches[line] = (by_name[name][0], "Name + PLZ")
        pks = {pk for pk, _how in self.matches.values()}
        self.programs_by_pk = {
            program.pk: program
            for program in Program.objects.filter(pk__in=pks).select_related("organization")
        }
        # The matched programs' terms, from the link tables and the vocabularies loaded above:
        # prefetch_related built a queryset per program and relation (7 of 8 s for 3,000 rows).
        self.current_terms: dict[int, dict[str, list]] = {pk: {} for pk in pks}
        ordered = sorted(pks)
        for relation in M2M_FIELDS:
            through = getattr(Program, relation).through
            source = getattr(Program, relation).field.m2m_field_name()
            target = getattr(Program, relation).field.m2m_reverse_field_name()
            for pk in ordered:
                self.current_terms[pk][relation] = []
            for start in range(0, len(ordered), 5000):
                links = through.objects.filter(
                    **{f"{source}_id__in": ordered[start : start + 5000]}
                ).values_list(f"{source}_id", f"{target}_id")
                for program_id, term_id in links:
                    self.current_terms[program_id][relation].append(
                        self.terms_by_pk[relation][term_id]
                    )

    def match(self, line: int) -> tuple[Program | None, str]:
        pk, how = self.matches.get(line, (None, ""))
        return self.programs_by_pk.get(pk), how

    def _load_organizations(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Organisations by their normalised name (the oldest wins), and for each name in the
        file that matches none: a similar existing name, to warn about a near-duplicate."""
        self.organizations: dict[str, Organization] = {}
        for organization in Organization.objects.order_by("-pk"):
            self.organizations[organization_key(organization.name)] = organization
        names = dict.fromkeys(_cell(values, "Träger") for _line, values in rows)  # file order
        known = {key: organization.name for key, organization in self.organizations.items()}
        self.similar: dict[str, str] = {}
        new: dict[str, str] = {}  # normalised → first spelling, for names new in this file
        # Comparing every new name with every known one is quadratic (minutes at 5,000 names):
        # candidates share the first or the last four letters of the name without its legal form.
        blocks: dict[str, set[str]] = {}
        for key in known:
            for block in _blocks(key):
                blocks.setdefault(block, set()).add(key)
        for name in names:
            key = organization_key(name)
            if key in known or key in new or not key:
                continue
            candidates = set().union(*(blocks.get(block, ()) for block in _blocks(key)))
            close = _similar(key, candidates)
            if close:
                self.similar[name] = known.get(close) or new[close]
            new[key] = name
            for block in _blocks(key):
                blocks.setdefault(block, set()).add(key)

    def new_slug(self, name: str) -> str:
        slug = free_slug(
            slug_base(name, fallback="programm"), self.existing_slugs, self.taken_slugs
        )
        self.taken_slugs.add(slug)
        return slug


NEAR_DUPLICATE_RATIO = 0.9  # difflib ratio of two normalised names that are reported as similar

_LEGAL_FORMS = (
    (re.compile(r"\beingetragener verein\b"), "ev"),
    (re.compile(r"\be v\b"), "ev"),
    (re.compile(r"\bgemeinnutzige gmbh\b"), "ggmbh"),
    (re.compile(r"\bg gmbh\b"), "ggmbh"),
)


def organization_key(name: str) -> str:
    """A name for matching organisations: case, spaces, punctuation, accents and the spellings
    of legal forms ("e. V.", "e.V.", "eV"; "gGmbH", "g GmbH", "gemeinnützige GmbH") ignored."""
    text = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = " ".join(re.sub(r"[\W_]+", " ", text).split())
    for pattern, replacement in _LEGAL_FORMS:
        text = pattern.sub(replacement, text)
    return text


_LEGAL_FORM_END = re.compile(r" (ev|ggmbh|gmbh|ug|stiftung|ag|kg)$")


def _similar(key: str, candidates) -> str:
    """A candidate at least NEAR_DUPLICATE_RATIO similar to key, or "". The first found, not the
    most similar one (as difflib.get_close_matches would): one is enough for the warning, and
    where many names are alike (a hundred "Lesepaten <Ort> e.V.") this stops after a few
    comparisons instead of measuring each one."""
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    size = len(key)

    def bound(other: str) -> float:  # what real_quick_ratio() gives: the best any ratio can be
        return 2 * min(len(other), size) / (len(other) + size)

    for candidate in sorted(candidates, key=bound, reverse=True):
        if bound(candidate) < NEAR_DUPLICATE_RATIO:
            break  # sorted by that bound: the rest cannot be similar enough either
        matcher.set_seq1(candidate)
        if (
            matcher.quick_ratio() >= NEAR_DUPLICATE_RATIO
            and matcher.ratio() >= NEAR_DUPLICATE_RATIO
        ):
            return candidate
    return ""


def _blocks(key: str) -> tuple[str, str]:
    stem = _LEGAL_FORM_END.sub("", key)
    return "<" + stem[:4], stem[-4:] + ">"


def _website_key(url: str) -> str:
    url = url.strip().casefold()
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url).removeprefix("www.")
    return url.rstrip("/")


def _name_key(name: str, postcode: str) -> tuple[str, str]:
    postcode = postcode.strip()
    if len(postcode) == 4 and postcode.isdigit():
        postcode = "0" + postcode
    return " ".join(name.casefold().split()), postcode


def _cell(values: dict[str, str], header: str) -> str:
    value = values.get(header) or ""
    value = value.strip()
    if value.startswith("'") and value[1:2] in FORMULA_STARTS and len(value) > 1:
        value = value[1:]
    return value


def _parse(column: Column, value: str, context: _Context):
    if column.kind in ("vocabulary", "choice"):
        table, allowed = context.vocabularies[column.field]
        if column.kind == "choice":
            if not value:
                return ""
            if value.casefold() not in table:
                raise _unknown(value, allowed)
            return table[value.casefold()]
        terms = []
        for part in filter(None, (part.strip() for part in _MULTI_SPLIT.split(value))):
            if part.casefold() not in table:
                raise _unknown(part, allowed)
            terms.append(table[part.casefold()])
        return terms
    if not value:
        return "" if column.kind in ("text", "slug", "organization") else None
    if column.kind == "int":
        try:
            return int(value)
        except ValueError:
            raise _CellError(_("“%(value)s” is not a whole number.") % {"value": value}) from None
    if column.kind == "float":
        try:
            number = float(value.replace(",", ".", 1))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise _CellError(_("“%(value)s” is not a number.") % {"value": value})
        return number
    if column.kind == "date":
        try:
            return parse_date(value)  # the one date reader of the imports (core/tabular.py)
        except ValueError:
            pass
        raise _CellError(
            _("“%(value)s” is not a date (YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY).") % {"value": value}
        )
    return value


# --- Checking a row ---------------------------------------------------------------------------


def _snapshot(program: Program) -> dict:
    values = {name: getattr(program, name) for name in SCALAR_FIELDS}
    values["organization_id"] = program.organization_id
    return values


def _check_row(line: int, values: dict[str, str], context: _Context) -> RowResult:
    row = RowResult(line=line)
    if "" in values:
        row.problem("", _("This row has a value in a column without a header."))
    parsed = {}
    for header in values:
        column = COLUMNS_BY_HEADER.get(header)
        if column is None:
            continue
        try:
            parsed[column.field] = _parse(column, _cell(values, header), context)
        except _CellError as error:
            row.problem(header, str(error))

    slug = parsed.get("slug", "")
    program, found_by = context.match(line)
    before = _snapshot(program) if program else None
    if program is not None and slug and slug != program.slug:
        row.warning(
            "slug",
            _(
                "The program was found by the column “%(column)s” as “%(existing)s”; "
                "its slug stays (web addresses do not change)."
            )
            % {"column": found_by, "existing": program.slug},
        )
    _check_external_id(row, program, parsed.get("external_id", ""), context)
    if program is None:
        program = Program()
        if slug:
            program.slug = slug
        elif parsed.get("name"):
            program.slug = context.new_slug(parsed["name"])
    if program.slug in context.seen_slugs:
        row.problem(
            "slug",
            _("The slug “%(slug)s” already appears in line %(line)s.")
            % {"slug": program.slug, "line": context.seen_slugs[program.slug]},
        )
    elif program.slug:
        context.seen_slugs[program.slug] = line
    row.program, row.slug = program, program.slug

    for name in SCALAR_FIELDS:
        if name == "slug" or name not in parsed:
            continue
        value = parsed[name]
        default = Program._meta.get_field(name).default
        if value == "" and isinstance(default, str) and default:
            continue  # an empty cell keeps the status, reach or availability (default when new)
        setattr(program, name, value)
    row.name = program.name
    row.m2m = {name: parsed[name] for name in M2M_FIELDS if name in parsed}

    if before and (program.postcode, program.city) != (before["postcode"], before["city"]):
        # Coordinates and Bundesland that were only carried over follow the new address.
        if (program.latitude, program.longitude) == (before["latitude"], before["longitude"]):
            program.latitude = program.longitude = None
        if program.state == before["state"]:
            program.state = ""
    _check_location(row, program)
    ages = (program.age_min, program.age_max)
    if None not in ages and ages[0] > ages[1]:
        row.problem("Alter bis", _("The maximum age must not be below the minimum age."))
    _check_organization(row, program, _cell(values, "Träger"), context)
    status_changed = before is None or before["status"] != program.status
    if (
        status_changed
        and program.status == Program.Status.PUBLISHED
        and not program.has_location
        and program.reach != Program.Reach.NATIONAL
    ):
        row.problem(
            "Status",
            _("The program needs a location on the map (an address with a known postcode)."),
        )

    # Fields that already have a problem are not checked twice.
    flagged = {
        COLUMNS_BY_HEADER[p.field].field for p in row.problems if p.field in COLUMNS_BY_HEADER
    }
    if row.new_organization:
        flagged.add("organization")
    if not parsed.get("name") and not slug:
        flagged.add("slug")  # the name's own message says it
    # The Träger comes from the context (it exists) or is created when writing; slugs and
    # external ids are checked against the whole portal above, without a query per row.
    flagged.add("organization")
    try:
        program.full_clean(
            exclude=sorted(flagged), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        _add_validation_error(row, error)

    if before is not None:
        row.current_terms = context.current_terms[program.pk]
        after = _snapshot(program)
        row.changed = {name for name in before if before[name] != after[name]}
        if "organization_id" in row.changed or row.new_organization:
            row.changed = (row.changed - {"organization_id"}) | {"organization"}
    if row.problems:
        row.action = INVALID
    elif before is None:
        row.action = CREATED
    elif (
        not row.new_organization
        and _snapshot(program) == before
        and all(
            {term.pk for term in terms}
            == {term.pk for term in context.current_terms[program.pk][name]}
            for name, terms in row.m2m.items()
        )
    ):
        row.action = UNCHANGED
    else:
        row.action = UPDATED
    if row.action == CREATED and not parsed.get("status"):
        row.draft_by_default = True
        row.warning("Status", _("No status given: the program is saved as a draft."))
    return row


def _check_external_id(row: RowResult, program, external_id: str, context: _Context) -> None:
    if not external_id:
        return
    owner = context.external_id_owner.get(external_id)
    if owner is not None and (program is None or owner != program.pk):
        row.problem(
            "Externe ID",
            _("The external ID “%(id)s” already belongs to another program.") % {"id": external_id},
        )
    elif external_id in context.seen_external_ids:
        row.problem(
            "Externe ID",
            _("The external ID “%(id)s” already appears in line %(line)s.")
            % {"id": external_id, "line": context.seen_external_ids[external_id]},
        )
    else:
        context.seen_external_ids[external_id] = row.line


def _check_location(row: RowResult, program: Program) -> None:
    if (program.latitude is None) != (program.longitude is None):
        missing = "Breitengrad" if program.latitude is None else "Längengrad"
        row.problem(missing, _("Give both latitude and longitude, or neither."))
    postcode = program.postcode.strip()
    if len(postcode) == 4 and postcode.isascii() and postcode.isdigit():
        postcode = "0" + postcode  # Excel drops the leading zero of 0xxxx postcodes
    program.postcode = postcode
    if postcode and (not (postcode.isascii() and postcode.isdigit()) or len(postcode) != 5):
        row.problem("PLZ", _("A German postcode has five digits."))
    elif postcode and not program.has_location and gazetteer.lookup(postcode) is None:
        row.problem(
            "PLZ",
            _("We do not know the postcode %(postcode)s. Please check it.")
            % {"postcode": postcode},
        )
    else:
        program_locate(program=program)


def _check_organization(row: RowResult, program: Program, name: str, context: _Context) -> None:
    if not name:
        row.problem("Träger", str(models.Field.default_error_messages["blank"]))
        return
    key = organization_key(name)
    if program.organization_id and organization_key(program.organization.name) == key:
        return
    organization = context.organizations.get(key)
    if organization is not None:
        program.organization = organization
        return
    if name not in context.new_organization_problems:  # checked once per name
        problems = []
        try:
            Organization(name=name, slug="x").full_clean(validate_unique=False)
        except ValidationError as error:
            problems = [message for messages in error.message_dict.values() for message in messages]
        context.new_organization_problems[name] = problems
    for message in context.new_organization_problems[name]:
        row.problem("Träger", message)
    row.new_organization = name
    if name in context.similar:
        row.warning(
            "Träger",
            _(
                "“%(name)s” is similar to the organisation “%(similar)s”; a new one is created. "
                "Please check the spelling."
            )
            % {"name": name, "similar": context.similar[name]},
        )


def _add_validation_error(row: RowResult, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        header = "" if name == NON_FIELD_ERRORS else HEADER_OF_FIELD.get(name, name)
        for message in messages:
            row.problem(header, message)


# --- Import -----------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def programs_import(
    *,
    file=None,
    rows: list[dict[str, str]] | None = None,
    headers: list[str] | None = None,
    numbered: list[tuple[int, dict[str, str]]] | None = None,
    dry_run: bool = False,
    partial: bool = False,
) -> ImportReport:
    """Create or update programs from a CSV file (binary or text, UTF-8 with or without BOM,
    ";" or ",") or from rows given as {header: value} dicts.

    Rows are matched by slug: a known slug updates that program, any other row creates one (with
    a slug made from the name when the cell is empty). A Träger is found by its exact name and
    created when missing. Nothing is written on a dry run, nor when the file or any row has a
    problem, unless `partial`: then the valid rows are written and the others skipped.

    `headers` with `numbered`, (row number, {header: value}) pairs, give rows read elsewhere, as
    the browser import does (core/tabular.py); a value in a column without a header comes under
    the header "".
    """
    report = ImportReport(dry_run=dry_run, partial=partial)
    if file is not None:
        headers, numbered = _read_file(file, report)
    elif numbered is not None:
        headers = list(headers or [])  # read elsewhere (core/tabular.py), with row numbers
    else:
        rows = rows or []
        headers = list(rows[0]) if rows else [column.header for column in COLUMNS]
        numbered = [(number, values) for number, values in enumerate(rows, start=2)]
    if report.problems:
        return report
    _check_headers(headers, report)
    if report.problems:
        return report
    context = _Context(numbered)
    report.rows = [_check_row(line, values, context) for line, values in numbered]
    if dry_run or report.rejected:
        return report
    try:
        with transaction.atomic():
            _write(report)
    except _Rollback:
        return report
    report.written = True
    return report


def _write(report: ImportReport) -> None:
    """All rows to write at once (programs_bulk_save); should the database still refuse one (a
    program saved by someone else meanwhile), row by row, each in a savepoint, so that the
    report names the row and `partial` skips only it."""
    rows = [row for row in report.rows if row.action in (CREATED, UPDATED)]
    try:
        with transaction.atomic():
            _write_bulk(rows)
    except (ValidationError, IntegrityError):
        for row in rows:  # the savepoint took back the primary keys' meaning, not the objects'
            if row.action == CREATED:
                row.program.pk = None
                row.program._state.adding = True
            if row.new_organization:
                row.program.organization = None
        _write_rows(report)


def _write_bulk(rows: list[RowResult]) -> None:
    names = {}
    for row in rows:
        if row.new_organization:
            names.setdefault(organization_key(row.new_organization), row.new_organization)
    created = organizations_bulk_create(names=list(names.values()))
    organizations = {organization_key(o.name): o for o in created}
    for row in rows:
        if row.new_organization:
            row.program.organization = organizations[organization_key(row.new_organization)]
    programs_bulk_save(
        created=[row.program for row in rows if row.action == CREATED],
        updated=[(row.program, row.changed) for row in rows if row.action == UPDATED],
        m2m={id(row.program): row.m2m for row in rows},
        current={id(row.program): row.current_terms for row in rows if row.current_terms},
    )


def _write_rows(report: ImportReport) -> None:
    organizations: dict[str, Organization] = {}
    for row in report.rows:
        if row.action in (INVALID, UNCHANGED):
            continue
        try:
            # A savepoint per row, so that with `partial` a failed row leaves no trace.
            with transaction.atomic():
                organization = None
                if row.new_organization:
                    organization = organizations.get(organization_key(row.new_organization))
                    if organization is None:
                        organization = _organization_create(name=row.new_organization)
                    row.program.organization = organization
                program_save(program=row.program, m2m=row.m2m)
        except ValidationError as error:
            _add_validation_error(row, error)
        except IntegrityError as error:
            row.problem("", _("The row could not be saved: %(error)s") % {"error": error})
        else:
            if organization is not None:
                organizations[organization_key(row.new_organization)] = organization
            continue
        row.action = INVALID
        if not report.partial:
            raise _Rollback


def _organization_create(*, name: str) -> Organization:
    organization = Organization(
        name=name, slug=unique_slug(model=Organization, name=name, fallback="traeger")
    )
    organization.full_clean()
    organization.save()
    return organization
