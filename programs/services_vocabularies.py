"""Writes to the editable vocabularies (programs' target groups, topics, formats and funding
badges, and the vocabularies of the apps above, which share the base class): a term is added
with a slug made once from its German label, then renamed and reordered; its slug, used in
filter addresses (`?thema=…`), stays. Refusals are ValidationErrors in the user's language."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.text import free_slug, german_slug

from .models import Vocabulary

SLUG_LENGTH = 55


def _unique_slug(model: type[Vocabulary], label: str) -> str:
    base = german_slug(label)[:SLUG_LENGTH].strip("-") or "begriff"
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return free_slug(base, taken)


@transaction.atomic
def vocabulary_term_save(
    *, term: Vocabulary, name_de: str, name_en: str, position: int
) -> Vocabulary:
    """Add a term or rename and move one; a German label the vocabulary has already is refused."""
    model = type(term)
    if (
        model.objects.filter(name_de__iexact=name_de.strip())
        .exclude(pk=term.pk)
        .select_for_update()
        .exists()
    ):
        raise ValidationError({"name_de": _("This vocabulary has a term with this label already.")})
    term.name_de, term.name_en, term.position = name_de, name_en, position
    if not term.slug:
        term.slug = _unique_slug(model, name_de)
    term.full_clean()
    term.save()
    return term
