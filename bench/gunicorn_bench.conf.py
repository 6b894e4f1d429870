"""gunicorn settings of the benchmarks: none here, they are given on the command line.

An empty file rather than the project's gunicorn.conf.py, which gunicorn would read from the
working directory: the bars in docs/quality.md are stated for 2 sync workers without access log and
without max_requests."""
