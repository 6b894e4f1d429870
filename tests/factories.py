import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from programs.models import Organization, Program, ProgramCoordinator

PASSWORD = "richtig-gutes-passwort-42"


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


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Freiwilligenagentur {n} e. V.")
    slug = factory.Sequence(lambda n: f"freiwilligenagentur-{n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Lesepatenschaften {n}")
    slug = factory.Sequence(lambda n: f"lesepatenschaften-{n}")
    summary = "Ehrenamtliche lesen mit Kindern."
    status = Program.Status.PUBLISHED


class ProgramCoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramCoordinator

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
