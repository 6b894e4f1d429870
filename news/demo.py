"""Demo news for `load_demo`: a dozen items over the last months, and one draft."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from events.models import Event
from programs.models import Program

from . import services, vocabularies
from .models import NewsItem, NewsTag

# (slug, title, days ago, tags, program slug, event slug prefix, status, teaser, body)
DEMO_NEWS = [
    (
        "mitglied-des-monats-lesepatinnen-leipzig",
        "Mitglied des Monats: Lesepat:innen Leipzig",
        6,
        ["mitglied-des-monats", "programm"],
        "lesepatinnen-leipzig",
        None,
        NewsItem.Status.PUBLISHED,
        "Seit zwölf Jahren lesen Ehrenamtliche in Leipziger Grundschulen mit Kindern. Wir "
        "stellen das Programm und seine Koordinatorin vor.",
        """Jeden Dienstagmorgen sitzt Renate Albers in der Bibliothek der 16. Grundschule in
Lindenau, vor sich ein Stapel Bilderbücher und der achtjährige Yusuf. „Am Anfang hat er kaum
gesprochen“, erzählt sie, „heute liest er mir vor.“

Die **Lesepat:innen Leipzig** bringen seit 2013 Freiwillige und Kinder zusammen, die beim
Lesen Unterstützung brauchen. Inzwischen sind es über 80 Tandems an 14 Schulen.

- eine Stunde pro Woche, mindestens ein Schuljahr lang
- Schulung vor dem Start und Austausch jeden ersten Dienstag im Monat
- Begleitung durch die Koordination im Stadtteilbüro

Wer mitmachen möchte, findet das Programm in der Programmliste.""",
    ),
    (
        "neue-arbeitsgruppe-digitale-tandems",
        "Neue Arbeitsgruppe „Digitale Tandems“",
        13,
        ["arbeitsgruppe"],
        None,
        None,
        NewsItem.Status.PUBLISHED,
        "Wie begleitet man Tandems, die sich vor allem per Video treffen? Eine neue "
        "Arbeitsgruppe des Netzwerks sammelt Erfahrungen und entwickelt Empfehlungen.",
        """Viele Programme haben in den letzten Jahren digitale Formate erprobt. Was davon bleibt,
und was braucht es, damit Online-Tandems gut gelingen?

Die Arbeitsgruppe trifft sich **einmal im Monat online**. Erste Themen:

1. Datenschutz bei Videotreffen
2. Kennenlernen ohne persönliche Begegnung
3. Wann ein Tandem doch ein Treffen vor Ort braucht

Interessierte Koordinator:innen sind herzlich willkommen; schreiben Sie uns an
[netzwerk@example.org](mailto:netzwerk@example.org).""",
    ),
    (
        "fachkongress-mentoring-anmeldung-offen",
        "Fachkongress Mentoring: Die Anmeldung ist offen",
        20,
        ["veranstaltung"],
        None,
        "fachkongress-mentoring-",
        NewsItem.Status.PUBLISHED,
        "Zwei Tage Vorträge, Foren und Austausch in Berlin und online: Ab sofort können Sie "
        "sich für den Fachkongress anmelden.",
        """Der Fachkongress ist das Jahrestreffen der Mentoring-Szene. In diesem Jahr stehen
**Ehrenamt im Wandel**, **Wirkung messen** und **digitale Begleitung** im Mittelpunkt.

Alle Vorträge werden live übertragen, in Deutsche Gebärdensprache gedolmetscht und live
untertitelt. Für Kinder gibt es eine Betreuung.

Mitglieder des Netzwerks zahlen einen ermäßigten Beitrag, die Teilnahme online ist
kostenfrei.""",
    ),
    (
        "programmportraet-lesepatinnen-leipzig",
        "Programmporträt: Wie Lesepatenschaften in Leipzig wirken",
        34,
        ["programm"],
        "lesepatinnen-leipzig",
        None,
        NewsItem.Status.PUBLISHED,
        "Eine Befragung von Lehrkräften zeigt: Kinder mit Lesepat:innen lesen lieber und "
        "sicherer. Ein Blick in das Programm.",
        """Im vergangenen Schuljahr hat das Programm erstmals Lehrkräfte befragt. Das Ergebnis:
Drei von vier Kindern lesen nach einem Jahr mit ihrer Lesepatin oder ihrem Lesepaten
**flüssiger und mit mehr Freude**.

„Es geht nicht nur ums Lesen“, sagt die Koordinatorin. „Die Kinder erleben, dass sich ein
Erwachsener jede Woche nur für sie Zeit nimmt.“

Das Programm sucht weiterhin Freiwillige, besonders für Schulen im Leipziger Osten.""",
    ),
    (
        "menschen-staerken-menschen-neue-foerderrunde",
        "„Menschen stärken Menschen“: Neue Förderrunde beginnt",
        45,
        ["foerderung"],
        None,
        None,
        NewsItem.Status.PUBLISHED,
        "Das Bundesprogramm fördert auch im kommenden Jahr Patenschaften. Was sich ändert und "
        "wie Mitglieder Mittel beantragen.",
        """Das Bundesprogramm **„Menschen stärken Menschen“** geht in eine neue Förderrunde.
Programme im Netzwerk können über das Netzwerk Mittel für neue Patenschaften beantragen.

Neu ist ein vereinfachter Verwendungsnachweis für kleine Träger. Die Fristen und
Unterlagen stellen wir im Online-Seminar „Fördermittel für Mentoring-Projekte“ vor.""",
    ),
    (
        "mitglied-des-monats-balu-und-du-dresden",
        "Mitglied des Monats: Balu und Du Dresden",
        58,
        ["mitglied-des-monats", "programm"],
        "balu-und-du-dresden",
        None,
        NewsItem.Status.PUBLISHED,
        "Junge Erwachsene begleiten als „Balus“ ein Grundschulkind ein Jahr lang. In Dresden "
        "sind gerade 40 Tandems unterwegs.",
        """Ob Zoo, Bolzplatz oder Kochen in der WG: Die Balus in Dresden verbringen jede Woche
einen Nachmittag mit ihrem „Mogli“. Die meisten sind Studierende, die sich im Rahmen eines
Seminars engagieren.

Das Programm legt Wert auf Begleitung: Alle zwei Wochen treffen sich die Balus zur
Reflexion, und ein Tagebuch hilft, kleine Fortschritte zu sehen.""",
    ),
    (
        "arbeitsgruppe-qualitaetsstandards-ergebnisse",
        "Arbeitsgruppe Qualitätsstandards legt Ergebnisse vor",
        72,
        ["arbeitsgruppe"],
        None,
        None,
        NewsItem.Status.PUBLISHED,
        "Nach einem Jahr Arbeit hat die Arbeitsgruppe eine Checkliste für gute "
        "Patenschaftsprogramme veröffentlicht.",
        """Von der Gewinnung der Freiwilligen bis zum Abschied im Tandem: Die Checkliste
beschreibt in zwölf Punkten, woran sich gute Programme erkennen lassen.

Sie ist kein Prüfkatalog, sondern eine Hilfe zur Selbsteinschätzung. Mitglieder können sie
ab sofort nutzen; Rückmeldungen nehmen wir gern entgegen.""",
    ),
    (
        "rueckblick-netzwerktreffen-ost",
        "Rückblick: Netzwerktreffen Ost in Leipzig",
        40,
        ["veranstaltung"],
        None,
        "netzwerktreffen-ost-herbst-",
        NewsItem.Status.PUBLISHED,
        "34 Koordinator:innen aus Sachsen, Sachsen-Anhalt und Thüringen haben sich im Haus des "
        "Buches ausgetauscht.",
        """In drei Werkstattrunden ging es um die Gewinnung von Freiwilligen, um Kinderschutz
und um die Zusammenarbeit mit Schulen.

Besonders gefragt war die kollegiale Beratung: Wie geht man mit Tandems um, die sich
auseinanderleben? Die Ergebnisse schicken wir allen Teilnehmenden zu.""",
    ),
    (
        "mitglied-des-monats-ankommenspatenschaften-duisburg",
        "Mitglied des Monats: Ankommenspatenschaften Duisburg",
        90,
        ["mitglied-des-monats", "programm"],
        "ankommenspatenschaften-duisburg",
        None,
        NewsItem.Status.PUBLISHED,
        "Pat:innen begleiten geflüchtete Familien bei den ersten Schritten in Duisburg – vom "
        "Behördengang bis zum Sportverein.",
        """Viele Pat:innen in Duisburg haben selbst eine Einwanderungsgeschichte und wissen, wie
schwer die ersten Monate sein können. Sie helfen beim Ausfüllen von Formularen, begleiten
zum Elternabend und zeigen, wo es den nächsten Sportverein gibt.""",
    ),
    (
        "kinderschutz-neue-handreichung",
        "Kinderschutz: Neue Handreichung für Programme",
        105,
        ["foerderung"],
        None,
        None,
        NewsItem.Status.PUBLISHED,
        "Wie baut ein Programm ein Schutzkonzept auf? Die neue Handreichung des Netzwerks "
        "gibt Antworten und Vorlagen.",
        """Die Handreichung erklärt Schritt für Schritt, wie Programme ein Schutzkonzept
entwickeln: von der Risikoanalyse über den Verhaltenskodex bis zum Interventionsplan.

Sie enthält Vorlagen, die Programme an ihre Situation anpassen können, und ist für
Mitglieder kostenfrei.""",
    ),
    (
        "zehn-neue-mitglieder-im-netzwerk",
        "Zehn neue Mitglieder im Netzwerk",
        130,
        [],
        None,
        None,
        NewsItem.Status.PUBLISHED,
        "Das Netzwerk wächst: Zehn Programme aus sieben Bundesländern sind in den letzten "
        "Monaten beigetreten.",
        """Wir begrüßen unter anderem Programme aus Schwerin, Kiel und Saarbrücken. Damit sind
im Netzwerk nun Programme aus allen 16 Bundesländern vertreten.

Alle neuen Mitglieder finden Sie auf der Mentoring-Landkarte.""",
    ),
    (
        "umfrage-ehrenamt-im-mentoring",
        "Umfrage: Was Ehrenamtliche im Mentoring brauchen",
        150,
        [],
        None,
        None,
        NewsItem.Status.PUBLISHED,
        "Über 600 Mentor:innen haben an unserer Umfrage teilgenommen. Die wichtigsten "
        "Ergebnisse in Kürze.",
        """Am wichtigsten ist den Ehrenamtlichen eine **verlässliche Ansprechperson** im
Programm, noch vor Fortbildungen und Auslagenerstattung. Viele wünschen sich mehr
Austausch mit anderen Mentor:innen.

Die vollständige Auswertung stellen wir beim Fachkongress vor.""",
    ),
    (
        "entwurf-jahresbericht-des-netzwerks",
        "Entwurf: Jahresbericht des Netzwerks",
        0,
        [],
        None,
        None,
        NewsItem.Status.DRAFT,
        "Noch in Arbeit: Die Zahlen des Jahres und ein Ausblick.",
        "Dieser Text ist noch ein Entwurf.",
    ),
]


@transaction.atomic
def create_demo_news() -> dict[str, NewsItem]:
    """The hand-written items through the services; idempotent: an existing slug is left as it
    is, so edits made in the demo survive."""
    vocabularies.ensure_vocabularies()
    tags = {tag.slug: tag for tag in NewsTag.objects.all()}
    program_slugs = {row[4] for row in DEMO_NEWS if row[4]}
    programs = {
        p.slug: p
        for p in Program.objects.filter(slug__in=program_slugs).select_related("organization")
    }
    existing = {i.slug: i for i in NewsItem.objects.filter(slug__in=[r[0] for r in DEMO_NEWS])}
    today = timezone.localdate()
    items = {}
    for slug, title, days, tag_slugs, program_slug, event_prefix, status, teaser, body in DEMO_NEWS:
        if slug in existing:
            items[slug] = existing[slug]
            continue
        program = programs.get(program_slug)
        event = (
            Event.objects.filter(slug__startswith=event_prefix).order_by("-starts_at").first()
            if event_prefix
            else None
        )
        item = NewsItem(
            slug=slug,
            title=title,
            published_on=today - timedelta(days=days),
            teaser=teaser,
            body=body,
            organization=program.organization if program else None,
            status=status,
        )
        items[slug] = services.news_item_save(
            item=item,
            tags=[tags[t] for t in tag_slugs if t in tags],
            programs=[program] if program else [],
            events=[event] if event else [],
        )
    return items
