import logging
import os

from celery import Celery, bootsteps, signals
from celery.platforms import EX_FAILURE
from kombu.exceptions import OperationalError as BrokerUnavailable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

logger = logging.getLogger(__name__)

app = Celery("mentoring")
# Every Celery setting lives in mentoring/settings.py with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class EmbeddedBeatWatch(bootsteps.StartStopStep):
    """`worker --beat` (`make worker`): a beat process that died stops the worker with exit code
    1, so that its supervisor (systemd's Restart=, a Procfile runner) starts both again.

    Celery itself lets the worker run on without its beat, looking healthy: no reminder was
    created or queued again from then on, and nothing was logged (734 of 3,231 reminders lost
    in a fault-injection run)."""

    label = "EmbeddedBeatWatch"
    requires = ("celery.worker.components:Timer", "celery.worker.components:Beat")
    CHECK_SECONDS = 1.0

    def __init__(self, w, beat=False, **kwargs):
        self.enabled = bool(beat)
        self.timer_entry = None
        super().__init__(w, beat=beat, **kwargs)

    def start(self, w):
        logger.info("beat runs embedded as pid %s: the worker stops when it dies", w.beat.pid)
        self.timer_entry = w.timer.call_repeatedly(self.CHECK_SECONDS, self.check, (w,))

    def stop(self, w):
        # Before the Beat step stops its process on a shutdown, so that is no death.
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    def check(self, w):
        from celery.worker import state

        beat = getattr(w, "beat", None)
        if beat is None or beat.is_alive():
            return
        if state.should_stop is not None or state.should_terminate is not None:
            return  # shutting down already: Ctrl+C reaches the beat process too
        self.stop(w)
        logger.critical(
            "the beat process embedded in this worker (pid %s) died with exit code %s: without it"
            " no reminder is created or queued again; stopping the worker with exit code %d so"
            " that its supervisor starts it again",
            beat.pid,
            beat.exitcode,
            EX_FAILURE,
        )
        # What Celery's own SIGTERM handler does: a warm shutdown, running tasks finish.
        state.should_stop = EX_FAILURE


class ScanOnConnect(bootsteps.StartStopStep):
    """Queue a notifications.scan each time the worker (re)connects to the broker: at its start,
    and after Redis came back from a restart that lost its queue. The scan notices the new
    broker and queues the lost rows again at once (notifications.services.broker_lost_before),
    instead of when beat's next tick comes, up to a scan interval later."""

    label = "ScanOnConnect"
    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, c):
        try:
            c.app.send_task("notifications.scan", expires=60)
        except BrokerUnavailable as error:
            logger.warning("could not queue a scan on connecting, beat's next one does: %s", error)


app.steps["worker"].add(EmbeddedBeatWatch)
app.steps["consumer"].add(ScanOnConnect)


@signals.task_prerun.connect
@signals.task_postrun.connect
def close_old_connections(task=None, **kwargs):
    """Around each task in a worker, what Django does around each request: close a database
    connection that is too old (CONN_MAX_AGE) or broken (after an error, CONN_HEALTH_CHECKS), keep
    the others. Not for a task run eagerly inside a caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def json_log_lines(logger=None, **kwargs):
    """Celery sets up its own log handlers in worker and beat (the root logger too), with its own
    line format; with LOG_FORMAT=json their lines become JSON like the web's. `--loglevel` keeps
    working."""
    from django.conf import settings

    if settings.LOG_FORMAT != "json" or logger is None:
        return
    from core.logs import JsonFormatter

    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
