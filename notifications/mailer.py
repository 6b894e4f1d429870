"""Sending one message so that the outbox's "sent" and the SMTP server's copy agree.

Over SMTP a message is the server's once it reads the "." that ends the DATA section. The mailer
therefore sends everything up to that dot and lets the caller mark the row "sent"; then
`commit_then()` sends the COMMIT to PostgreSQL and writes the dot right behind it, before the
COMMIT's answer comes back, and only then waits for both answers. Killed before the COMMIT left,
the connection drops mid-message, the server discards it and the row stays due; killed after,
both the COMMIT and the dot are on their way (the kernel delivers what a dead process wrote). The
only gap is between two writes, and the COMMIT is held in the kernel (TCP_CORK) until the dot
is written, so that it wakes no PostgreSQL process in between: on a busy machine the worker was
otherwise descheduled right there, and a kill then lost the message (test_worker.py missed one
of 500 reminders in two CI runs). Waiting for the COMMIT's answer before writing the dot left a
gap of the commit's duration (the disk flush), in which a killed worker lost the reminder: 4 of
1,300 in a test with 40 SIGKILLs. So a killed worker all but never loses a reminder (a kill in
the microseconds between the two writes still can) and never sends it twice. (A COMMIT that fails
after the dot went out, or an SMTP server that takes the dot and then fails to answer, can still
cause a second copy later.)

Other backends (console, locmem in tests, file) and other databases have no such step: they
send, then the row is committed as sent. The connection stays open between messages of one
worker process.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import transaction

CRLF = b"\r\n"
LEADING_DOT = re.compile(rb"(?m)^\.")


class Session:
    """A message under way: `send_end()` right behind the COMMIT (see `commit_then`), `finish()`
    after the commit, `abort()` instead of it."""

    def send_end(self) -> None:
        pass

    def finish(self) -> None:
        pass

    def abort(self) -> None:
        pass


class _SMTPSession(Session):
    def __init__(self, mailer: Mailer, connection: smtplib.SMTP):
        self.mailer = mailer
        self.connection = connection
        self.end_sent = False
        self.end_error = None

    def send_end(self) -> None:
        # Never raises: it runs between the COMMIT and its answer; finish() reports a failure.
        try:
            self.connection.send(b"." + CRLF)
        except (OSError, smtplib.SMTPException) as exc:
            self.end_error = exc
        self.end_sent = True

    def finish(self) -> None:
        if not self.end_sent:
            self.send_end()
        try:
            if self.end_error is not None:
                raise self.end_error
            code, response = self.connection.getreply()
        except (OSError, smtplib.SMTPException):
            self.mailer.drop()
            raise
        if code != 250:
            self.mailer.reset_session()
            raise smtplib.SMTPDataError(code, response)

    def abort(self) -> None:
        # Mid-DATA there is no way back but to drop the connection: the server discards the
        # unfinished message.
        self.mailer.drop()


class Mailer:
    def __init__(self):
        self.backend = None

    def _backend(self):
        if self.backend is None:
            self.backend = get_connection(fail_silently=False)
        return self.backend

    def drop(self) -> None:
        """Forget the connection without a QUIT (which would be part of an unfinished DATA)."""
        backend, self.backend = self.backend, None
        connection = getattr(backend, "connection", None)
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()
            backend.connection = None

    def reset_session(self) -> None:
        connection = getattr(self.backend, "connection", None)
        try:
            connection.rset()
        except (OSError, smtplib.SMTPException, AttributeError):
            self.drop()

    def start(self, message) -> Session:
        """Send all of `message` but its end; raise the SMTP error when it is refused."""
        backend = self._backend()
        if not isinstance(backend, SMTPBackend):
            backend.send_messages([message])
            return Session()
        for attempt in (1, 2):
            fresh = backend.connection is None
            if fresh:
                backend.open()
                _no_delay(backend.connection)
            try:
                return self._start(backend.connection, message)
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                # A kept connection the server has closed meanwhile: once more on a new one.
                self.drop()
                backend = self._backend()
                if fresh or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _start(self, connection: smtplib.SMTP, message) -> Session:
        encoding = message.encoding
        sender = sanitize_address(message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in message.recipients()]
        data = message.message().as_bytes(linesep="\r\n")
        connection.ehlo_or_helo_if_needed()
        code, response = connection.mail(sender)
        if code != 250:
            self.reset_session()
            raise smtplib.SMTPSenderRefused(code, response, sender)
        refused = {}
        for recipient in recipients:
            code, response = connection.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, response)
        if len(refused) == len(recipients):
            self.reset_session()
            raise smtplib.SMTPRecipientsRefused(refused)
        code, response = connection.docmd("data")
        if code != 354:
            self.reset_session()
            raise smtplib.SMTPDataError(code, response)
        body = LEADING_DOT.sub(b"..", data)
        if not body.endswith(CRLF):
            body += CRLF
        try:
            connection.send(body)
        except (OSError, smtplib.SMTPException):
            self.drop()
            raise
        return _SMTPSession(self, connection)


def commit_then(action, *, using=None) -> bool:
    """Commit the transaction of the enclosing `atomic()` block now and call `action` as soon as
    the COMMIT has left for PostgreSQL, before its answer; then wait for the answer (and raise
    if the commit failed). The block's own commit at its end then has nothing left to do.

    Returns False, doing nothing, where this cannot be done: not PostgreSQL with psycopg 3, or a
    block nested in another transaction (as in tests); the block commits as usual at its end.
    `action` must not raise.
    """
    connection = transaction.get_connection(using)
    raw = connection.connection
    pgconn = getattr(raw, "pgconn", None)
    if (
        connection.vendor != "postgresql"
        or pgconn is None
        or not connection.in_atomic_block
        or connection.savepoint_ids
        or not connection.commit_on_exit
        or connection.needs_rollback
    ):
        return False
    from psycopg import errors, generators, pq

    with connection.wrap_database_errors, raw.lock:
        # The COMMIT is handed to the kernel but held there (TCP_CORK) until the dot is written:
        # writing it would wake PostgreSQL, and on a busy machine the worker then waited for a
        # core right between the two writes, where a kill loses the message. A kill after the
        # COMMIT's write still delivers it: closing the socket sends what it holds.
        held = _Held(pgconn.socket)
        pgconn.send_query(b"COMMIT")
        # libpq has nearly always written the COMMIT by now; otherwise psycopg waits until it is.
        if pgconn.flush() != 0:
            raw.wait(generators.send(pgconn))
        try:
            action()
        finally:
            held.release()
            results = raw.wait(generators.fetch_many(pgconn))
        if not results:
            raise errors.InternalError("no answer to COMMIT")
        if results[-1].status != pq.ExecStatus.COMMAND_OK:
            raise errors.error_from_result(results[-1], encoding=raw.info.encoding)
    return True


class _Held:
    """TCP_CORK on a socket given by its descriptor, until release(); nothing where the socket
    cannot be corked (a Unix socket, another system)."""

    def __init__(self, fd: int):
        self.sock = None
        try:
            sock = socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM)  # a duplicate descriptor
        except OSError:
            return
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        except (OSError, AttributeError):
            sock.close()
            return
        self.sock = sock

    def release(self) -> None:
        if self.sock is None:
            return
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        self.sock.close()
        self.sock = None


def _no_delay(connection: smtplib.SMTP) -> None:
    """Send each write at once. With Nagle's algorithm the final dot, a small write after the
    large body, waits for the server's (delayed) acknowledgement of the body: some 40 ms per
    message on Linux, which capped a worker process at about 20 mails a second."""
    with contextlib.suppress(AttributeError, OSError):
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


_mailer = Mailer()


def mailer() -> Mailer:
    """The mailer of this process (each Celery worker process keeps its own connection)."""
    return _mailer
