"""ftl_gate: the stdlib-only program the controller runs on each host (docs/protocol/gate.md).

Python 3.8+ and the standard library only: it is shipped as a .pyz and must start on any host.
"""


def main(argv=None):
    from .server import main as server_main
    return server_main(argv)
