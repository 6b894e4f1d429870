"""Demo programs for `load_demo`: a hand-written set across all 16 Länder, and a generated
benchmark set of any size."""

import io
import random

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import cache, gazetteer, vocabularies
from .models import Format, FundingBadge, Organization, Program, TargetGroup, Topic
from .services import program_propose, program_save, program_send_back

# (program, organisation, postcode, place, target groups, topics, formats, reach, ages, summary)
PROGRAMS = [
    ("Lesepat:innen Leipzig", "Bürgerstiftung Leipzig", "04109", "Leipzig",
     ["kinder"], ["lesen-und-sprache", "schule-und-lernen"], ["tandem"], "local", (6, 10),
     "Ehrenamtliche lesen einmal pro Woche mit Grundschulkindern und wecken Freude an Büchern."),
    ("Ankommenspatenschaften Duisburg", "Caritasverband Duisburg", "47051", "Duisburg",
     ["gefluechtete", "familien"], ["ankommen-und-integration", "alltagsbegleitung"], ["tandem"],
     "local", None,
     "Pat:innen begleiten geflüchtete Familien bei den ersten Schritten in Duisburg."),
    ("Balu und Du Dresden", "Balu und Du e. V.", "01067", "Dresden",
     ["kinder"], ["freizeit", "schule-und-lernen"], ["tandem"], "local", (6, 10),
     "Junge Erwachsene begleiten als „Balus“ ein Grundschulkind ein Jahr lang in der Freizeit."),
    ("Rock Your Life! München", "Rock Your Life! München e. V.", "80331", "München",
     ["jugendliche"], ["ausbildung-und-beruf", "studium"], ["tandem", "hybrid"], "local", (13, 18),
     "Studierende begleiten Schüler:innen zwei Jahre lang auf dem Weg in Ausbildung oder Studium."),
    ("Mentor – Die Leselernhelfer Hamburg", "Mentor Hamburg e. V.", "20095", "Hamburg",
     ["kinder", "jugendliche"], ["lesen-und-sprache"], ["tandem"], "local", (6, 14),
     "Leselernhelfer:innen fördern Kinder eine Stunde pro Woche in der Schule."),
    ("Zeit für Zukunft Berlin", "Zeit für Zukunft – Mentoren für Kinder e. V.", "10115", "Berlin",
     ["kinder", "jugendliche"], ["freizeit", "schule-und-lernen"], ["tandem"], "local", (8, 16),
     "Erwachsene schenken Kindern Zeit und Aufmerksamkeit – mindestens ein Jahr lang."),
    ("Patenschaften für Arbeit Köln", "Kölner Freiwilligen Agentur", "50667", "Köln",
     ["arbeitsuchende", "junge-erwachsene"], ["ausbildung-und-beruf"], ["tandem"], "local",
     (18, 35), "Berufserfahrene Pat:innen begleiten junge Menschen bei Bewerbung und Berufsstart."),
    ("Großeltern auf Zeit Stuttgart", "Familienbildungsstätte Stuttgart", "70173", "Stuttgart",
     ["familien", "alleinerziehende"], ["familie", "alltagsbegleitung"], ["tandem"], "local",
     (0, 10), "Ältere Freiwillige unterstützen Familien als Wunschgroßeltern."),
    ("Chancenpatenschaften Frankfurt", "Frankfurter Ehrenamtsagentur", "60311", "Frankfurt am Main",
     ["migrationsgeschichte", "jugendliche"], ["schule-und-lernen", "ausbildung-und-beruf"],
     ["tandem", "online"], "local", (12, 21),
     "Mentor:innen begleiten Jugendliche mit Migrationsgeschichte beim Übergang Schule–Beruf."),
    ("Lotsenprojekt Bremen", "Paritätischer Bremen", "28195", "Bremen",
     ["gefluechtete"], ["ankommen-und-integration", "gesundheit"], ["tandem", "gruppe"], "local",
     None, "Lots:innen begleiten Geflüchtete zu Ämtern, Ärzt:innen und in den neuen Alltag."),
    ("Familienpatenschaften Hannover", "Diakonisches Werk Hannover", "30159", "Hannover",
     ["familien"], ["familie", "alltagsbegleitung"], ["tandem"], "local", (0, 12),
     "Ehrenamtliche entlasten Familien mit kleinen Kindern – ein paar Stunden pro Woche."),
    ("Digital-Lots:innen Schwerin", "Seniorenbüro Schwerin", "19053", "Schwerin",
     ["seniorinnen"], ["digitale-teilhabe"], ["tandem", "gruppe"], "local", (65, 99),
     "Junge Freiwillige helfen älteren Menschen, Smartphone und Internet sicher zu nutzen."),
    ("Ausbildungspatenschaften Magdeburg", "Freiwilligenagentur Magdeburg", "39104", "Magdeburg",
     ["jugendliche", "junge-erwachsene"], ["ausbildung-und-beruf"], ["tandem"], "state", (15, 25),
     "Pat:innen begleiten Auszubildende in Sachsen-Anhalt, damit die Ausbildung gelingt."),
    ("Mentoring für Studienanfänger:innen Erfurt", "Studierendenwerk Thüringen", "99084", "Erfurt",
     ["studierende"], ["studium"], ["tandem", "online"], "state", (17, 30),
     "Studierende höherer Semester begleiten Erstsemester aus Nichtakademikerfamilien."),
    ("Sprachpatenschaften Potsdam", "Potsdamer Bürgerstiftung", "14467", "Potsdam",
     ["gefluechtete", "migrationsgeschichte"], ["lesen-und-sprache", "ankommen-und-integration"],
     ["tandem"], "local", None,
     "Sprachpat:innen üben im Alltag Deutsch – beim Einkaufen, im Park."),
    ("Schülerpatenschaften Kiel", "Bürgerstiftung Kiel", "24103", "Kiel",
     ["kinder", "jugendliche"], ["schule-und-lernen"], ["tandem"], "local", (10, 16),
     "Ehrenamtliche begleiten Schüler:innen beim Lernen und bei der Berufsorientierung."),
    ("Mentoring Saar", "Landesarbeitsgemeinschaft Pro Ehrenamt", "66111", "Saarbrücken",
     ["jugendliche"], ["ausbildung-und-beruf", "demokratie"], ["tandem", "gruppe"], "state",
     (14, 21), "Junge Menschen im ganzen Saarland finden eine Mentorin oder einen Mentor."),
    ("Patenschaften Mainz", "Ehrenamtsbörse Mainz", "55116", "Mainz",
     ["kinder", "familien"], ["freizeit", "familie"], ["tandem"], "local", (4, 14),
     "Pat:innen verbringen regelmäßig Freizeit mit Kindern aus belasteten Familien."),
    ("Teilhabe-Tandems Nürnberg", "Lebenshilfe Nürnberg", "90402", "Nürnberg",
     ["menschen-mit-behinderung"], ["freizeit", "alltagsbegleitung"], ["tandem"], "local", None,
     "Freiwillige und Menschen mit Behinderung unternehmen gemeinsam, was beiden Freude macht."),
    ("Netzwerk Mentoring online", "Bundesnetzwerk Mentoring (Demo)", "10117", "Berlin",
     ["jugendliche", "junge-erwachsene"], ["ausbildung-und-beruf", "studium"], ["online"],
     "national", (14, 27),
     "Bundesweites Online-Mentoring für junge Menschen – per Video und Chat."),
    ("Kulturpatenschaften Freiburg", "Kulturamt Freiburg", "79098", "Freiburg im Breisgau",
     ["kinder", "jugendliche"], ["freizeit"], ["tandem"], "local", (8, 16),
     "Kulturpat:innen gehen mit Kindern in Museen, Theater und Konzerte."),
    ("Gesund aufwachsen Rostock", "Kinderschutzbund Rostock", "18055", "Rostock",
     ["kinder", "familien"], ["gesundheit", "familie"], ["tandem"], "local", (0, 12),
     "Familienpat:innen stärken Eltern in den ersten Lebensjahren ihrer Kinder."),
    ("Willkommenspatenschaften Chemnitz", "Stadtmission Chemnitz", "09111", "Chemnitz",
     ["gefluechtete", "familien"], ["ankommen-und-integration"], ["tandem", "gruppe"], "local",
     None, "Pat:innen begleiten neu angekommene Familien in Chemnitz."),
    ("Ausbildungsbrücke Wiesbaden", "Bürgerstiftung Wiesbaden", "65183", "Wiesbaden",
     ["jugendliche"], ["ausbildung-und-beruf"], ["tandem"], "local", (15, 20),
     "Ehrenamtliche Coaches begleiten Jugendliche von der Bewerbung bis zum Ausbildungsende."),
]  # fmt: skip

FIRST_WORDS = ["Lese", "Lern", "Zukunfts", "Ankommens", "Familien", "Ausbildungs", "Sprach",
               "Kultur", "Digital", "Teilhabe", "Chancen", "Freizeit"]  # fmt: skip
SECOND_WORDS = ["patenschaften", "tandems", "mentoring", "lots:innen", "brücke", "begleitung"]
CITIES = ["04109", "01067", "10115", "20095", "80331", "50667", "60311", "70173", "30159", "28195",
          "19053", "39104", "99084", "14467", "24103", "66111", "55116", "90402", "47051", "79098",
          "18055", "09111", "65183", "44135", "45127", "40213", "48143", "33602", "68159", "76133",
          "93047", "86150", "97070", "34117", "37073", "38100", "26122", "49074", "06108", "07743",
          "03046", "17489", "23552", "25813", "54290", "67059", "89073", "94032", "83022",
          "87435"]  # fmt: skip


# The funding badges of the hand-written programs in turn: the list and the map show the facet.
DEMO_FUNDING = [
    ["menschen-staerken-menschen"],
    ["landesfoerderung"],
    [],
    ["stiftung", "kommunale-foerderung"],
    ["menschen-staerken-menschen", "stiftung"],
]


def _terms(model, slugs):
    return list(model.objects.filter(slug__in=slugs))


@transaction.atomic
def create_demo_programs() -> dict[str, Program]:
    """The hand-written programs, published; idempotent (keyed by slug)."""
    vocabularies.ensure_vocabularies()
    programs = {}
    for row in PROGRAMS:
        name, org_name, postcode, city, groups, topics, formats, reach, ages, summary = row
        organization, _ = Organization.objects.update_or_create(
            slug=slugify(org_name)[:200],
            defaults={
                "name": org_name,
                "city": city,
                "postcode": postcode,
                "is_network_member": True,
            },
        )
        slug = slugify(name.replace(":", ""))
        program = Program.objects.filter(slug=slug).first() or Program(slug=slug)
        program.organization = organization
        program.name = name
        program.summary = summary
        program.description = (
            f"Das Programm wird von {org_name} getragen. Die Koordinator:innen "
            "bereiten die Freiwilligen in einer Schulung vor, stellen die Tandems zusammen und "
            "begleiten sie mit regelmäßigen Treffen zum Austausch."
        )
        program.how_to_join = (
            "Bewerben Sie sich online. Wir laden Sie zu einem Kennenlerngespräch und zu einer "
            "Schulung ein."
        )
        program.postcode, program.city = postcode, city
        program.latitude = program.longitude = None
        program.state = ""
        program.reach = reach
        program.radius_km = 25 if reach == "local" else None
        program.age_min, program.age_max = ages or (None, None)
        program.languages = "Deutsch"
        program.contact_name = "Koordinationsteam"
        program.contact_email = f"kontakt@{slug[:40]}.example.org"
        program.status = Program.Status.PUBLISHED
        program.last_reviewed_at = timezone.localdate()
        program_save(
            program=program,
            m2m={
                "target_groups": _terms(TargetGroup, groups),
                "topics": _terms(Topic, topics),
                "formats": _terms(Format, formats),
                "funding_badges": _terms(FundingBadge, DEMO_FUNDING[len(programs) % 5]),
            },
        )
        programs[name] = program
    return programs


DEMO_PROPOSAL = "Lernwerkstatt Leipzig-Grünau"


@transaction.atomic
def create_demo_proposal(*, coordinator, staff) -> Program:
    """A new program the coordinator proposed and the network sent back with a reason: the
    feedback box on /koordination/ shows it. Idempotent (by name)."""
    existing = Program.objects.filter(name=DEMO_PROPOSAL).first()
    if existing is not None:
        return existing
    own = Program.objects.filter(memberships__user=coordinator).order_by("pk").first()
    program = program_propose(
        user=coordinator,
        values={
            "name": DEMO_PROPOSAL,
            "summary": "Ehrenamtliche begleiten Grundschulkinder beim Lernen.",
            "postcode": "04209",
            "city": "Leipzig",
            "reach": Program.Reach.LOCAL,
            "availability": Program.Availability.OPEN,
            "languages": "Deutsch",
        },
        organization=own.organization if own else None,
        organization_name="" if own else "Lernwerkstatt e. V.",
    )
    return program_send_back(
        program=program,
        reason="Bitte ergänzen Sie eine Kontaktperson und wie Familien sich anmelden können.",
        by=staff,
    )


@transaction.atomic
def generate_programs(*, count: int, seed: int) -> int:
    """A benchmark set of `count` published programs spread over Germany (bulk inserts).

    Idempotent for the same count: programs are keyed `demo-generated-<n>`.
    """
    rng = random.Random(seed)
    existing = set(
        Program.objects.filter(slug__startswith="demo-generated-").values_list("slug", flat=True)
    )
    places = [place for code in CITIES if (place := gazetteer.lookup(code)) is not None]
    groups, topics, formats = (
        list(TargetGroup.objects.all()),
        list(Topic.objects.all()),
        list(Format.objects.all()),
    )
    organization, _ = Organization.objects.get_or_create(
        slug="demo-generated", defaults={"name": "Freiwilligenzentrum (Demo)"}
    )
    new, links = [], []
    for n in range(count):
        slug = f"demo-generated-{n}"
        if slug in existing:
            continue
        place = rng.choice(places)
        name = f"{rng.choice(FIRST_WORDS)}{rng.choice(SECOND_WORDS)} {place.name} {n}"
        chosen = (rng.sample(groups, 2), rng.sample(topics, 2), rng.sample(formats, 1))
        new.append(
            Program(
                slug=slug,
                name=name,
                organization=organization,
                summary="Ehrenamtliche begleiten Menschen in ihrer Stadt im Tandem.",
                postcode=place.postcode,
                city=place.name,
                state=place.state,
                latitude=round(place.lat + rng.uniform(-0.15, 0.15), 5),
                longitude=round(place.lon + rng.uniform(-0.2, 0.2), 5),
                reach=Program.Reach.LOCAL,
                availability=rng.choice(Program.Availability.values),
                status=Program.Status.PUBLISHED,
                last_reviewed_at=timezone.localdate(),
                search_text=" ".join(
                    [name, place.name] + [t.name_de for terms in chosen for t in terms]
                ),
            )
        )
        links.append(chosen)
    created = Program.objects.bulk_create(new, batch_size=1000)
    for relation, index in (("target_groups", 0), ("topics", 1), ("formats", 2)):
        through = getattr(Program, relation).through
        column = getattr(Program, relation).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [
                through(program_id=program.pk, **{f"{column}_id": term.pk})
                for program, chosen in zip(created, links, strict=True)
                for term in chosen[index]
            ],
            batch_size=2000,
        )
    # bulk_create sends no signals: invalidate the public caches here.
    transaction.on_commit(cache.bump_generation)
    return len(created)


DEMO_INVITATION_EMAIL = "neue-koordination@example.org"


def create_demo_invitation(*, program: Program, by) -> None:
    """An open invitation to coordinate `program`, for the staff's list (/netzwerk/einladungen/).
    Safe to run again: an open one is kept."""
    from .invitations import invitation_create
    from .models import CoordinatorInvitation

    if not CoordinatorInvitation.objects.open().filter(email=DEMO_INVITATION_EMAIL).exists():
        invitation_create(program=program, email=DEMO_INVITATION_EMAIL, by=by)


DEMO_IMPORT = (
    "Programmname;Organisation;Zielgruppen;PLZ;Ort;Status;Projekt-Nr.\n"
    "Zukunftspaten Hamburg;Zukunftspaten e. V.;jugendliche;20095;Hamburg;published;ZP-HH-1\n"
    "Zukunftspaten Köln;Zukunftspaten e.V.;jugendliche|junge-erwachsene;50667;Köln;;ZP-K-1\n"
)


def create_demo_import(*, user) -> None:
    """One finished browser import by network staff (/netzwerk/import/ lists it): two programs
    of one Träger spelled two ways, one without a status, a column mapped by hand."""
    from .models import ProgramImport
    from .services_import import program_import_map, program_import_run, program_import_upload

    if ProgramImport.objects.exists():
        return
    record = program_import_upload(upload=io.BytesIO(DEMO_IMPORT.encode("utf-8-sig")), user=user)
    record.file_name = "programme-netzwerk.csv"
    record.save(update_fields=["file_name"])
    program_import_map(record=record, mapping={**record.mapping, "Projekt-Nr.": "Externe ID"})
    program_import_run(record=record, dry_run=False, partial=False)
