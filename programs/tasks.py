"""Periodic work of the program directory."""

from celery import shared_task

from . import services_import


@shared_task(name="programs.expire_imports")
def expire_imports() -> int:
    """Beat, hourly: files uploaded to the browser import and never imported are deleted once
    IMPORT_UPLOAD_HOURS have passed."""
    return services_import.program_imports_expire()
