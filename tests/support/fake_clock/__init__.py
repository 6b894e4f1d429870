"""FAKE_NOW for the test run and the processes it starts (see sitecustomize.py here)."""
