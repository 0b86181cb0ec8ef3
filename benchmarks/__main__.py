"""``python -m benchmarks``: see ``benchmarks/harness.py``."""

import sys

from .harness import main

sys.exit(main())
