"""``python -m perfeval``: the same command line as ``perfeval``."""

import sys

from perfeval.cli import main

sys.exit(main())
