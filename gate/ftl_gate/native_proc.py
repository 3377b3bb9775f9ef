"""AnsibleModule.run_command and get_bin_path for native modules, run from a gate worker thread.

The command leads its own process group (as a forked module would), is known to the gate's Children so
it dies with the gate, and is killed with its group when the request's timeout passes.
"""
import os
import stat

from .procs import collect, kill_group
from .spawn import exit_code, spawn

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


def fallback_cwd():
    """Where a module runs, as AnsibleModule._set_cwd decides: None for the gate's own directory (where the ssh
    login left it, as a module started by ansible is) when it can be read there, else a fresh private directory
    (the module's tmpdir, first in _set_cwd's list) that the caller removes."""
    try:
        if os.access(os.getcwd(), os.F_OK | os.R_OK):
            return None
    except OSError:
        pass
    return make_workdir()


def remove_tree(path):
    """shutil.rmtree(path, ignore_errors=True) without following links."""
    try:
        os.rmdir(path)  # what commands usually leave: nothing
        return
    except OSError:
        pass
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
    if shell:
        argv = ["/bin/sh", "-c", argv]
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    in_r, in_w = os.pipe() if data else (None, None)
    try:
        pid = spawn(argv, cwd, in_r, out_w, err_w)
    except OSError:
        for fd in (out_r, err_r, in_w):
            if fd is not None:
                os.close(fd)
        raise
    finally:
        for fd in (out_w, err_w, in_r):
            if fd is not None:
                os.close(fd)
    children = ctx.children if ctx is not None else None
    if children is not None:
        children.add(pid)
    try:
        if data:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(in_w, view):]
            except OSError:
                pass  # the command did not read its input, as run_command tolerates
            os.close(in_w)
            in_w = None
        out, err, timed_out = collect(pid, out_r, err_r, ctx.timeout if ctx is not None else None)
        _, status = os.waitpid(pid, 0)
    finally:
        if children is not None:
            children.discard(pid)
        for fd in (out_r, err_r, in_w):
            if fd is not None:
                os.close(fd)
    kill_group(pid, reaped=True)
    return exit_code(status), out, err, timed_out


def timed_out_result(rc, timeout):
    """The ModuleResult of a native module whose command the request's timeout killed."""
    return {"result": {"failed": True, "rc": rc,
                       "msg": "The module did not finish within %s seconds and was killed" % timeout},
            "rc": rc, "stdout": "", "timed_out": True}
