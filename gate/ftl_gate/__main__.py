"""``python -m ftl_gate``."""
import sys

from ftl_gate import main

sys.exit(main())
