"""Native gate modules: run inside the gate itself, without forking a module process.

Each lives in its own file (``mod_<name>.py``, imported on first use so the gate starts fast) and gives
what the real Ansible module gives, field for field (test/fixtures/native-parity proves it against the
real module and the controller's TypeScript version). A native module that meets something it does not
implement (an option, an alias, a value AnsibleModule would convert or reject, a relative path) raises
``Unsupported``: the gate then answers ``ModuleNotFound`` and the controller ships the real module, so a
native module never gives a different answer, only a faster one.
"""
# short name -> the file implementing it; shell is command with _uses_shell defaulting to true.
MODULES = {"ping": "mod_ping", "command": "mod_command", "shell": "mod_command", "stat": "mod_stat",
           "slurp": "mod_slurp", "file": "mod_file", "copy": "mod_copy", "lineinfile": "mod_lineinfile",
           "blockinfile": "mod_blockinfile"}
_PREFIXES = ("ansible.builtin.", "ansible.legacy.")


class Unsupported(Exception):
    """This call needs the real module (the reason is for debugging only)."""


class Context(object):
    """What a native module may use besides its arguments."""

    def __init__(self, check_mode=False, diff_mode=False, timeout=None, children=None):
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.timeout = timeout
        self.children = children


def short_name(name):
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def names():
    """Short names of the native modules, for the Hello reply."""
    return sorted(MODULES)


def lookup(name):
    """The native module's ``run(short_name, args, ctx)`` for a module name, or None when it must be shipped."""
    short = short_name(name)
    if short not in MODULES or ("." in name and not name.startswith(_PREFIXES)):
        return None
    module = __import__("ftl_gate." + MODULES[short], fromlist=["run"])
    run = module.run
    return lambda args, ctx=None: run(short, args, ctx or Context())


def run_native(func, args, ctx=None):
    """ModuleResult data for a native module; a crash looks like a crashed module (rc 1, traceback).

    Raises Unsupported when the real module must run instead.
    """
    try:
        out = func(args, ctx)
    except Unsupported:
        raise
    except Exception:
        import traceback
        return {"result": None, "rc": 1, "stdout": "", "stderr": traceback.format_exc()}
    if isinstance(out, dict):
        return out  # already ModuleResult data (a timed-out command)
    result, rc = out
    return {"result": result, "rc": rc}
