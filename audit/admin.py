from auditlog import get_logentry_model
from django.contrib import admin

# auditlog registers its entries in the admin. They name mentees and volunteers, who stay out of
# the admin on purpose (see tandems/admin.py): coordinators read their program's trail under
# /koordination/programme/<slug>/protokoll/; the operator reads the table itself if needed.
admin.site.unregister(get_logentry_model())
