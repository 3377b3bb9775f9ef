"""Tests of the gate: /usr/bin/python3 -m unittest discover -s gate/tests -t gate (from the repo root)."""
