"""The writes of tandems, in two rooms as the models: people.py (profiles, applications and
their stages, screening, mentees, proposing a tandem) and lifecycle.py (a tandem's life: start,
pause, end, meetings, goals, check-ins, calendar feeds). `tandems.services.X` names the people
services, as before the split; the lifecycle is `tandems.services.lifecycle`."""

from .people import (
    DEFAULT_STAGES,
    application_advance,
    application_note_add,
    application_reject,
    application_submit,
    application_withdraw,
    conduct_signature_record,
    mentee_register,
    mentor_is_free,
    pipeline_ensure_default,
    program_tandem_settings,
    program_tandem_settings_update,
    screening_record_save,
    tandem_propose,
    training_record,
    volunteer_is_screened,
    volunteer_profile_save,
)

__all__ = [
    "DEFAULT_STAGES",
    "application_advance",
    "application_note_add",
    "application_reject",
    "application_submit",
    "application_withdraw",
    "conduct_signature_record",
    "mentee_register",
    "mentor_is_free",
    "pipeline_ensure_default",
    "program_tandem_settings",
    "program_tandem_settings_update",
    "screening_record_save",
    "tandem_propose",
    "training_record",
    "volunteer_is_screened",
    "volunteer_profile_save",
]
