"""The German starting set of the editable vocabularies (slug, German label, English label).

Used by the data migration that seeds them, and put back by ensure_vocabularies() where they are
missing; staff edit them in the admin afterwards.
"""

TARGET_GROUPS = [
    ("kinder", "Kinder", "Children"),
    ("jugendliche", "Jugendliche", "Young people"),
    ("junge-erwachsene", "Junge Erwachsene", "Young adults"),
    ("familien", "Familien", "Families"),
    ("alleinerziehende", "Alleinerziehende", "Single parents"),
    ("gefluechtete", "Geflüchtete", "Refugees"),
    (
        "migrationsgeschichte",
        "Menschen mit Migrationsgeschichte",
        "People with a migration history",
    ),
    ("studierende", "Studierende", "Students"),
    ("arbeitsuchende", "Arbeitsuchende", "Job seekers"),
    ("menschen-mit-behinderung", "Menschen mit Behinderung", "People with disabilities"),
    ("seniorinnen", "Senior:innen", "Older people"),
]

TOPICS = [
    ("lesen-und-sprache", "Lesen und Sprache", "Reading and language"),
    ("schule-und-lernen", "Schule und Lernen", "School and learning"),
    ("ausbildung-und-beruf", "Ausbildung und Beruf", "Apprenticeship and work"),
    ("studium", "Studium", "University"),
    ("ankommen-und-integration", "Ankommen und Integration", "Arrival and integration"),
    ("alltagsbegleitung", "Alltagsbegleitung", "Everyday support"),
    ("familie", "Familie und Erziehung", "Family and parenting"),
    ("freizeit", "Freizeit und gemeinsame Aktivitäten", "Leisure and shared activities"),
    ("gesundheit", "Gesundheit und Wohlbefinden", "Health and well-being"),
    ("digitale-teilhabe", "Digitale Teilhabe", "Digital participation"),
    ("demokratie", "Demokratie und Engagement", "Democracy and civic engagement"),
]

FORMATS = [
    ("tandem", "1:1-Tandem", "One-to-one tandem"),
    ("gruppe", "Gruppe", "Group"),
    ("online", "Online", "Online"),
    ("hybrid", "Hybrid", "Hybrid"),
]

FUNDING_BADGES = [
    (
        "menschen-staerken-menschen",
        "Bundesprogramm „Menschen stärken Menschen“",
        "Federal programme “Menschen stärken Menschen”",
    ),
    ("landesfoerderung", "Gefördert vom Land", "Funded by the federal state"),
    ("kommunale-foerderung", "Gefördert von der Kommune", "Funded by the municipality"),
    ("stiftung", "Gefördert von einer Stiftung", "Funded by a foundation"),
]


def ensure_vocabularies() -> None:
    """The German starting set, in case it is missing (a flushed test database, a new install
    that deleted terms): demo data needs its target groups, topics and formats."""
    # Imported here: the data migration that seeds the terms reads this module's lists.
    from .models import Format, FundingBadge, TargetGroup, Topic

    for model, terms in (
        (TargetGroup, TARGET_GROUPS),
        (Topic, TOPICS),
        (Format, FORMATS),
        (FundingBadge, FUNDING_BADGES),
    ):
        for position, (slug, name_de, name_en) in enumerate(terms):
            model.objects.get_or_create(
                slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
            )
