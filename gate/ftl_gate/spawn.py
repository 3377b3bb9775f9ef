"""fork + exec for the commands native modules run, without the subprocess module.

Importing subprocess costs ~10 ms of CPU (threading, locale and with it re, signal and enum, selectors),
paid by every host on the first command of every run. This does what native_proc used subprocess.Popen
for: ``close_fds``, ``restore_signals`` (SIGPIPE and SIGXFSZ back to default: Python ignores them),
``preexec_fn=os.setpgrp``, ``cwd``, a PATH search as subprocess does it, and an exec failure raised in
the gate as OSError.
"""
import errno
import os
import sys

try:
    import _signal as signal
except ImportError:
    import signal

if sys.version_info >= (3, 12):
    # It warns about fork in a threaded process; the child only calls os functions, then exec. (Not
    # before 3.12: filterwarnings compiles a regex, and importing re costs 3 ms.)
    import warnings
    warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
_RESTORED = tuple(getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ") if hasattr(signal, name))

# subprocess's own C fork+exec, without importing subprocess: it does all of the above in C, and with vfork,
# so the child neither copies the gate's page tables nor runs Python (a command costs ~0.6 ms less CPU).
# Its arguments are those of CPython 3.11 to 3.13 (process_group and allow_vfork came in 3.11); other
# versions take the Python path below.
_fork_exec = None
if (3, 11) <= sys.version_info[:2] <= (3, 13):
    try:
        from _posixsubprocess import fork_exec as _fork_exec
    except ImportError:
        pass


def _candidates(program):
    if os.sep in program:
        return [program]
    # os.get_exec_path() for the gate's own environment, without the `import warnings` it makes (~0.3 ms per gate).
    path = os.environ.get("PATH")
    return [os.path.join(d, program) for d in (os.defpath if path is None else path).split(os.pathsep)]


def _close_inherited(keep):
    """close_fds: what the gate itself was given beyond stdio (its own descriptors close on exec anyway)."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except (OSError, ValueError):
        fds = range(3, 256)
    for fd in fds:
        if fd > 2 and fd != keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _child(argv, candidates, cwd, stdin_fd, out_fd, err_fd, report_fd):
    """In the forked child: never returns."""
    code = errno.EINVAL
    try:
        os.setpgid(0, 0)
        if stdin_fd is not None:
            os.dup2(stdin_fd, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        _close_inherited(report_fd)
        if cwd is not None:
            os.chdir(cwd)
        for sig in _RESTORED:
            signal.signal(sig, signal.SIG_DFL)
        first = None
        for path in candidates:
            try:
                os.execv(path, argv)
            except OSError as e:
                # As subprocess: the first error other than "not here" is the one reported.
                if first is None or (first.errno in (errno.ENOENT, errno.ENOTDIR)
                                     and e.errno not in (errno.ENOENT, errno.ENOTDIR)):
                    first = e
        code = first.errno if first is not None else errno.ENOENT
    except OSError as e:
        code = e.errno or errno.EINVAL
    except BaseException:  # noqa: BLE001 - nothing may return into the gate's code
        pass
    try:
        os.write(report_fd, str(code).encode("ascii"))
    finally:
        os._exit(255)


def spawn(argv, cwd, stdin_fd, out_fd, err_fd):
    """Starts argv (a list; argv[0] looked up on PATH) leading its own process group; returns its pid.

    Raises OSError when it cannot be started (the child has then been reaped).
    """
    candidates = _candidates(argv[0])
    if _fork_exec is not None:
        return _spawn_c(argv, candidates, cwd, stdin_fd, out_fd, err_fd)
    report_r, report_w = os.pipe()
    try:
        pid = os.fork()
        if pid == 0:
            _child(argv, candidates, cwd, stdin_fd, out_fd, err_fd, report_w)
        os.close(report_w)
        report_w = None
        chunks = []
        while True:
            chunk = os.read(report_r, 64)  # empty once exec closed it
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if report_w is not None:
            os.close(report_w)
        os.close(report_r)
    if chunks:
        os.waitpid(pid, 0)
        code = int(b"".join(chunks))
        raise OSError(code, os.strerror(code), argv[0])
    return pid


def exit_code(status):
    """A waitpid status as Popen.returncode gives it: -signal when killed."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def _spawn_c(argv, candidates, cwd, stdin_fd, out_fd, err_fd):
    """spawn() through _posixsubprocess.fork_exec, as subprocess.Popen calls it (the error pipe kept open, the
    only fd besides stdio: it closes on exec)."""
    err_r, err_w = os.pipe()
    try:
        try:
            pid = _fork_exec(
                argv, tuple(os.fsencode(c) for c in candidates), True, (err_w,), cwd, None,
                -1 if stdin_fd is None else stdin_fd, -1, -1, out_fd, -1, err_fd, err_r, err_w,
                True, False, 0, None, None, None, -1, None, True)
        finally:
            os.close(err_w)
        chunks = []
        while True:
            chunk = os.read(err_r, 50000)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(err_r)
    if chunks:
        os.waitpid(pid, 0)
        # "OSError:<hex errno>:<message>", "noexec" as the message when chdir failed before any exec
        parts = b"".join(chunks).split(b":", 2)
        code = int(parts[1], 16) if len(parts) == 3 and parts[1] else errno.EINVAL
        raise OSError(code, os.strerror(code), argv[0])
    return pid
