import logging
import os

from celery import Celery, bootsteps, signals
from kombu.exceptions import OperationalError as BrokerUnavailable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

logger = logging.getLogger(__name__)

app = Celery("mentoring")
# Every Celery setting lives in mentoring/settings.py with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
    from .logs import JsonFormatter

    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
