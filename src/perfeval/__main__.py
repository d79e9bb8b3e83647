import sys

from perfeval.cli import main

sys.exit(main())
