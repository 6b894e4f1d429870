import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from programs.models import (
    Format,
    FundingBadge,
    Organization,
    Program,
    ProgramCoordinator,
    TargetGroup,
    Topic,
)
from programs.services import program_search_text

PASSWORD = "richtig-gutes-passwort-42"
# The secret of the authenticator app the factories give coordinators and staff (base32).
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        # Network staff and operators reach their pages only with a second factor: they have one
        # unless a test says second_factor=False.
        if create and obj.is_staff and extracted is not False:
            with_totp(obj)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Freiwilligenagentur {n} e. V.")
    slug = factory.Sequence(lambda n: f"freiwilligenagentur-{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    """A published program in Leipzig; pass target_groups=["kinder"] etc. as vocabulary slugs."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Lesepatenschaften {n}")
    slug = factory.Sequence(lambda n: f"lesepatenschaften-{n}")
    summary = "Ehrenamtliche lesen mit Kindern."
    status = Program.Status.PUBLISHED
    postcode = "04109"
    city = "Leipzig"
    state = "SN"
    latitude = 51.3397
    longitude = 12.3731

    @factory.post_generation
    def target_groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.target_groups.set(TargetGroup.objects.filter(slug__in=extracted))

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(Topic.objects.filter(slug__in=extracted))

    @factory.post_generation
    def formats(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.formats.set(Format.objects.filter(slug__in=extracted))

    @factory.post_generation
    def funding_badges(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.funding_badges.set(FundingBadge.objects.filter(slug__in=extracted))

    @factory.post_generation
    def search_index(obj, create, extracted, **kwargs):
        # What program_save() does: the search text follows name, texts and vocabularies.
        if create:
            obj.search_text = program_search_text(program=obj)
            Program.objects.filter(pk=obj.pk).update(search_text=obj.search_text)


MUNICH = {
    "postcode": "80331",
    "city": "München",
    "state": "BY",
    "latitude": 48.1372,
    "longitude": 11.5756,
}


class ProgramCoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramCoordinator
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        # Coordinators reach /koordination/ only with a second factor: they have one unless a
        # test says second_factor=False.
        if create and extracted is not False:
            with_totp(obj.user)


def with_totp(user, secret: str = TOTP_SECRET):
    """The user's authenticator app (TOTP) with `secret`, set up unless there is one already."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return found or TOTP.activate(user, secret).instance


def running_tandem(program, *, mentor=None, mentee_name="Ali", by=None, **start_kwargs):
    """An active tandem of `program` with a new mentee, started today unless told otherwise.

    Without `mentor` a new volunteer applies and is made ready; a given `mentor` must already be
    ready in the program. The other keyword arguments go to lifecycle.tandem_start.
    """
    # Imported here: the domain test helpers import this module.
    from django.utils import timezone

    from tandems import services
    from tandems.services import lifecycle
    from tests.factories.tandems import applicant, make_ready, new_mentee

    by = by or UserFactory()
    if mentor is None:
        mentor = make_ready(applicant(program)).volunteer
    mentee = new_mentee(program, first_name=mentee_name)
    tandem = services.tandem_propose(mentee=mentee, volunteer=mentor, by=by)
    start_kwargs.setdefault("started_on", timezone.localdate())
    return lifecycle.tandem_start(tandem=tandem, by=by, **start_kwargs)


def _event_start():
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=7)
    return timezone.make_aware(datetime.combine(day, time(18, 0)))


def _two_hours_later(event):
    from datetime import timedelta

    return event.starts_at + timedelta(hours=2)


def _event_type():
    from events.models import EventType

    # get_or_create: a transactional test may find the migration's vocabulary flushed.
    return EventType.objects.get_or_create(
        slug="netzwerktreffen",
        defaults={"name_de": "Netzwerktreffen", "name_en": "Network meeting", "position": 1},
    )[0]


class EventFactory(factory.django.DjangoModelFactory):
    """A published in-person event in Leipzig of a program, 7 days from now at 18:00 local, two
    hours long, with registration on the portal and no limit of places."""

    class Meta:
        model = "events.Event"

    title = factory.Sequence(lambda n: f"Netzwerktreffen {n}")
    slug = factory.Sequence(lambda n: f"netzwerktreffen-{n}")
    summary = "Austausch der Mentoring-Programme in Sachsen."
    description = "Wir treffen uns zum **Austausch**."
    description_html = "<p>Wir treffen uns zum <strong>Austausch</strong>.</p>"
    event_type = factory.LazyFunction(_event_type)
    starts_at = factory.LazyFunction(_event_start)
    ends_at = factory.LazyAttribute(_two_hours_later)
    mode = "in_person"
    venue = "Volkshochschule Leipzig"
    street = "Löhrstraße 3-7"
    postcode = "04105"
    city = "Leipzig"
    state = "SN"
    latitude = 51.3456
    longitude = 12.3747
    program = factory.SubFactory(ProgramFactory)
    registration = "portal"
    capacity = None
    status = "published"


def _content_type_of_user(row):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(row.user)


def _an_hour_ago():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(hours=1)


class NotificationFactory(factory.django.DjangoModelFactory):
    """An outbox row about a user and to that user, due an hour ago and not yet sent."""

    class Meta:
        model = "notifications.Notification"

    user = factory.SubFactory(UserFactory)
    kind = "checkin_due"
    content_type = factory.LazyAttribute(_content_type_of_user)
    object_id = factory.LazyAttribute(lambda row: row.user.pk)
    recipient = factory.LazyAttribute(lambda row: f"user:{row.user.pk}")
    occurrence = factory.Sequence(str)
    due_at = factory.LazyFunction(_an_hour_ago)
