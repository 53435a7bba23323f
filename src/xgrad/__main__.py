"""``python -m xgrad info`` and ``python -m xgrad demo``."""

import sys

from xgrad._cli import main

sys.exit(main())
