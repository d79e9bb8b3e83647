"""``python -m perfeval``: the same command line as ``perfeval``."""

from perfeval.cli import run

run()
