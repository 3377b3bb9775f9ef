"""``file --mime-type --mime-encoding PATH`` as stat runs it, answered by one long-lived ``file`` per gate.

Each ``file`` process spends ~4 ms loading the magic database before it looks at the path; a process reading
names from its stdin (``-f -``, ``-n`` to flush each answer) pays that once. It prints for each name exactly
the line the one-shot command prints, with one difference: a failure of libmagic itself gives the one-shot
command exit status 1 (stat then reports "unknown"), which a shared process cannot report per name. Such a
line reads "<name>: ERROR: <message>", so any answer containing "ERROR" is asked again of a one-shot
``file``, as is a name ``file -f`` cannot read back (a newline in it).
"""
import _thread
import os

from . import native_proc
from .procs import kill_group
from .spawn import spawn

_ARGS = ("--mime-type", "--mime-encoding")
_GONE = b""  # what reading from a process that has exited gives


class MimeProbe(object):
    def __init__(self):
        self._lock = _thread.allocate_lock()
        self._proc = None  # (program, pid, stdin fd, stdout fd)
        self._children = None
        self._pending = b""

    def describe(self, program, path, ctx):
        """stdout of ``program --mime-type --mime-encoding path`` decoded, or None when it failed or timed out."""
        # run_command expands ~ and $VARS in every argument, so the one-shot file sees this name.
        b_path = native_proc.expand_args([path])[0].encode("utf-8", "surrogateescape")
        if b"\n" not in b_path:
            with self._lock:
                line = self._ask(program, b_path, ctx)
            if line is not None and b"ERROR" not in line:
                return line.decode("utf-8", "surrogateescape")
        return _one_shot(program, path, ctx)

    def close(self):
        """Ends the file process (the gate is ending): reaped here rather than left to exit on its own."""
        with self._lock:
            self._stop()

    def _ask(self, program, b_path, ctx):
        timeout = ctx.timeout if ctx is not None else None
        while True:
            fresh = False
            if self._proc is None or self._proc[0] != program:
                self._stop()
                self._proc = self._start(program, ctx)
                fresh = True
                if self._proc is None:
                    return None
            try:
                os.write(self._proc[2], b_path + b"\n")
                line = self._read_line(self._proc[3], timeout)
            except OSError:
                line = _GONE
            if line:
                return line
            self._stop()
            if line is None or fresh:
                return None  # stuck past the timeout, or a new process failed at once: the one-shot decides
            # an older process that has gone (killed by someone): a fresh one gets the name

    def _start(self, program, ctx):
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            pid = spawn([program, "-n"] + list(_ARGS) + ["-f", "-"], None, in_r, out_w, devnull)
        except OSError:
            for fd in (in_w, out_r):
                os.close(fd)
            return None
        finally:
            for fd in (in_r, out_w, devnull):
                os.close(fd)
        if ctx is not None and ctx.children is not None:
            ctx.children.add(pid)  # killed with the gate's other processes
        self._children = ctx.children if ctx is not None else None
        self._pending = b""
        return (program, pid, in_w, out_r)

    def _read_line(self, fd, timeout):
        """The next answer; None when the timeout passed first, _GONE when the process has exited."""
        import select
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while b"\n" not in self._pending:
            if not poller.poll(None if timeout is None else timeout * 1000):
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return _GONE
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line + b"\n"

    def _stop(self):
        proc, self._proc = self._proc, None
        if proc is None:
            return
        _, pid, in_w, out_r = proc
        os.close(in_w)
        os.close(out_r)
        kill_group(pid)
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
        if self._children is not None:
            self._children.discard(pid)


def _one_shot(program, path, ctx):
    rc, out, _, timed_out = native_proc.run(native_proc.expand_args([program] + list(_ARGS) + [path]), ctx)
    return None if rc != 0 or timed_out else out.decode("utf-8", "surrogateescape")


PROBE = MimeProbe()
