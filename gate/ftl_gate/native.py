"""Native gate modules: run inside the gate itself for the fastest round trip.

Only ``ping`` lives here; its results match ``ansible.modules.ping`` field for field (checked by
gate/tests/test_native.py against the real module). Everything else is shipped as a bundle.
"""
import traceback

NAMES = {"ping": "ping", "ansible.builtin.ping": "ping", "ansible.legacy.ping": "ping"}


def _to_str(value):
    # AnsibleModule converts non-string values of a str option with str() (Python's spelling).
    if value is None or isinstance(value, str):
        return value
    return str(value)


def ping(args):
    params = dict((k, v) for k, v in args.items() if not k.startswith("_ansible_"))
    unknown = sorted(k for k in params if k != "data")
    invocation = dict(params)
    invocation.setdefault("data", "pong")
    if unknown:
        return {
            "failed": True,
            "msg": "Unsupported parameters for (ping) module: %s. Supported parameters include: data."
                   % ", ".join(unknown),
            "invocation": {"module_args": invocation},
        }, 1
    data = _to_str(invocation["data"])
    invocation["data"] = data
    if data == "crash":
        raise Exception("boom")
    return {"ping": data, "invocation": {"module_args": invocation}}, 0


MODULES = {"ping": ping}


def lookup(name):
    """The native module for a module name, or None when it must be shipped."""
    key = NAMES.get(name)
    return MODULES[key] if key else None


def run_native(func, args):
    """ModuleResult data for a native module; a crash looks like a crashed module (rc 1, traceback)."""
    try:
        result, rc = func(args)
    except Exception:
        return {"result": None, "rc": 1, "stdout": "", "stderr": traceback.format_exc()}
    return {"result": result, "rc": rc}
