"""Demo events for `load_demo`: a hand-written year of the network's calendar, and a generated
benchmark set of any size (`--events 5000`)."""

import random
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from core import markdown
from programs import gazetteer
from programs.demo import CITIES
from programs.models import Program

from . import cache, services, vocabularies
from .models import Audience, Event, EventType
from .occurrences import last_end

NETWORK_URL = "https://netzwerk-mentoring.example.org"


def _next_weekday(day: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _first_tuesday_from(day: date) -> date:
    first = _next_weekday(day.replace(day=1), 1)
    if first >= day:
        return first
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return _next_weekday(following, 1)


def _timed(day: date, start: tuple[int, int], end: tuple[int, int], *, last: date | None = None):
    return (
        services.local_datetime(day, time(*start)),
        services.local_datetime(last or day, time(*end)),
    )


KINDERSCHUTZ = """Kinder und Jugendliche vertrauen ihren Mentor:innen. Die Fortbildung zeigt, wie
Programme ein **Schutzkonzept** aufbauen und im Alltag leben:

- Verhaltenskodex und erweitertes Führungszeugnis (§ 72a SGB VIII)
- Anzeichen von Kindeswohlgefährdung erkennen
- Wer ist wann ansprechbar? Interventionspläne für Koordinator:innen

Mit Fallbeispielen aus der Praxis und Zeit für Ihre Fragen."""

KONGRESS = """Der jährliche Fachkongress bringt Praxis, Wissenschaft, Politik und Förderer des
Mentorings zusammen: zwei Tage mit Vorträgen, Foren und viel Zeit für Austausch.

**Themen in diesem Jahr**: Ehrenamt im Wandel, Wirkung messen, Mentoring in der
Einwanderungsgesellschaft, digitale Begleitung.

Alle Vorträge werden live übertragen, in Deutsche Gebärdensprache gedolmetscht und live
untertitelt. Programm und Anreise: [Kongressseite](https://netzwerk-mentoring.example.org/kongress)."""


def demo_event_rows(today: date) -> list[dict]:
    """The hand-written events, relative to `today` so the calendar always looks current."""
    congress_day = _next_weekday(today + timedelta(days=170), 3)
    stammtisch_day = _first_tuesday_from(today)

    def day(offset: int, weekday: int | None = None) -> date:
        moment = today + timedelta(days=offset)
        return moment if weekday is None else _next_weekday(moment, weekday)

    regional = [
        ("nord", "Nord", "Hamburg", "20095", "Körber-Forum", "Kehrwieder 12", 20),
        ("sued", "Süd", "München", "80331", "Bellevue di Monaco", "Müllerstraße 2", 48),
        ("ost", "Ost", "Leipzig", "04109", "Haus des Buches", "Gerichtsweg 28", 76),
        ("west", "West", "Köln", "50667", "Bürgerzentrum Alte Feuerwache", "Melchiorstraße 3", 104),
    ]
    rows = [
        {
            "slug": f"fachkongress-mentoring-{congress_day.year}",
            "title": f"Fachkongress Mentoring {congress_day.year}",
            "type": "fachkongress",
            "audiences": ["fachpublikum", "koordination"],
            "when": _timed(congress_day, (9, 30), (16, 30), last=congress_day + timedelta(days=1)),
            "summary": "Zwei Tage Vorträge, Foren und Austausch: das Jahrestreffen der "
            "Mentoring-Szene in Berlin und online.",
            "description": KONGRESS,
            "mode": Event.Mode.HYBRID,
            "venue": "Umweltforum Auferstehungskirche",
            "street": "Pufendorfstraße 11",
            "postcode": "10249",
            "city": "Berlin",
            "online_url": f"{NETWORK_URL}/kongress/livestream",
            "step_free": True,
            "sign_language": True,
            "live_captions": True,
            "livestream": True,
            "childcare": True,
            "accessibility_note": "Induktionsschleife im großen Saal, ruhiger Rückzugsraum.",
            "cost": "Mitglieder 60 €, Nichtmitglieder 90 €, online kostenfrei",
            "registration": Event.Registration.PORTAL,
            "capacity": 250,
            "closes": services.local_datetime(congress_day - timedelta(days=14), time(23, 59)),
        },
    ]
    for key, region, city, postcode, venue, street, offset in regional:
        rows.append(
            {
                "slug": f"netzwerktreffen-{key}-{day(offset).year}",
                "title": f"Netzwerktreffen {region}",
                "type": "netzwerktreffen",
                "audiences": ["koordination"],
                "when": _timed(day(offset, 2), (14, 0), (17, 30)),
                "summary": f"Koordinator:innen der Region {region} tauschen sich aus: "
                "Neuigkeiten aus dem Netzwerk, kollegiale Beratung, Kaffee.",
                "description": "Wir beginnen mit Neuigkeiten aus dem Netzwerk und arbeiten dann "
                "in kleinen Runden an Ihren Fragen aus der Praxis.\n\nBitte melden Sie sich an, "
                "damit wir planen können.",
                "venue": venue,
                "street": street,
                "postcode": postcode,
                "city": city,
                "step_free": True,
                "cost": "kostenfrei",
                "registration": Event.Registration.PORTAL,
                "capacity": 40,
            }
        )
    rows += [
        {
            "slug": "fortbildung-kinderschutz-im-mentoring",
            "title": "Fortbildung: Kinderschutz im Mentoring",
            "type": "fortbildung",
            "audiences": ["koordination", "mentorinnen"],
            "when": _timed(day(33, 4), (9, 30), (16, 0)),
            "summary": "Schutzkonzepte, Verhaltenskodex und Intervention: ein Tag für "
            "Koordinator:innen und erfahrene Mentor:innen.",
            "description": KINDERSCHUTZ,
            "venue": "Kulturrathaus Dresden",
            "street": "Königstraße 15",
            "postcode": "01097",
            "city": "Dresden",
            "step_free": True,
            "cost": "kostenfrei für Mitglieder, sonst 40 €",
            "registration": Event.Registration.EXTERNAL,
            "registration_url": f"{NETWORK_URL}/fortbildungen/kinderschutz",
        },
        {
            "slug": "erste-hilfe-fuer-patenschaften",
            "title": "Erste-Hilfe für Patenschaften",
            "type": "fortbildung",
            "audiences": ["mentorinnen"],
            "when": _timed(day(61, 5), (9, 0), (16, 0)),
            "summary": "Was tun, wenn es im Tandem knirscht? Gesprächsführung, Grenzen setzen, "
            "Hilfe holen.",
            "description": "Ein praktischer Tag für Pat:innen und Mentor:innen: Wir üben "
            "schwierige Gespräche und lernen, wann Sie die Koordination einbeziehen.",
            "venue": "Haus Dacheröden",
            "street": "Anger 37",
            "postcode": "99084",
            "city": "Erfurt",
            "cost": "25 €",
            "registration": Event.Registration.PORTAL,
            "capacity": 16,
        },
        {
            "slug": f"barcamp-mentoring-{day(130).year}",
            "title": "Barcamp Mentoring & Patenschaften",
            "type": "barcamp",
            "audiences": ["koordination", "mentorinnen", "fachpublikum"],
            "when": _timed(day(130, 5), (10, 0), (17, 0)),
            "summary": "Sie bestimmen das Programm: offene Sessions rund um Mentoring, "
            "Patenschaften und Ehrenamt.",
            "description": "Beim Barcamp gibt es keine Vorträge von vorn: Alle können eine "
            "Session anbieten. Für Kinder gibt es eine Betreuung, bitte bei der Anmeldung "
            "angeben.",
            "venue": "Kulturzentrum Faust",
            "street": "Zur Bettfedernfabrik 3",
            "postcode": "30451",
            "city": "Hannover",
            "step_free": True,
            "childcare": True,
            "cost": "kostenfrei",
            "registration": Event.Registration.PORTAL,
            "capacity": 120,
        },
        {
            "slug": f"aktionstag-patenschaften-{day(185).year}",
            "title": "Aktionstag Patenschaften",
            "type": "aktionstag",
            "audiences": ["oeffentlichkeit"],
            "all_day": True,
            "when": services.all_day_span(day(185, 4), day(185, 4)),
            "summary": "Bundesweit stellen Programme ihre Patenschaften vor: Infostände, "
            "offene Türen und Mitmach-Aktionen.",
            "description": "Am Aktionstag öffnen Mentoring- und Patenschaftsprogramme in ganz "
            "Deutschland ihre Türen. Die zentrale Veranstaltung findet in Berlin statt.",
            "venue": "Platz vor dem Roten Rathaus",
            "street": "Rathausstraße 15",
            "postcode": "10178",
            "city": "Berlin",
            "step_free": True,
            "cost": "kostenfrei",
        },
    ]
    seminars = [
        ("ehrenamtliche-gewinnen", "Ehrenamtliche gewinnen und halten", 12, True),
        ("datenschutz", "Datenschutz in Patenschaftsprogrammen", 52, False),
        ("wirkung-messen", "Wirkung messen – aber wie?", 96, True),
        ("foerdermittel", "Fördermittel für Mentoring-Projekte", 158, False),
        ("digitale-tandems", "Digitale Tandems begleiten", 230, True),
    ]
    for key, topic, offset, captions in seminars:
        rows.append(
            {
                "slug": f"online-seminar-{key}",
                "title": f"Online-Seminar: {topic}",
                "type": "online-seminar",
                "audiences": ["koordination"],
                "when": _timed(day(offset, 2), (17, 0), (18, 30)),
                "summary": f"90 Minuten Input und Austausch zum Thema „{topic}“.",
                "description": "Eine Referentin aus der Praxis gibt einen Impuls, danach ist Zeit "
                "für Fragen. Den Zugangslink erhalten Sie nach der Anmeldung.",
                "mode": Event.Mode.ONLINE,
                "online_url": f"{NETWORK_URL}/online/{key}",
                "live_captions": captions,
                "cost": "kostenfrei",
                "registration": Event.Registration.PORTAL,
                "capacity": 100,
            }
        )
    rows += [
        {
            "slug": "stammtisch-der-lesepatinnen-leipzig",
            "title": "Stammtisch der Lesepat:innen Leipzig",
            "type": "stammtisch",
            "audiences": ["mentorinnen"],
            "program": "Lesepat:innen Leipzig",
            "when": _timed(stammtisch_day, (19, 0), (21, 0)),
            "recurrence": "FREQ=MONTHLY;BYDAY=1TU;COUNT=10",
            "summary": "Jeden ersten Dienstag im Monat: Lesepat:innen erzählen, tauschen "
            "Buchtipps und lernen sich kennen.",
            "description": "Ohne Anmeldung, einfach vorbeikommen. Neue Lesepat:innen sind "
            "besonders willkommen!",
            "venue": "Stadtteilcafé Lindenau",
            "street": "Lützner Straße 30",
            "postcode": "04177",
            "city": "Leipzig",
            "cost": "Getränke auf eigene Kosten",
        },
        {
            "slug": f"netzwerktreffen-sachsen-anhalt-{day(40).year}",
            "title": "Netzwerktreffen Sachsen-Anhalt",
            "type": "netzwerktreffen",
            "audiences": ["koordination"],
            "when": _timed(day(40, 1), (15, 0), (18, 0)),
            "status": Event.Status.CANCELLED,
            "summary": "Fällt leider aus: Ein neuer Termin folgt.",
            "description": "Das Treffen muss leider ausfallen. Wir laden rechtzeitig zu einem "
            "neuen Termin ein.",
            "venue": "Einewelthaus Magdeburg",
            "street": "Schellingstraße 3–4",
            "postcode": "39104",
            "city": "Magdeburg",
            "cost": "kostenfrei",
        },
        {
            "slug": "vorlesetag-in-der-stadtbibliothek-leipzig",
            "title": "Vorlesetag in der Stadtbibliothek",
            "type": "aktionstag",
            "audiences": ["oeffentlichkeit"],
            "program": "Lesepat:innen Leipzig",
            "when": _timed(day(80, 4), (15, 0), (18, 0)),
            "status": Event.Status.DRAFT,
            "summary": "Lesepat:innen lesen für Kinder und erzählen vom Ehrenamt.",
            "description": "Noch in Planung: Raum und Uhrzeit stehen noch nicht fest.",
            "venue": "Leipziger Stadtbibliothek",
            "street": "Wilhelm-Leuschner-Platz 10/11",
            "postcode": "04107",
            "city": "Leipzig",
            "cost": "kostenfrei",
        },
        {
            "slug": "infoabend-fuer-neue-balus-dresden",
            "title": "Infoabend für neue Balus",
            "type": "workshop",
            "audiences": ["oeffentlichkeit"],
            "program": "Balu und Du Dresden",
            "when": _timed(day(24, 3), (18, 0), (19, 30)),
            "status": Event.Status.REVIEW,
            "summary": "Wie wird man Balu? Ehrenamtliche erzählen, die Koordination beantwortet "
            "Fragen.",
            "description": "Ein Jahr lang ein Grundschulkind begleiten: Wir stellen das "
            "Programm vor und erklären die Schritte bis zum ersten Treffen.",
            "venue": "Zentralbibliothek im Kulturpalast",
            "street": "Schloßstraße 2",
            "postcode": "01067",
            "city": "Dresden",
            "step_free": True,
            "cost": "kostenfrei",
        },
        # Two past events, for the archive.
        {
            "slug": f"netzwerktreffen-ost-herbst-{day(-40).year}",
            "title": "Netzwerktreffen Ost (Herbst)",
            "type": "netzwerktreffen",
            "audiences": ["koordination"],
            "when": _timed(day(-40, 2), (14, 0), (17, 30)),
            "summary": "Austausch der Programme in Sachsen, Sachsen-Anhalt und Thüringen.",
            "description": "Rückblick: 34 Koordinator:innen, drei Werkstattrunden.",
            "venue": "Haus des Buches",
            "street": "Gerichtsweg 28",
            "postcode": "04103",
            "city": "Leipzig",
            "cost": "kostenfrei",
        },
        {
            "slug": "online-seminar-gespraechsfuehrung-im-tandem",
            "title": "Online-Seminar: Gesprächsführung im Tandem",
            "type": "online-seminar",
            "audiences": ["mentorinnen"],
            "when": _timed(day(-20, 2), (17, 0), (18, 30)),
            "summary": "Zuhören, nachfragen, ermutigen: Grundlagen für Mentor:innen.",
            "description": "Mit Übungen in kleinen Gruppen.",
            "mode": Event.Mode.ONLINE,
            "online_url": f"{NETWORK_URL}/online/gespraechsfuehrung",
            "cost": "kostenfrei",
        },
    ]
    return rows


@transaction.atomic
def create_demo_events() -> dict[str, Event]:
    """The hand-written events through the services; idempotent: an existing slug is left as it
    is (edits made in the demo survive, and SEQUENCE does not move)."""
    vocabularies.ensure_vocabularies()
    types = {t.slug: t for t in EventType.objects.all()}
    audiences = {a.slug: a for a in Audience.objects.all()}
    programs = {p.name: p for p in Program.objects.filter(slug__in=_demo_program_slugs())}
    rows = demo_event_rows(timezone.localdate())
    existing = {e.slug: e for e in Event.objects.filter(slug__in=[row["slug"] for row in rows])}
    events = {}
    for row in rows:
        if row["slug"] in existing:
            events[row["slug"]] = existing[row["slug"]]
            continue
        row = dict(row)
        program_name = row.pop("program", None)
        if program_name is not None and program_name not in programs:
            continue  # the demo programs are missing (a database without load_demo's programs)
        starts_at, ends_at = row.pop("when")
        event = Event(
            slug=row.pop("slug"),
            event_type=types[row.pop("type")],
            starts_at=starts_at,
            ends_at=ends_at,
            program=programs.get(program_name),
            registration_closes_at=row.pop("closes", None),
            status=row.pop("status", Event.Status.PUBLISHED),
        )
        chosen = [audiences[slug] for slug in row.pop("audiences")]
        for name, value in row.items():
            setattr(event, name, value)
        events[event.slug] = services.event_save(event=event, audiences=chosen)
    return events


def _demo_program_slugs() -> list[str]:
    return ["lesepatinnen-leipzig", "balu-und-du-dresden"]


# --- Benchmark set -----------------------------------------------------------------------------

TOPICS = [
    "Mentoring", "Patenschaften", "Ehrenamt", "Lesepatenschaften", "Ausbildungspatenschaften",
    "Familienpatenschaften", "Kinderschutz", "Wirkung", "Digitalisierung", "Vielfalt",
]  # fmt: skip
GENERATED_DESCRIPTION = """Eine Veranstaltung des Netzwerks für alle, die sich für **Mentoring
und Patenschaften** engagieren.

- Impulse aus der Praxis
- Austausch in kleinen Runden
- Zeit für Ihre Fragen"""
STATUS_WEIGHTS = [
    (Event.Status.PUBLISHED, 80),
    (Event.Status.CANCELLED, 5),
    (Event.Status.REVIEW, 5),
    (Event.Status.DRAFT, 10),
]


def generate_events(*, count: int, seed: int) -> int:
    """A benchmark set of `count` events over a year before and after today (bulk inserts).

    Idempotent for the same seed and count: events are keyed `demo-event-<n>`, and the n-th event
    is drawn the same way whether or not it exists already. Returns how many were added.
    """
    vocabularies.ensure_vocabularies()
    rng = random.Random(seed)
    existing = set(
        Event.objects.filter(slug__startswith="demo-event-").values_list("slug", flat=True)
    )
    places = [place for code in CITIES if (place := gazetteer.lookup(code)) is not None]
    types = list(EventType.objects.order_by("pk"))
    audiences = list(Audience.objects.order_by("pk"))
    program_ids = list(
        Program.objects.published().order_by("pk").values_list("pk", flat=True)[:500]
    )
    description_html = markdown.render(GENERATED_DESCRIPTION)
    statuses = [status for status, _weight in STATUS_WEIGHTS]
    weights = [weight for _status, weight in STATUS_WEIGHTS]
    today = timezone.localdate()
    new, chosen_audiences = [], []
    for n in range(count):
        event, chosen = _generated_event(
            n,
            rng=rng,
            today=today,
            places=places,
            types=types,
            audiences=audiences,
            program_ids=program_ids,
            status=rng.choices(statuses, weights)[0],
        )
        if event.slug in existing:
            continue
        event.description_html = description_html
        new.append(event)
        chosen_audiences.append(chosen)
    created = Event.objects.bulk_create(new, batch_size=1000)
    through = Event.audiences.through
    through.objects.bulk_create(
        [
            through(event_id=event.pk, audience_id=audience.pk)
            for event, chosen in zip(created, chosen_audiences, strict=True)
            for audience in chosen
        ],
        batch_size=2000,
    )
    # bulk_create sends no signals: the cached calendar pages are rebuilt here.
    transaction.on_commit(cache.bump_generation)
    return len(created)


def _generated_event(n, *, rng, today, places, types, audiences, program_ids, status):
    event_type = rng.choice(types)
    place = rng.choice(places)
    day = today + timedelta(days=rng.randint(-365, 365))
    mode = rng.choices(list(Event.Mode), [70, 20, 10])[0]
    if rng.random() < 0.08:
        all_day, (starts_at, ends_at) = (
            True,
            services.all_day_span(day, day + timedelta(rng.randint(0, 2))),
        )
    else:
        hour = rng.randint(9, 19)
        starts_at = services.local_datetime(day, time(hour, rng.choice([0, 15, 30])))
        all_day, ends_at = False, starts_at + timedelta(minutes=rng.choice([60, 90, 120, 180, 240]))
    recurrence = ""
    if rng.random() < 0.05:
        recurrence = rng.choice(
            [
                f"FREQ=WEEKLY;COUNT={rng.randint(4, 10)}",
                f"FREQ=WEEKLY;INTERVAL=2;COUNT={rng.randint(3, 8)}",
                f"FREQ=MONTHLY;COUNT={rng.randint(3, 12)}",
            ]
        )
    registration = rng.choices(list(Event.Registration), [40, 20, 40])[0]
    online = mode != Event.Mode.IN_PERSON
    in_person = mode != Event.Mode.ONLINE
    where = place.name if in_person else "online"
    event = Event(
        slug=f"demo-event-{n}",
        title=f"{event_type.name_de}: {rng.choice(TOPICS)} {where} {n}",
        summary="Austausch, Impulse und Vernetzung für Engagierte im Mentoring.",
        description=GENERATED_DESCRIPTION,
        event_type=event_type,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=all_day,
        recurrence=recurrence,
        mode=mode,
        venue="Bürgerhaus" if in_person else "",
        postcode=place.postcode if in_person else "",
        city=place.name if in_person else "",
        state=place.state if in_person else "",
        latitude=place.lat if in_person else None,
        longitude=place.lon if in_person else None,
        online_url=f"{NETWORK_URL}/online/demo-{n}" if online else "",
        program_id=rng.choice(program_ids) if program_ids and rng.random() < 0.7 else None,
        step_free=rng.random() < 0.5,
        sign_language=rng.random() < 0.1,
        live_captions=rng.random() < 0.15,
        livestream=online and rng.random() < 0.3,
        childcare=rng.random() < 0.1,
        cost=rng.choice(["kostenfrei", "10 €", "25 €", "kostenfrei für Mitglieder"]),
        registration=registration,
        registration_url=f"{NETWORK_URL}/anmeldung/demo-{n}"
        if registration == Event.Registration.EXTERNAL
        else "",
        capacity=rng.choice([None, 20, 50, 100])
        if registration == Event.Registration.PORTAL
        else None,
        status=status,
    )
    event.last_ends_at = last_end(event)  # written with bulk_create: save() does not run
    return event, rng.sample(audiences, rng.randint(0, 2))
