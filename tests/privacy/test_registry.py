"""The export registry covers every model that refers to a person (Art. 15 DSGVO)."""

from django.apps import apps
from django.contrib.auth import get_user_model

from privacy.registry import mentee_parts, user_parts
from tandems.models import Mentee


def relations_to(target) -> set[str]:
    """Every forward relation of every model to `target`, as "app.Model.field"; a many-to-many
    relation through a model of its own counts as that model's foreign key."""
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is not target:
                continue
            through = getattr(field.remote_field, "through", None)
            if field.many_to_many and through is not None and not through._meta.auto_created:
                continue
            found.add(f"{model._meta.label}.{field.name}")
    return found


def covered(parts) -> set[str]:
    return {
        f"{part.model._meta.label}.{part.path.split('__')[0]}"
        for part in parts
        if part.path != "pk" and not part.by_email
    }


def test_every_relation_to_a_user_is_exported():
    assert sorted(relations_to(get_user_model()) - covered(user_parts())) == []


def test_every_relation_to_a_mentee_is_exported():
    assert sorted(relations_to(Mentee) - covered(mentee_parts())) == []


def test_the_registry_names_only_real_fields():
    for part in [*user_parts(), *mentee_parts()]:
        for name in part.fields:
            field = part.model._meta.get_field(name)
            assert name in (field.name, field.attname)


def test_the_export_never_carries_secrets():
    exported = {(part.model._meta.label, name) for part in user_parts() for name in part.fields}
    assert ("accounts.User", "password") not in exported
    assert ("tandems.CalendarFeed", "token") not in exported
    assert ("mfa.Authenticator", "data") not in exported
