"""What runs inside a module's process: the forked child, or the fresh interpreter of the fallback.

The forked child starts as a copy of the gate with the bundle's module_utils already imported; it
rebinds stdio to its own files, forgets the gate's descriptors and runs the module as ``__main__``.
It must never return into gate code, so every path ends in ``os._exit``.
"""
import io
import os
import pkgutil
import runpy  # imported here, in the gate, so no child pays for it
import sys
import traceback

# Given to ``python -c`` by the fallback runner: argv is [bundle path, dotted module].
BOOTSTRAP = (
    "import sys,runpy;b,m=sys.argv[1],sys.argv[2];sys.path.insert(0,b);sys.argv=[m];"
    "runpy.run_module(m,run_name='__main__',alter_sys=True)"
)

_bundle_dirs = {}


def bundle_dirs(bundle_path):
    """Package directories inside a bundle (its zip, or the directory it was unpacked to), e.g. {"ansible", "ansible/module_utils"}."""
    dirs = _bundle_dirs.get(bundle_path)
    if dirs is None:
        dirs = set()
        if os.path.isdir(bundle_path):
            for top, subdirs, _ in os.walk(bundle_path):
                subdirs[:] = [d for d in subdirs if d != "__pycache__"]
                rel = os.path.relpath(top, bundle_path)
                if rel != ".":
                    dirs.add(rel.replace(os.sep, "/"))
        else:
            import zipfile
            with zipfile.ZipFile(bundle_path) as zf:
                for name in zf.namelist():
                    parts = name.split("/")[:-1]
                    for i in range(1, len(parts) + 1):
                        dirs.add("/".join(parts[:i]))
        _bundle_dirs[bundle_path] = dirs
    return dirs


def graft_bundle(bundle_path):
    """Make a bundle importable, ahead of every other bundle.

    Packages like ``ansible.module_utils`` may already be loaded from another bundle (the warm
    imports); their ``__path__`` gets this bundle's directory first so its own files are found, and
    packages imported later (``ansible.modules``) come from this bundle because it leads sys.path.
    """
    _move_to_front(sys.path, bundle_path)
    pkgutil.get_importer(bundle_path)  # reads the zip's directory once; children inherit it
    dirs = bundle_dirs(bundle_path)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__path__", None)
        rel = name.replace(".", "/")
        if isinstance(path, list) and rel in dirs:
            _move_to_front(path, bundle_path + "/" + rel)


def _move_to_front(entries, entry):
    if entries and entries[0] == entry:
        return
    while entry in entries:
        entries.remove(entry)
    entries.insert(0, entry)


def _close_inherited_fds():
    # Another module's pipe left open here would keep that module's output from ever ending.
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        fds = range(3, 4096)
    for fd in fds:
        if fd > 2:
            try:
                os.close(fd)
            except OSError:
                pass


def _die_with_parent():
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write("%s\n" % (code,))
    return 1


def run_forked_child(bundle_path, python_module, payload_path, out_fd, err_fd, workdir):
    """Body of the forked child (the parent grafted the bundle before forking). Never returns."""
    code = 70
    try:
        os.setpgid(0, 0)
        _die_with_parent()
        in_fd = os.open(payload_path, os.O_RDONLY)
        os.dup2(in_fd, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        _close_inherited_fds()
        os.chdir(workdir)
        sys.stdin = io.TextIOWrapper(io.open(0, "rb", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.open(1, "wb", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.open(2, "wb", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True)
        sys.argv = [python_module]
        basic = sys.modules.get("ansible.module_utils.basic")
        if basic is not None:
            # The warm parent never parsed arguments, but a cached value must never leak between runs.
            basic._ANSIBLE_ARGS = None
        runpy.run_module(python_module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as e:
        code = _exit_code(e)
    except BaseException:
        try:
            traceback.print_exc()
        except BaseException:
            pass
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)
