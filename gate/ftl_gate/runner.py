"""Running shipped modules: a forked child of the warm gate, or a fresh interpreter as fallback.

The gate imports a bundle's ``ansible.module_utils.basic`` once, in itself; every later run of a module
from that bundle forks from that warm state, so a run costs a fork rather than an interpreter start.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings

from . import child
from .procs import Children, collect, kill_group

WARM_MODULES = ("ansible.module_utils.basic",)
# Python 3.12 warns that fork in a threaded process may deadlock; the child only touches its own fds
# and the import system (which fork itself guards) before running the module.
warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)


def filter_json(stdout):
    """The module's JSON object out of its stdout, tolerating junk lines before and after it.

    Returns ``(result or None, junk)`` where junk says text other than the JSON was printed.
    """
    lines = stdout.splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.startswith("{"):
            start = i
            break
    if start is None:
        return None, bool(stdout.strip())
    end = None
    for i in range(len(lines) - 1, start - 1, -1):
        if lines[i].rstrip().endswith("}"):
            end = i
            break
    if end is None:
        return None, True
    try:
        result = json.loads("\n".join(lines[start:end + 1]))
    except ValueError:
        return None, True
    if not isinstance(result, dict):
        return None, True
    junk = any(l.strip() for l in lines[:start]) or any(l.strip() for l in lines[end + 1:])
    return result, junk


def module_payload(args, name, check_mode, diff_mode, tmpdir):
    merged = dict(args)
    merged.setdefault("_ansible_check_mode", bool(check_mode))
    merged.setdefault("_ansible_diff", bool(diff_mode))
    merged.setdefault("_ansible_module_name", name)
    merged.setdefault("_ansible_tmpdir", tmpdir)
    merged.setdefault("_ansible_keep_remote_files", False)
    return json.dumps({"ANSIBLE_MODULE_ARGS": merged}).encode("utf-8")


def add_site_dirs():
    """What python -S left out (site-packages, .pth files, sitecustomize), added to the running gate."""
    if sys.flags.no_site and "site" not in sys.modules:
        import site
        site.main()


class ModuleRunner(object):
    def __init__(self, children=None, use_fork=None, add_site=False):
        # The bootstrap starts the gate with -S for a shorter start on every host (--site-on-use); the modules
        # it runs still get the site-packages a normal interpreter has, as under ansible.
        if add_site:
            add_site_dirs()
        self.children = children if children is not None else Children()
        self.use_fork = hasattr(os, "fork") if use_fork is None else use_fork
        self._fork_lock = threading.Lock()
        self._warmed = set()
        self._front = None  # the bundle whose packages currently lead the import paths

    def warm(self, bundle_path):
        """Import the bundle's common module_utils in the gate itself, once per bundle."""
        with self._fork_lock:
            if bundle_path in self._warmed:
                return
            self._warmed.add(bundle_path)
            try:
                dirs = child.bundle_dirs(bundle_path)
                child.graft_bundle(bundle_path)
                self._front = bundle_path
                for name in WARM_MODULES:
                    if name.rsplit(".", 1)[0].replace(".", "/") in dirs:
                        __import__(name)
            except Exception:
                pass  # the child imports it again and reports the real error
            _freeze_heap()

    def run(self, bundle_path, python_module, name, args, check_mode=False, diff_mode=False,
            timeout=None, fork=True):
        """Run one module; returns the ModuleResult data."""
        workdir = tempfile.mkdtemp(prefix="ftl-module-")
        try:
            tmpdir = os.path.join(workdir, "tmp")
            os.mkdir(tmpdir, 0o700)
            payload = module_payload(args, name, check_mode, diff_mode, tmpdir)
            if fork and self.use_fork:
                self.warm(bundle_path)
                rc, out, err, timed_out = self._run_forked(bundle_path, python_module, payload, workdir, timeout)
            else:
                rc, out, err, timed_out = self._run_subprocess(bundle_path, python_module, payload, workdir, timeout)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return make_result(rc, out, err, timed_out, timeout)

    def _run_forked(self, bundle_path, python_module, payload, workdir, timeout):
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        with self._fork_lock:
            if self._front != bundle_path:
                child.graft_bundle(bundle_path)
                self._front = bundle_path
            child.is_new_style(bundle_path, python_module)  # read once here, so no child reads it again
            pid = os.fork()
            if pid == 0:
                child.run_forked_child(bundle_path, python_module, payload, out_w, err_w, workdir)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child already did it, or is gone
        self.children.add(pid)
        os.close(out_w)
        os.close(err_w)
        try:
            out, err, timed_out = collect(pid, out_r, err_r, timeout)
            _, status = os.waitpid(pid, 0)
        finally:
            self.children.discard(pid)
            os.close(out_r)
            os.close(err_r)
        kill_group(pid, reaped=True)  # grandchildren left behind by the module die with it
        if os.WIFSIGNALED(status):
            return -os.WTERMSIG(status), out, err, timed_out
        return os.WEXITSTATUS(status), out, err, timed_out

    def _run_subprocess(self, bundle_path, python_module, payload, workdir, timeout):
        payload_path = os.path.join(workdir, "args.json")
        with open(payload_path, "wb") as f:
            f.write(payload)
        new_style = "basic" if child.is_new_style(bundle_path, python_module) else ""
        argv = [sys.executable] + _interpreter_flags() + ["-c", child.BOOTSTRAP, bundle_path, python_module, new_style]
        with open(payload_path, "rb") as stdin:
            proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    close_fds=True, start_new_session=True)
        self.children.add(proc.pid)
        try:
            out, err, timed_out = collect(proc.pid, proc.stdout.fileno(), proc.stderr.fileno(), timeout)
            proc.wait()
        finally:
            self.children.discard(proc.pid)
            proc.stdout.close()
            proc.stderr.close()
        kill_group(proc.pid, reaped=True)
        return proc.returncode, out, err, timed_out


def _freeze_heap():
    """Leaves the objects alive now out of every garbage collection: a forked child's collections would
    otherwise walk (and so copy, page by page) the whole imported heap it shares with the gate."""
    import gc
    if hasattr(gc, "freeze"):
        gc.freeze()


def _interpreter_flags():
    """The gate's own isolation flags (-S too, unless the gate was told it only shortens its start)."""
    flags = []
    if sys.flags.isolated:
        flags.append("-I")
    elif sys.flags.ignore_environment:
        flags.append("-E")
    if sys.flags.no_site and "site" not in sys.modules:
        flags.append("-S")
    return flags


def make_result(rc, out, err, timed_out, timeout):
    stdout = out.decode("utf-8", "replace")
    stderr = err.decode("utf-8", "replace")
    result, junk = filter_json(stdout)
    data = {"result": result, "rc": rc}
    if timed_out:
        data["timed_out"] = True
        data["result"] = {"failed": True, "rc": rc,
                          "msg": "The module did not finish within %s seconds and was killed" % timeout}
    if result is None or junk or timed_out:
        data["stdout"] = stdout
    if stderr:
        data["stderr"] = stderr
    return data
