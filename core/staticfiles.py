"""Static files for production: compressed, hashed names, and hashed names inside JS imports."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """The maps are ES modules that import a shared module: its hashed name is written into their
    `import` lines, so a browser never combines a new map.js with a cached old helper module."""

    support_js_module_import_aggregation = True
