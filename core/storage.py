"""Private files: stored under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, and without any URL.

Nothing in this storage is reachable by a path of the web server's own: a file leaves only
through a view that checked who asks (tandems.views.documents). The location is read from the
settings on each use, so tests (and a changed setting) need no new storage object.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        # Readable for the group (nginx's www-data, with X-Accel-Redirect), never for others.
        super().__init__(file_permissions_mode=0o640, directory_permissions_mode=0o750)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(settings.PRIVATE_MEDIA_ROOT)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("private files have no URL; link to their view")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of a FileField (a callable, so migrations name this function, not a path)."""
    return _storage
