"""AnsibleModule.run_command and get_bin_path for native modules, run from a gate worker thread.

The command leads its own process group (as a forked module would), is known to the gate's Children so
it dies with the gate, and is killed with its group when the request's timeout passes.
"""
import os
import stat
import subprocess

from .procs import collect, kill_group

_SBIN = ("/sbin", "/usr/sbin", "/usr/local/sbin")


def make_workdir():
    """A fresh private directory like tempfile.mkdtemp's (tempfile and shutil cost a ping's worth to import)."""
    base = "/tmp"
    for var in ("TMPDIR", "TEMP", "TMP"):
        if os.path.isdir(os.environ.get(var) or ""):
            base = os.environ[var]
            break
    while True:
        path = os.path.join(base, "ftl-module-" + os.urandom(6).hex())
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue


def remove_tree(path):
    """shutil.rmtree(path, ignore_errors=True) without following links."""
    for top, dirs, files in os.walk(path, topdown=False):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            try:
                os.unlink(os.path.join(top, name))
            except OSError:
                pass
        for name in dirs:
            try:
                os.rmdir(os.path.join(top, name))
            except OSError:
                pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def get_bin_path(name):
    """ansible.module_utils.common.process.get_bin_path without opt_dirs; None when not found."""
    paths = os.environ.get("PATH", "").split(os.pathsep)
    for p in _SBIN:
        if p not in paths and os.path.exists(p):
            paths.append(p)
    for d in paths:
        if not d:
            continue
        path = os.path.join(d, name)
        if os.path.exists(path) and not os.path.isdir(path) and \
                (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH) & os.stat(path).st_mode:
            return path
    return None


def expand_args(args):
    """run_command's expand_user_and_vars for an argv list."""
    return [os.path.expanduser(os.path.expandvars(a)) for a in args if a is not None]


def run(argv, ctx, cwd=None, data=None, shell=False):
    """Runs argv (a list, or a string for /bin/sh when shell); returns (rc, stdout bytes, stderr bytes, timed_out).

    OSError (no such program) propagates: callers leave that case to the real module.
    """
    proc = subprocess.Popen(argv, shell=shell, cwd=cwd, close_fds=True, preexec_fn=os.setpgrp,
                            stdin=subprocess.PIPE if data else None, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    children = ctx.children if ctx is not None else None
    if children is not None:
        children.add(proc.pid)
    try:
        if data:
            try:
                proc.stdin.write(data)
                proc.stdin.close()
            except OSError:
                pass  # the command did not read its input, as run_command tolerates
        out, err, timed_out = collect(proc.pid, proc.stdout.fileno(), proc.stderr.fileno(),
                                      ctx.timeout if ctx is not None else None)
        proc.wait()
    finally:
        if children is not None:
            children.discard(proc.pid)
        proc.stdout.close()
        proc.stderr.close()
    kill_group(proc.pid, reaped=True)
    return proc.returncode, out, err, timed_out


def timed_out_result(rc, timeout):
    """The ModuleResult of a native module whose command the request's timeout killed."""
    return {"result": {"failed": True, "rc": rc,
                       "msg": "The module did not finish within %s seconds and was killed" % timeout},
            "rc": rc, "stdout": "", "timed_out": True}
