"""Entry of the gate .pyz (and of ``python gate/__main__.py`` from a checkout)."""
import os
import sys

# Under ``python -I`` the script's own directory is not on sys.path; in a .pyz this is the archive.
_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

from ftl_gate import main  # noqa: E402

sys.exit(main())
