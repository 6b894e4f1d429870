"""The portal's own date formats per language, on top of Django's (FORMAT_MODULE_PATH)."""
