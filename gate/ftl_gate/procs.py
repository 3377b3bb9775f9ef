"""Module processes: who is alive (so none outlives the gate), killing a process group, collecting output."""
import _thread
import os
import time

try:
    import _signal as signal  # the signal module adds enums on top, and importing enum costs every gate start
except ImportError:
    import signal

_EXIT_GRACE = 1.0


class Children(object):
    """Live module processes (each leads its own process group) so none outlives the gate."""

    def __init__(self):
        self._lock = _thread.allocate_lock()
        self._pids = set()
        self.closed = False

    def add(self, pid):
        with self._lock:
            self._pids.add(pid)
            closed = self.closed
        if closed:
            kill_group(pid)

    def discard(self, pid):
        with self._lock:
            self._pids.discard(pid)

    def kill_all(self):
        with self._lock:
            self.closed = True
            pids = list(self._pids)
        for pid in pids:
            kill_group(pid)
        return len(pids)

    def __len__(self):
        with self._lock:
            return len(self._pids)


def kill_group(pid, reaped=False):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        if reaped:
            return  # the pid may already belong to someone else
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def collect(pid, out_fd, err_fd, timeout):
    """Read both pipes to their end. On timeout the process group is killed.

    A grandchild that keeps a pipe open after the module exited would block forever, so once the
    module process is gone the pipes get only a short grace.
    """
    import select  # poll directly: selectors imports collections, 1 ms more on a native command's first run
    deadline = None if timeout is None else time.monotonic() + timeout
    buffers = {out_fd: [], err_fd: []}
    poller = select.poll()
    for fd in buffers:
        poller.register(fd, select.POLLIN)
    reading = set(buffers)
    timed_out = False
    exited_at = None
    while reading:
        wait = 0.25
        if deadline is not None:
            wait = max(0.0, min(wait, deadline - time.monotonic()))
        for fd, _ in poller.poll(wait * 1000):
            data = os.read(fd, 65536)
            if data:
                buffers[fd].append(data)
            else:
                poller.unregister(fd)
                reading.discard(fd)
        now = time.monotonic()
        if deadline is not None and now >= deadline and not timed_out:
            timed_out = True
            kill_group(pid)
            deadline = None
            exited_at = now
        if exited_at is None and _has_exited(pid):
            exited_at = now
        if exited_at is not None and now - exited_at > _EXIT_GRACE:
            break
    return b"".join(buffers[out_fd]), b"".join(buffers[err_fd]), timed_out


def _has_exited(pid):
    # Peeks without reaping so the caller's waitpid still gets the status.
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except (OSError, AttributeError):
        return False


