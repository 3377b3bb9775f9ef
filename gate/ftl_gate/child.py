"""What runs inside a module's process: the forked child, or the fresh interpreter of the fallback.

The forked child starts as a copy of the gate with the bundle's module_utils already imported; it
rebinds stdio to its own files, forgets the gate's descriptors and runs the module as ``__main__``.
It must never return into gate code, so every path ends in ``os._exit``.
"""
import atexit
import io
import os
import pkgutil
import runpy  # imported here, in the gate, so no child pays for it
import sys
import traceback

# Given to ``python -c`` by the fallback runner: argv is [bundle path, dotted module, "basic" for a new-style
# module or ""], the
# payload on stdin. It does what AnsiballZ's invoke_module does; a fresh interpreter handles
# uncaught exceptions (sys.excepthook) and atexit itself.
BOOTSTRAP = (
    "import sys,runpy\n"
    "b,m,k=sys.argv[1:4]\n"
    "sys.path.insert(0,b)\n"
    "sys.argv=[m]\n"
    "if k:\n"
    " from ansible.module_utils import basic\n"
    " basic._ANSIBLE_ARGS=sys.stdin.buffer.read()\n"
    "runpy.run_module(m,init_globals=dict(_module_fqn=m,_modlib_path=b),run_name='__main__',alter_sys=True)\n"
    "if k:\n"
    " print(%r)\n"
    " sys.exit(1)\n"
)

# What AnsiballZ prints when a module returns instead of exiting through exit_json/fail_json.
NO_EXIT = '{"msg": "New-style module did not handle its own exit", "failed": true}'
BOOTSTRAP = BOOTSTRAP % NO_EXIT
_BASIC_FILE = "ansible/module_utils/basic.py"
# How ansible (executor/module_common.py) tells a new-style Python module, the kind AnsiballZ wraps: its
# source imports module_utils, or carries the old include marker.
_NEW_STYLE_RE = (br'(?:from +\.{2,} *module_utils.* +import |'
                 br'from +ansible_collections\.[^.]+\.[^.]+\.plugins\.module_utils.* +import |'
                 br'import +ansible_collections\.[^.]+\.[^.]+\.plugins\.module_utils.*|'
                 br'from +ansible\.module_utils.* +import |'
                 br'import +ansible\.module_utils\.)')
_REPLACER = b"#<<INCLUDE_ANSIBLE_MODULE_COMMON>>"
_PIPE_PAYLOAD_MAX = 65536  # a pipe holds this much on Linux without a reader

_bundle_index = {}


def _index(bundle_path):
    """(package directories, whether it holds ansible.module_utils.basic) of a bundle: its zip or its directory."""
    index = _bundle_index.get(bundle_path)
    if index is None:
        dirs = set()
        if os.path.isdir(bundle_path):
            for top, subdirs, _ in os.walk(bundle_path):
                subdirs[:] = [d for d in subdirs if d != "__pycache__"]
                rel = os.path.relpath(top, bundle_path)
                if rel != ".":
                    dirs.add(rel.replace(os.sep, "/"))
            has_basic = os.path.isfile(os.path.join(bundle_path, _BASIC_FILE))
        else:
            import zipfile
            with zipfile.ZipFile(bundle_path) as zf:
                names = zf.namelist()
            for name in names:
                parts = name.split("/")[:-1]
                for i in range(1, len(parts) + 1):
                    dirs.add("/".join(parts[:i]))
            has_basic = _BASIC_FILE in names
        index = _bundle_index[bundle_path] = (dirs, has_basic)
    return index


def bundle_dirs(bundle_path):
    """Package directories inside a bundle (its zip, or the directory it was unpacked to), e.g. {"ansible", "ansible/module_utils"}."""
    return _index(bundle_path)[0]


_new_style = {}


def is_new_style(bundle_path, python_module):
    """Whether ansible would run this module through AnsiballZ (and the bundle has the basic it imports)."""
    key = (bundle_path, python_module)
    new = _new_style.get(key)
    if new is None:
        new = False
        if _index(bundle_path)[1]:
            source = _module_source(bundle_path, python_module)
            if source is not None:
                import re
                new = _REPLACER in source or re.search(_NEW_STYLE_RE, source) is not None
        _new_style[key] = new
    return new


def _module_source(bundle_path, python_module):
    rel = python_module.replace(".", "/")
    for name in (rel + ".py", rel + "/__init__.py"):
        try:
            if os.path.isdir(bundle_path):
                with open(os.path.join(bundle_path, name), "rb") as f:
                    return f.read()
            import zipfile
            with zipfile.ZipFile(bundle_path) as zf:
                return zf.read(name)
        except (OSError, KeyError):
            continue
    return None


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


def _uncaught(exc_type, exc, tb):
    """What the interpreter does with an exception that reaches the top: sys.excepthook (which modules
    like file replace with one calling fail_json), a SystemExit from the hook ending the process."""
    try:
        sys.excepthook(exc_type, exc, tb)
        return 1
    except SystemExit as e:
        return _exit_code(e)
    except BaseException:
        sys.stderr.write("Error in sys.excepthook:\n")
        hook_type, hook_exc, hook_tb = sys.exc_info()
        traceback.print_exception(hook_type, hook_exc, hook_tb.tb_next, chain=False)  # from the hook's frame on
        sys.stderr.write("\nOriginal exception was:\n")
        traceback.print_exception(exc_type, exc, tb)
        return 1


def _stdin_from(payload, workdir):
    """An fd to read the payload from: a pipe already holding it, or a file when it is too big for one."""
    if len(payload) <= _PIPE_PAYLOAD_MAX:
        r, w = os.pipe()
        os.write(w, payload)
        os.close(w)
        return r
    path = os.path.join(workdir, "args.json")
    with open(path, "wb") as f:
        f.write(payload)
    return os.open(path, os.O_RDONLY)


def run_module_main(bundle_path, python_module, payload, new_style):
    """AnsiballZ's invoke_module: the arguments handed to basic, the module run as __main__, and a module
    that returns instead of exiting reported as AnsiballZ reports it."""
    sys.argv = [python_module]
    if new_style:
        from ansible.module_utils import basic
        basic._ANSIBLE_ARGS = payload
    runpy.run_module(python_module, init_globals=dict(_module_fqn=python_module, _modlib_path=bundle_path),
                     run_name="__main__", alter_sys=True)
    if new_style:
        sys.stdout.write(NO_EXIT + "\n")
        sys.exit(1)


def run_forked_child(bundle_path, python_module, payload, out_fd, err_fd, workdir):
    """Body of the forked child (the parent grafted the bundle before forking). Never returns."""
    code = 70
    try:
        os.setpgid(0, 0)
        _die_with_parent()
        # The module stays in the gate's directory (where the ssh login left it), as ansible's modules do;
        # AnsibleModule moves on to its tmpdir by itself when that directory cannot be read.
        in_fd = _stdin_from(payload, workdir)
        os.dup2(in_fd, 0)
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        _close_inherited_fds()
        sys.stdin = io.TextIOWrapper(io.open(0, "rb", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.open(1, "wb", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.open(2, "wb", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True)
        try:
            run_module_main(bundle_path, python_module, payload, is_new_style(bundle_path, python_module))
            code = 0
        except SystemExit as e:
            code = _exit_code(e)
        except BaseException:
            code = _uncaught(*sys.exc_info())
        atexit._run_exitfuncs()  # as the interpreter does at exit: modules register cleanups there
    except BaseException:
        code = 1
        try:
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)
