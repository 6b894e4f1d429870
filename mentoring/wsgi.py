import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

application = get_wsgi_application()

# Never serve without a secret key: reading an empty one raises ImproperlyConfigured, so the
# server fails at start instead of on the first signed cookie.
settings.SECRET_KEY  # noqa: B018  (the read is the check)
