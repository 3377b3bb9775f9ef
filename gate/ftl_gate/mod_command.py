"""command (and shell: command with _uses_shell), as ansible.modules.command answers it.

Runs in a fresh temporary directory, as the gate's forked modules do. Left to the real module: a
relative or unusable chdir, creates or removes; a command line shlex cannot split; a program that cannot
be started (its error message passes through AnsibleModule's log sanitiser).
"""
import os

try:
    from _datetime import datetime  # the C type itself: the datetime module's Python half costs 1.3 ms to import
except ImportError:
    from datetime import datetime

from . import native_proc
from .native import Unsupported
from .native_args import absolute, check_args

SPEC = {
    "_raw_params": ("str", None), "_uses_shell": ("bool", False), "argv": ("list", None),
    "chdir": ("path", None), "executable": ("str", None), "creates": ("path", None),
    "removes": ("path", None), "stdin": ("str", None), "stdin_add_newline": ("bool", True),
    "strip_empty_ends": ("bool", True),
}
SHELL_SPEC = dict(SPEC, _uses_shell=("bool", True))


_QUOTING = frozenset("'\"\\")


def split_command(line):
    """shlex.split(line). Without quotes or backslashes that is a split at shlex's four whitespace
    characters, which spares importing shlex and re (3 ms) for most command lines."""
    if _QUOTING.isdisjoint(line):
        return [w for w in line.replace("\t", " ").replace("\r", " ").replace("\n", " ").split(" ") if w]
    import shlex
    return shlex.split(line)


def _glob(pattern):
    """glob.glob for creates/removes. A pattern without *, ? or [ is only an existence test there (lexists, or
    isdir for a trailing slash), done here without importing glob, re and fnmatch (~3 ms on a gate's first use)."""
    if not any(c in pattern for c in "*?["):
        head, tail = os.path.split(pattern)
        return [pattern] if (os.path.lexists(pattern) if tail else os.path.isdir(head)) else []
    import glob
    return glob.glob(pattern)


def _done(r, params, warnings, rc):
    r["invocation"] = {"module_args": params}
    if warnings:
        r["warnings"] = warnings
    if rc:
        r["failed"] = True
    return r, rc


def run(short, args, ctx):
    params, internal = check_args(args, SHELL_SPEC if short == "shell" else SPEC)
    made = native_proc.fallback_cwd()
    try:
        return _command(params, internal, ctx, made)
    finally:
        if made is not None:
            native_proc.remove_tree(made)


def _command(params, internal, ctx, cwd):
    shell = params["_uses_shell"]
    executable = params["executable"]
    args = params["_raw_params"]
    argv = params["argv"]
    chdir, creates, removes = absolute(params["chdir"]), absolute(params["creates"]), absolute(params["removes"])
    r = {"changed": False, "stdout": "", "stderr": "", "rc": None, "cmd": None, "start": None, "end": None,
         "delta": None, "msg": ""}
    warnings = []
    if not shell and executable:
        warnings.append("As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' "
                        "module. Not using '%s'." % executable)
        executable = None
    if (not args or args.strip() == "") and not argv:
        r.update(rc=256, msg="no command given")
        return _done(r, params, warnings, 1)
    if args and argv:
        r.update(rc=256, msg="only command or argv can be given, not both")
        return _done(r, params, warnings, 1)
    if not shell and args:
        try:
            args = split_command(args)
        except ValueError:
            raise Unsupported("shlex")
    args = args or argv
    r["cmd"] = args
    if chdir:
        if not (os.path.isdir(chdir) and os.access(chdir, os.X_OK)):
            raise Unsupported("chdir fails")
        cwd = chdir
    shoulda = "Would" if ctx.check_mode else "Did"
    if creates and _glob(creates):
        r.update(msg="%s not run command since '%s' exists" % (shoulda, creates),
                 stdout="skipped, since %s exists" % creates, rc=0)
    if not r["msg"] and removes and not _glob(removes):
        r.update(msg="%s not run command since '%s' does not exist" % (shoulda, removes),
                 stdout="skipped, since %s does not exist" % removes, rc=0)
    if r["msg"]:
        return _done(r, params, warnings, 0)
    r["changed"] = True
    if ctx.check_mode:
        r.update(rc=0, msg="Command would have run if not in check mode")
        if creates is None and removes is None:
            r.update(skipped=True, changed=False)
        return _done(r, params, warnings, 0)
    use_shell = False
    if shell:
        if isinstance(args, list):
            import shlex
            args = " ".join(shlex.quote(a) for a in args)
        sh = internal.get("_ansible_shell_executable")
        if executable:
            args = [executable, "-c", args]
        elif sh not in (None, "/bin/sh"):
            args = [sh, "-c", args]
        else:
            use_shell = True
    else:
        args = native_proc.expand_args(args)
    data = params["stdin"]
    if data and params["stdin_add_newline"]:
        data += "\n"
    start = datetime.now()
    try:
        rc, out, err, timed_out = native_proc.run(args, ctx, cwd=cwd, data=data.encode("utf-8") if data else None,
                                                  shell=use_shell)
    except OSError:
        raise Unsupported("cannot start")
    end = datetime.now()
    if timed_out:
        return native_proc.timed_out_result(rc, ctx.timeout)
    out = out.decode("utf-8", "surrogateescape")
    err = err.decode("utf-8", "surrogateescape")
    if params["strip_empty_ends"]:
        out, err = out.rstrip("\r\n"), err.rstrip("\r\n")
    r.update(rc=rc, stdout=out, stderr=err, start=str(start), end=str(end), delta=str(end - start))
    if rc != 0:
        r["msg"] = "non-zero return code"
        return _done(r, params, warnings, 1)
    return _done(r, params, warnings, 0)
