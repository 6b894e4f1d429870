import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
# Every Celery setting lives in mentoring/settings.py with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
