"""A safety net for documents' files: a row deleted in a cascade nobody planned for (a program or
an account deleted in the admin) takes its file along. The portal's own paths (erasure,
retention, a coordinator's delete) call tandems.services.documents explicitly."""

from django.db.models.signals import post_delete

from .models import Document


def remove_document_file(sender, instance, **kwargs):
    from .services.documents import document_files_remove

    document_files_remove([instance.file.name])


post_delete.connect(remove_document_file, sender=Document, dispatch_uid="tandems-document-file")
