"""ftl_gate: the stdlib-only program the controller runs on each host (docs/protocol/gate.md).

Python 3.8+ and the standard library only: it is shipped as a .pyz and must start on any host.
"""


def main(argv=None):
    from .server import main as server_main
    return server_main(argv)


def leave(code):
    """Ends the gate process with ``code`` once main() has returned (its last frame is flushed by then).

    os._exit skips the interpreter's teardown (module and garbage cleanup), which does nothing the exit needs
    and costs milliseconds of CPU on every host at the end of every run.
    """
    import os
    import sys
    try:
        sys.stderr.flush()
    finally:
        os._exit(code if isinstance(code, int) else 1)
