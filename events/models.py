# The event models arrive with the events issue.
