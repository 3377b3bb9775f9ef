"""``python -m ftl_gate``."""
from ftl_gate import leave, main

leave(main())
