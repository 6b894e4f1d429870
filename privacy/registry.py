"""Where a person's data lives: every model that refers to a user or a mentee, and what of it the
data export shows.

One `Part` per relation to the person: a model and the lookup from it to the person. A test
enumerates every relation to the user and mentee models and fails when one is not listed here, so
a new model that refers to a person cannot be forgotten in the export (Art. 15 and 20 DSGVO).

Parts marked `actor` list what the person did to other people's records (who moved an
application, who inspected a certificate): only the record's number and the time, never the other
person's data.

Parts marked `confidential` (concerns about someone's safety) are registered so that no relation
goes unnoticed, but are left out of the self-service export and "Meine Daten": the rights of
others (Art. 15 (4) DSGVO, § 29 (1) and § 34 BDSG; docs/privacy.md). A request for access that
may concern them is answered by the program's coordinators, case by case. They are deleted by
their own retention period (privacy/retention.py), not with the account.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry as AuditLogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration
from news.models import NewsItem
from notifications.models import Notification, NotificationSettings
from programs.models import (
    CoordinatorInvitation,
    ModerationNotice,
    Program,
    ProgramChange,
    ProgramCoordinator,
    ProgramImport,
)
from tandems.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    CalendarFeed,
    CheckIn,
    CodeOfConductSignature,
    Concern,
    ConsentRecord,
    Document,
    Goal,
    Meeting,
    Mentee,
    ProgramMessage,
    ProgramMessageRecipient,
    ScreeningRecord,
    SupportContact,
    Tandem,
    TandemStatusChange,
    Todo,
    Training,
    VolunteerProfile,
)

CHECKIN_ANSWERS = (
    "wellbeing",
    "self_efficacy_1",
    "self_efficacy_2",
    "self_efficacy_3",
    "satisfaction",
)


# Whose export a support contact belongs in: the side(s) the coordinator spoke with.
MENTOR_SIDE = (SupportContact.With.MENTOR, SupportContact.With.SEVERAL)
MENTEE_SIDE = (
    SupportContact.With.MENTEE,
    SupportContact.With.GUARDIAN,
    SupportContact.With.SEVERAL,
)


@dataclass(frozen=True)
class Part:
    label: str  # the file's name in the export, e.g. "bewerbungen"
    title: str
    model: type
    # The lookup from the model to the person ("pk": the person's own row). With `by_email`, the
    # field holding an address: the rows with one of the person's confirmed addresses
    # (registrations need no account; accounts.selectors.by_verified_address).
    path: str
    fields: tuple[str, ...]
    filter: Q | None = None
    actor: bool = False
    by_email: bool = False
    confidential: bool = False


def _user_parts() -> list[Part]:
    User = get_user_model()
    return [
        Part(
            "konto",
            _("Account"),
            User,
            "pk",
            ("email", "name", "language", "date_joined", "last_login", "is_staff", "groups"),
        ),
        Part("e-mail-adressen", _("E-mail addresses"), EmailAddress, "user",
             ("email", "verified", "primary")),
        # That a second factor is set up, never its secret.
        Part("zwei-faktor", _("Two-factor authentication"), Authenticator, "user",
             ("type", "created_at", "last_used_at")),
        Part(
            "profil",
            _("Volunteer profile"),
            VolunteerProfile,
            "user",
            ("name", "form_of_address", "year_of_birth", "phone", "postcode", "city", "languages",
             "interests", "availability", "preferred_age_groups", "preferred_target_groups",
             "motivation", "heard_from", "updated_at"),
        ),
        Part(
            "bewerbungen",
            _("Applications"),
            Application,
            "volunteer",
            ("program", "stage", "status", "reason", "channel", "created_at", "stage_changed_at"),
        ),
        Part(
            "bewerbungsverlauf",
            _("Steps of your applications"),
            ApplicationEvent,
            "application__volunteer",
            ("application_id", "from_stage", "to_stage", "status", "at"),
        ),
        Part(
            "notizen-zu-bewerbungen",
            _("Coordinators' notes on your applications"),
            ApplicationNote,
            "application__volunteer",
            ("application_id", "text", "created_at"),
        ),
        Part(
            "fuehrungszeugnis",
            _("§ 72a records (never the certificate itself)"),
            ScreeningRecord,
            "volunteer",
            ("program", "inspected", "certificate_issued_on", "inspected_on", "relevant_entry"),
        ),
        Part("schulungen", _("Trainings"), Training, "volunteer",
             ("program", "title", "attended_on")),
        Part("verhaltenskodex", _("Signed codes of conduct"), CodeOfConductSignature,
             "volunteer", ("program", "version", "signed_on")),
        # Listed (title, kind, date); the files themselves are handed out by the program.
        Part("dokumente", _("Documents your programs keep about you"), Document, "volunteer",
             ("program", "title", "kind", "uploaded_at")),
        Part("dokumente-zu-tandems", _("Documents on your tandems"), Document, "tandem__mentor",
             ("program", "tandem_id", "title", "kind", "uploaded_at")),
        Part(
            "einwilligungen",
            _("Consents"),
            ConsentRecord,
            "user",
            ("scope", "program", "text_version", "given_at", "method", "withdrawn_at"),
        ),
        Part(
            "tandems",
            _("Tandems as mentor"),
            Tandem,
            "mentor",
            ("program", "mentee", "status", "started_on", "planned_end_on", "ended_on",
             "end_reason", "end_note", "rhythm", "preferred_weekday", "preferred_time",
             "created_at"),
        ),
        Part(
            "tandem-verlauf",
            _("Status changes of your tandems"),
            TandemStatusChange,
            "tandem__mentor",
            ("tandem_id", "from_status", "to_status", "at", "note"),
        ),
        Part(
            "treffen",
            _("Meetings"),
            Meeting,
            "tandem__mentor",
            ("tandem_id", "status", "starts_at", "duration_minutes", "place", "online", "activity",
             "note", "logged_at"),
        ),
        Part("ziele", _("Goals of your tandems"), Goal, "tandem__mentor",
             ("tandem_id", "title", "progress", "created_at", "updated_at")),
        Part(
            "check-ins",
            _("Your check-in answers"),
            CheckIn,
            "tandem__mentor",
            ("tandem_id", "occasion", "due_on", "completed_at", *CHECKIN_ANSWERS),
            filter=Q(respondent=CheckIn.Respondent.MENTOR),
        ),
        Part(
            "begleitkontakte",
            _("Coordinators' support contacts with your tandems"),
            SupportContact,
            "tandem__mentor",
            ("tandem_id", "contacted_on", "with_whom", "channel", "summary", "follow_up"),
            # The contacts the mentor took part in: a call with the mentee or the guardian is
            # theirs (Art. 15 (4) GDPR), not for the mentor's self-service download.
            filter=Q(with_whom__in=MENTOR_SIDE),
        ),
        Part("kalender", _("Private calendar address"), CalendarFeed, "user", ("created_at",)),
        Part(
            "benachrichtigungen",
            _("E-mails the portal sent or will send you"),
            Notification,
            "user",
            ("kind", "due_at", "state", "sent_at", "error"),
        ),
        Part(
            "benachrichtigungs-einstellungen",
            _("Notification settings"),
            NotificationSettings,
            "user",
            ("meeting_lead_hours", "checkin_reminders", "coordinator_digest",
             "listing_reminders"),
        ),
        Part("koordination", _("Programs you coordinate"), ProgramCoordinator, "user",
             ("program",)),
        # The network's decisions on what the person submitted.
        Part("rueckmeldungen", _("Feedback of the network on what you submitted"),
             ModerationNotice, "recipient",
             ("subject", "title", "decision", "reason", "created_at", "settled_at")),
        # The coordinators' messages the person received (the copy the program keeps).
        Part("nachrichten", _("Messages from your programs"), ProgramMessage, "recipients__user",
             ("program", "subject", "body", "essential", "created_at")),
        Part("nachrichten-empfangen", _("Numbers of the messages you received"),
             ProgramMessageRecipient, "user", ("message_id",)),
        Part("aufgaben-zu-bewerbungen", _("Coordinators' to-dos about your applications"), Todo,
             "application__volunteer", ("program", "title", "due_on", "done_at", "created_at")),
        Part("zugewiesene-aufgaben", _("To-dos assigned to you as a coordinator"), Todo,
             "assignee", ("id", "program", "due_on", "done_at")),
        Part(
            "veranstaltungs-anmeldungen",
            _("Event registrations with your e-mail address"),
            Registration,
            "email",
            ("event", "name", "email", "accessibility_needs", "language", "reminders", "status",
             "created_at", "confirmed_at"),
            by_email=True,
        ),
        # Invitations to coordinate a program sent to the person's address (deleted 90 days after
        # they were accepted, revoked or expired).
        Part(
            "koordinations-einladungen",
            _("Invitations to coordinate a program sent to your e-mail address"),
            CoordinatorInvitation,
            "email",
            ("program", "email", "status", "created_at", "expires_at", "closed_at"),
            by_email=True,
        ),
        Part("angenommene-einladungen", _("Coordinator invitations you accepted"),
             CoordinatorInvitation, "accepted_by", ("program", "closed_at")),
        # What the person did to other people's records: number and time only.
        *(
            Part(label, title, model, path, fields, actor=True)
            for label, title, model, path, fields in (
                ("schritte-an-bewerbungen", _("Application steps you made"), ApplicationEvent,
                 "by", ("id", "at")),
                ("geschriebene-notizen", _("Notes you wrote"), ApplicationNote, "author",
                 ("id", "created_at")),
                ("gesendete-nachrichten", _("Messages you sent to volunteers"), ProgramMessage,
                 "sender", ("id", "program", "created_at")),
                ("programm-importe", _("Program imports you uploaded"), ProgramImport,
                 "uploaded_by", ("id", "file_name", "uploaded_at", "status")),
                ("angelegte-aufgaben", _("To-dos you created"), Todo, "created_by",
                 ("id", "created_at")),
                ("hochgeladene-dokumente", _("Documents you uploaded"), Document, "uploaded_by",
                 ("id", "uploaded_at")),
                ("erfasste-einwilligungen", _("Consents you recorded for others"),
                 ConsentRecord, "recorded_by", ("id", "given_at")),
                ("gepruefte-fuehrungszeugnisse", _("Certificates you inspected"),
                 ScreeningRecord, "inspected_by", ("id", "inspected_on")),
                ("vorgeschlagene-tandems", _("Tandems you proposed"), Tandem, "created_by",
                 ("id", "created_at")),
                ("tandem-statuswechsel", _("Tandem status changes you made"),
                 TandemStatusChange, "by", ("id", "at")),
                ("eingereichte-programme", _("Programs you submitted for review"), Program,
                 "submitted_by", ("id", "name")),
                ("getroffene-entscheidungen", _("Decisions you made on submissions"),
                 ModerationNotice, "decided_by", ("id", "subject", "decision", "created_at")),
                ("geplante-treffen", _("Meetings you planned"), Meeting, "created_by",
                 ("id", "created_at")),
                ("eingetragene-treffen", _("Meetings you logged"), Meeting, "logged_by",
                 ("id", "logged_at")),
                ("ausgefuellte-check-ins", _("Check-ins you filled in"), CheckIn, "filled_by",
                 ("id", "completed_at")),
                ("erfasste-begleitkontakte", _("Support contacts you logged"), SupportContact,
                 "author", ("id", "created_at")),
                ("eingereichte-aenderungen", _("Listing changes you submitted"), ProgramChange,
                 "submitted_by", ("id", "program", "submitted_at")),
                ("gepruefte-aenderungen", _("Listing changes you reviewed"), ProgramChange,
                 "reviewed_by", ("id", "program", "reviewed_at")),
                ("versandte-einladungen", _("Coordinator invitations you sent"),
                 CoordinatorInvitation, "invited_by", ("id", "program", "created_at")),
                ("angelegte-veranstaltungen", _("Events you created"), Event, "created_by",
                 ("id", "title", "created_at")),
                ("angelegte-meldungen", _("News items you created"), NewsItem, "created_by",
                 ("id", "title", "created_at")),
                ("admin-aktionen", _("Your actions in the administration"), AdminLogEntry,
                 "user", ("id", "action_time", "content_type", "action_flag")),
                ("protokoll", _("Your entries in the audit trail"), AuditLogEntry, "actor",
                 ("id", "timestamp", "content_type", "action")),
            )
        ),
        # Confidential: never exported by the self-service (see the module's docstring).
        Part("sorgen", _("Concerns you raised"), Concern, "raised_by", ("id", "raised_at"),
             confidential=True),
        Part("geschlossene-sorgen", _("Concerns you closed"), Concern, "closed_by",
             ("id", "closed_at"), actor=True, confidential=True),
    ]  # fmt: skip


def _mentee_parts() -> list[Part]:
    return [
        Part(
            "mentee",
            _("Mentee"),
            Mentee,
            "pk",
            ("program", "first_name", "year_of_birth", "postcode", "city", "languages",
             "interests", "target_groups", "availability", "goals_and_needs", "guardian_name",
             "guardian_phone", "guardian_email", "reminder_email", "reminder_language", "status",
             "waiting_since", "created_at", "external_id"),
        ),
        Part("einwilligungen", _("Consents"), ConsentRecord, "mentee",
             ("scope", "program", "text_version", "given_at", "withdrawn_at")),
        Part(
            "tandems",
            _("Tandems"),
            Tandem,
            "mentee",
            ("program", "status", "started_on", "planned_end_on", "ended_on", "end_reason",
             "end_note", "rhythm", "created_at"),
        ),
        Part("tandem-verlauf", _("Status changes of the tandems"), TandemStatusChange,
             "tandem__mentee", ("tandem_id", "from_status", "to_status", "at", "note")),
        Part(
            "treffen",
            _("Meetings"),
            Meeting,
            "tandem__mentee",
            ("tandem_id", "status", "starts_at", "duration_minutes", "place", "online", "activity",
             "note"),
        ),
        Part("ziele", _("Goals"), Goal, "tandem__mentee",
             ("tandem_id", "title", "progress", "created_at", "updated_at")),
        Part(
            "check-ins",
            _("Check-in answers"),
            CheckIn,
            "tandem__mentee",
            ("tandem_id", "occasion", "due_on", "completed_at", "answered_by", *CHECKIN_ANSWERS),
            filter=Q(respondent=CheckIn.Respondent.MENTEE),
        ),
        Part("aufgaben", _("Coordinators' to-dos about the mentee"), Todo, "mentee",
             ("title", "due_on", "done_at", "created_at")),
        Part("aufgaben-zu-tandems", _("Coordinators' to-dos about the tandems"), Todo,
             "tandem__mentee", ("title", "due_on", "done_at", "created_at")),
        Part("begleitkontakte", _("Coordinators' support contacts with the tandems"),
             SupportContact, "tandem__mentee",
             ("tandem_id", "contacted_on", "with_whom", "channel", "summary", "follow_up"),
             filter=Q(with_whom__in=MENTEE_SIDE)),
        Part("dokumente", _("Documents about the mentee"), Document, "mentee",
             ("title", "kind", "uploaded_at")),
        Part("dokumente-zu-tandems", _("Documents on the tandems"), Document, "tandem__mentee",
             ("tandem_id", "title", "kind", "uploaded_at")),
        Part("benachrichtigungen", _("Reminders sent by e-mail"), Notification, "mentee",
             ("kind", "due_at", "state", "sent_at")),
    ]  # fmt: skip


def user_parts(*, confidential: bool = True) -> list[Part]:
    """Every part of a user; without the confidential ones for the self-service export."""
    return [part for part in _user_parts() if confidential or not part.confidential]


def mentee_parts(*, confidential: bool = True) -> list[Part]:
    return [part for part in _mentee_parts() if confidential or not part.confidential]
