"""The editable vocabularies network staff keep under /netzwerk/vokabulare/, by their address.

They share programs.models.Vocabulary (slug, German and English label, position); this project
layer may name the models of every app, which the apps themselves may not.
"""

from events.models import Audience, EventType
from news.models import NewsTag
from programs.models import Format, FundingBadge, TargetGroup, Topic, Vocabulary

VOCABULARIES: dict[str, type[Vocabulary]] = {
    "zielgruppen": TargetGroup,
    "themen": Topic,
    "formate": Format,
    "foerderhinweise": FundingBadge,
    "veranstaltungsarten": EventType,
    "publikum": Audience,
    "meldungsthemen": NewsTag,
}
