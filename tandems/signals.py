"""Derived data and a safety net.

- The dashboard's kept figures (figures_cache.py): a saved or deleted row that a figure counts
  gives its program a new version. Check-ins, meetings and support contacts are deleted only with
  their tandem (whose own delete counts) or by services that say so themselves, so they are
  watched on save only: a receiver on their delete would make every cascade load them row by row.
- Documents' files: a row deleted in a cascade nobody planned for (a program or an account
  deleted in the admin) takes its file along. The portal's own paths (erasure, retention, a
  coordinator's delete) call tandems.services.documents explicitly.
"""

from django.db.models.signals import post_delete, post_save

from .figures_cache import figures_changed
from .models import (
    Application,
    CheckIn,
    Document,
    Meeting,
    Mentee,
    ProgramTandemSettings,
    ScreeningRecord,
    SupportContact,
    Tandem,
)


def remove_document_file(sender, instance, **kwargs):
    from .services.documents import document_files_remove

    document_files_remove([instance.file.name])


post_delete.connect(remove_document_file, sender=Document, dispatch_uid="tandems-document-file")


def _program_changed(sender, instance, **kwargs):
    figures_changed([instance.program_id])


def _tandem_row_changed(sender, instance, **kwargs):
    # The services create these with their tandem at hand; a bare row costs one query.
    if sender.tandem.is_cached(instance):
        program_id = instance.tandem.program_id
    else:
        tandems = Tandem.objects.filter(pk=instance.tandem_id)
        program_id = tandems.values_list("program_id", flat=True).first()
    figures_changed([program_id])


for model in (Tandem, Mentee, Application, ScreeningRecord, ProgramTandemSettings):
    post_save.connect(_program_changed, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
    post_delete.connect(
        _program_changed, sender=model, dispatch_uid=f"figures-delete-{model.__name__}"
    )
for model in (CheckIn, Meeting, SupportContact):
    post_save.connect(
        _tandem_row_changed, sender=model, dispatch_uid=f"figures-save-{model.__name__}"
    )
