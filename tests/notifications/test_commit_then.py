"""The mailer's commit (notifications/mailer.py, commit_then): the COMMIT is held in the kernel
until the message's final dot is written, so a worker killed between the two writes never
leaves a row committed as sent without its mail."""

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from notifications.mailer import commit_then
from tests.conftest import require_postgres, require_service
from tests.factories import UserFactory
from tests.support.processes import database_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_commit_reaches_postgresql_only_after_the_action():
    require_postgres("commit_then sends the COMMIT itself, on PostgreSQL only")
    host = connection.settings_dict.get("HOST") or ""
    # The hold is TCP's (TCP_CORK): a Unix socket has none, and the COMMIT leaves at once.
    require_service(bool(host) and not host.startswith("/"), "PostgreSQL over TCP (a host name)")
    User = get_user_model()
    seen = []

    def action():
        # Another session, opened now (milliseconds, long enough for any COMMIT already sent
        # to be done): the row must not be visible yet.
        with psycopg.connect(database_url(connection.settings_dict)) as other:
            seen.append(other.execute("SELECT count(*) FROM accounts_user").fetchone()[0])

    with transaction.atomic():
        UserFactory()
        assert commit_then(action)

    assert seen == [0]
    assert User.objects.count() == 1
