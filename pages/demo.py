"""Demo editorial pages, contact people and partner logos for `load_demo` (safe to run again)."""

import io

from django.contrib.flatpages.models import FlatPage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from . import services
from .models import ContactPerson, Partner

ABOUT_DE = """Soziales Mentoring ist eine Sammelbezeichnung für alle von gemeinnützigen
Organisationen initiierten und begleiteten, vorwiegend 1:1-Beziehungen, bei denen ein:e in der
Regel erwachsene:r Freiwillige:r mit Erfahrungsvorsprung einen jüngeren oder auch älteren
Menschen begleitet, unterstützt und fördert.

Als sogenannte **Tandems** treffen sich beide regelmäßig über einen längeren, definierten
Zeitraum – um sich konkreten Aufgaben, Zielen und Entwicklungsthemen zu widmen oder dem
persönlichen Austausch und gemeinsamen Aktivitäten.

## Förderbeziehungen aus der Zivilgesellschaft

Die Kennzeichnung als *soziales* Mentoring macht deutlich: Es geht um Förderbeziehungen im Sinne
von zivilgesellschaftlichem Engagement, die meist Menschen unterschiedlicher Gruppen
zusammenführen – in Abgrenzung zu Mentoring im Unternehmen mit stark ökonomischen Zielen.
Eingeschlossen sind auch Tandem-Modelle, die z. B. Patenschaften heißen und diese Kriterien
erfüllen.

## Was zählt

Zentraler Maßstab sind das Wohlbefinden, die Selbstwirksamkeit und die persönliche Entwicklung
der begleiteten Menschen, aber auch der Freiwilligen. Tandem-Modelle fördern Bildung, Gesundheit
und gesellschaftliche Teilhabe, sorgen für mehr Chancengerechtigkeit und stärken das
demokratische Gemeinwesen.

Einen Überblick über Programme in Ihrer Nähe gibt die [Mentoring-Landkarte](/karte/)."""

ABOUT_EN = """Social mentoring is the umbrella term for relationships, mostly one to one,
started and supported by non-profit organisations, in which a volunteer – usually an adult with
more experience – accompanies, supports and encourages a younger or older person.

As a **tandem**, the two meet regularly over a longer, agreed period: to work on concrete tasks,
goals and questions of personal development, or simply to talk and do things together.

## Support that comes from civil society

*Social* mentoring means relationships of support in the sense of civic engagement, usually
bringing together people from different groups – as distinct from mentoring in companies with
mainly economic aims. Tandem models called "Patenschaften" (sponsorships) are included when they
meet these criteria.

## What counts

What matters most is the well-being, self-efficacy and personal development of the people
accompanied – and of the volunteers. Tandems further education, health and participation in
society, make opportunities fairer and strengthen democracy.

The [mentoring map](/en/karte/) shows programs near you."""

MSM_DE = """Gemeinsam gelingt vieles besser: das Ankommen in einer neuen Bildungseinrichtung,
der Zugang zu neuen Lernfeldern, das Kennenlernen bislang fremder Kulturen, die Suche nach
Arbeit. Im Tandem oder in der Gruppe werden Erfahrungen geteilt und Barrieren verringert.

## Das Programm »Menschen stärken Menschen«

Um bestehendes Engagement zu stärken und neues anzustoßen, hat das Bundesministerium für
Familie, Senioren, Frauen und Jugend (BMFSFJ) **2016** das Programm »Menschen stärken Menschen«
ins Leben gerufen. Gefördert werden Aufbau, Qualifizierung und Begleitung von Beziehungen
zwischen engagierten Pat:innen und Mentor:innen und ihren Mentees vor Ort.

Während in den ersten beiden Jahren das Engagement für und mit geflüchteten Menschen im
Mittelpunkt stand, wurde das Programm 2018 erweitert: Heute steht Engagement im Zentrum, das
herkunftsunabhängig neue Perspektiven und Teilhabe eröffnet – vor allem für junge Menschen.

## Die Rolle des Netzwerks

Das Netzwerk begleitet das Programm mit Wissenstransfer, fachlichem Austausch und Vernetzung:

- einem jährlichen bundesweiten Fachkongress für Programmträger:innen und Expert:innen,
- regelmäßigen Veranstaltungen zum Austausch zwischen den Programmträger:innen,
- Öffentlichkeitsarbeit für das Engagement aller Beteiligten.

Das Ziel: die Arbeit und das Engagement aller Beteiligten für eine bessere gesellschaftliche
Integration zu fördern und zu stärken."""

MSM_EN = """Many things work better together: settling into a new school, finding new fields
of learning, getting to know unfamiliar cultures, looking for work. In a tandem or a group,
experience is shared and barriers come down.

## The programme "Menschen stärken Menschen"

To strengthen existing engagement and inspire new engagement, the Federal Ministry for Family
Affairs, Senior Citizens, Women and Youth (BMFSFJ) launched the programme "Menschen stärken
Menschen" (people strengthen people) in **2016**. It funds setting up, training and supporting
relationships between volunteer mentors and their mentees locally.

In its first two years the programme focused on engagement for and with refugees; in 2018 it was
widened: it now supports engagement that opens new perspectives and participation regardless of
origin – above all for young people.

## The network's role

The network accompanies the programme with knowledge transfer, professional exchange and
networking:

- an annual national congress for the organisations in the programme and other experts,
- regular events for exchange between these organisations,
- public relations for everyone's engagement.

The aim: to support and strengthen the work and engagement of all involved for a better
integration in society."""

CONTACT_DE = """Sie haben Fragen zum Netzwerk, zum Programm »Menschen stärken Menschen« oder
möchten Ihr Mentoring-Programm auf der Landkarte zeigen? Schreiben Sie uns oder rufen Sie an –
das Projektteam ist montags bis donnerstags von 9 bis 16 Uhr erreichbar."""

CONTACT_EN = """Do you have questions about the network or the programme "Menschen stärken
Menschen", or would you like to show your mentoring program on the map? Write to us or call:
the project team answers Monday to Thursday from 9 am to 4 pm."""

PAGES = [
    # slug, position, (German title, text), (English title, text)
    ("ueber-mentoring", 10, ("Über soziales Mentoring", ABOUT_DE),
     ("About social mentoring", ABOUT_EN)),
    ("menschen-staerken-menschen", 20, ("Menschen stärken Menschen", MSM_DE),
     ("Menschen stärken Menschen: the federal programme", MSM_EN)),
    ("kontakt", 30, ("Kontakt", CONTACT_DE), ("Contact", CONTACT_EN)),
]  # fmt: skip

CONTACTS = [
    ("Dr. Lena Schubert", "Projektleitung", "l.schubert@netzwerk-mentoring.example.org",
     "030 629 80-217"),
    ("Jonas Albers", "Referent für Vernetzung und Veranstaltungen",
     "j.albers@netzwerk-mentoring.example.org", "030 629 80-219"),
]  # fmt: skip

PARTNERS = [
    # name, kind, colour, link
    ("Bundesministerium für Familie, Senioren, Frauen und Jugend", Partner.Kind.FUNDER,
     (0, 70, 130), "https://www.bmfsfj.de/"),
    ("Menschen stärken Menschen", Partner.Kind.FUNDER, (176, 32, 60),
     "https://www.bmfsfj.de/menschen-staerken-menschen"),
    ("Stiftung Bürgerengagement", Partner.Kind.PARTNER, (30, 110, 60),
     "https://stiftung-buergerengagement.example.org/"),
]  # fmt: skip


def _font(size: int):
    # DejaVu where Debian's fonts are installed (it has the umlauts); else Pillow's own font.
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def demo_logo(*, text: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A plain logo: the name in white on a coloured field, as an upload would arrive."""
    image = Image.new("RGB", (900, 300), colour)
    draw = ImageDraw.Draw(image)
    lines = [""]
    for word in text.split():
        if lines[-1] and len(lines[-1]) + len(word) > 18:
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    size = 64 if len(lines) <= 2 else 48
    top = (300 - len(lines) * size * 1.2) / 2
    for number, line in enumerate(lines):
        draw.text((40, top + number * size * 1.2), line, fill="white", font=_font(size))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(
        f"{slugify(text)[:40]}.png", buffer.getvalue(), content_type="image/png"
    )


def create_demo_pages() -> None:
    for slug, position, *versions in PAGES:
        for language, (title, text) in zip(("de", "en"), versions, strict=True):
            url = services.page_url(slug=slug, language=language)
            if FlatPage.objects.filter(url=url).exists():
                continue
            services.page_save(
                page=FlatPage(url=url, title=title, content=text),
                published=True,
                position=position,
            )
    for position, (name, role, email, phone) in enumerate(CONTACTS):
        ContactPerson.objects.get_or_create(
            email=email,
            defaults={"name": name, "role": role, "phone": phone, "position": position},
        )
    for position, (name, kind, colour, url) in enumerate(PARTNERS):
        if Partner.objects.filter(name=name).exists():
            continue
        services.partner_save(
            partner=Partner(
                name=name, kind=kind, logo_alt=name, url=url, position=position, published=True
            ),
            logo=demo_logo(text=name, colour=colour),
        )
