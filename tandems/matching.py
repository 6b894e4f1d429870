"""Explained matching: every candidate's score is the weighted sum of a few criteria, and each
criterion says in words what it found, so coordinators see why a candidate ranks where it does.

Each criterion gives a value between 0 and 1; the program's weights say how much it counts.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs import gazetteer

from .models import AgeGroup, Mentee, ProgramTandemSettings, VolunteerProfile

# Beyond this distance the distance criterion gives nothing.
DISTANCE_LIMIT_KM = 30.0
WAITING_FULL_DAYS = 180

AGE_GROUP_RANGES = {
    AgeGroup.CHILDREN: (0, 12),
    AgeGroup.TEENAGERS: (13, 17),
    AgeGroup.YOUNG_ADULTS: (18, 27),
    AgeGroup.ADULTS: (18, 64),
    AgeGroup.OLDER: (65, 130),
}


@dataclass
class Criterion:
    name: str
    value: float  # 0..1
    weight: int
    reason: str

    @property
    def points(self) -> float:
        return self.value * self.weight


@dataclass
class Match:
    profile: VolunteerProfile
    mentee: Mentee
    criteria: list[Criterion] = field(default_factory=list)

    @property
    def score(self) -> float:
        total = sum(c.weight for c in self.criteria)
        return round(100 * sum(c.points for c in self.criteria) / total, 1) if total else 0.0

    def explanation(self) -> list[dict]:
        return [
            {
                "criterion": c.name,
                "value": round(c.value, 2),
                "weight": c.weight,
                "reason": c.reason,
            }
            for c in self.criteria
        ]


def _distance(profile, mentee, weight) -> Criterion:
    if not (profile.has_location and mentee.has_location):
        return Criterion("distance", 0.0, weight, _("The distance is unknown."))
    km = gazetteer.distance_km(
        profile.latitude, profile.longitude, mentee.latitude, mentee.longitude
    )
    value = max(0.0, 1 - km / DISTANCE_LIMIT_KM)
    reason = _("%(km)s km apart.") % {"km": number_format(km, 1)}
    return Criterion("distance", value, weight, reason)


def _languages(profile, mentee, weight) -> Criterion:
    shared = profile.language_set & mentee.language_set
    if not shared:
        return Criterion("languages", 0.0, weight, _("No shared language."))
    # Named as the mentee's record spells them.
    names = sorted(
        part.strip() for part in mentee.languages.split(",") if part.strip().casefold() in shared
    )
    reason = _("Shared languages: %(languages)s.") % {"languages": ", ".join(names)}
    return Criterion("languages", 1.0, weight, reason)


def _interests(profile, mentee, weight, *, profile_interests, mentee_interests) -> Criterion:
    shared = profile_interests & mentee_interests
    if not mentee_interests:
        return Criterion("interests", 0.0, weight, _("The mentee has no interests recorded."))
    value = len(shared) / len(mentee_interests)
    names = ", ".join(sorted(term.label for term in shared))
    reason = (
        _("Shared interests: %(interests)s.") % {"interests": names}
        if shared
        else _("No shared interests.")
    )
    return Criterion("interests", value, weight, reason)


def _availability(profile, mentee, weight) -> Criterion:
    mentee_slots = set(mentee.availability or [])
    if not mentee_slots:
        return Criterion("availability", 0.5, weight, _("The mentee's times are not recorded."))
    shared = set(profile.availability or []) & mentee_slots
    value = min(1.0, len(shared) / 2)
    return Criterion(
        "availability",
        value,
        weight,
        ngettext("%(count)s common time to meet.", "%(count)s common times to meet.", len(shared))
        % {"count": len(shared)},
    )


def _preferences(profile, mentee, weight, *, today, preferred_groups, mentee_groups) -> Criterion:
    age = mentee.age_on(today)
    wished_ages = [
        AGE_GROUP_RANGES[g] for g in profile.preferred_age_groups or [] if g in AGE_GROUP_RANGES
    ]
    age_fits = not wished_ages or any(low <= age <= high for low, high in wished_ages)
    group_fits = not preferred_groups or bool(preferred_groups & mentee_groups)
    value = (age_fits + group_fits) / 2
    parts = [
        _("the age (%(age)s) fits the wish") % {"age": age}
        if age_fits
        else _("the age (%(age)s) is not the one wished for") % {"age": age},
        _("the target group fits") if group_fits else _("another target group was wished for"),
    ]
    sentence = "; ".join(parts)
    return Criterion("preferences", value, weight, sentence[:1].upper() + sentence[1:] + ".")


def _waiting(mentee, weight, *, today) -> Criterion:
    days = (today - mentee.waiting_since).days
    value = min(1.0, max(0, days) / WAITING_FULL_DAYS)
    return Criterion("waiting", value, weight, _("Waiting for %(days)s days.") % {"days": days})


def score(
    *,
    profile: VolunteerProfile,
    mentee: Mentee,
    settings: ProgramTandemSettings,
    today: date,
    profile_interests: set,
    mentee_interests: set,
    preferred_groups: set,
    mentee_groups: set,
) -> Match:
    match = Match(profile=profile, mentee=mentee)
    match.criteria = [
        _distance(profile, mentee, settings.weight_distance),
        _languages(profile, mentee, settings.weight_languages),
        _interests(
            profile,
            mentee,
            settings.weight_interests,
            profile_interests=profile_interests,
            mentee_interests=mentee_interests,
        ),
        _availability(profile, mentee, settings.weight_availability),
        _preferences(
            profile,
            mentee,
            settings.weight_preferences,
            today=today,
            preferred_groups=preferred_groups,
            mentee_groups=mentee_groups,
        ),
        _waiting(mentee, settings.weight_waiting, today=today),
    ]
    return match


def rank(matches: list[Match]) -> list[Match]:
    """Best first; ties go to the mentee waiting longer, then the nearer one."""
    return sorted(matches, key=lambda m: (-m.score, m.mentee.waiting_since, m.profile.pk))
