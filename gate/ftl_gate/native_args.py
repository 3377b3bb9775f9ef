"""AnsibleModule's argument handling, for the arguments native modules take as they are.

Only values AnsibleModule would keep unchanged (or convert in one well-known way: booleans, path
expansion) are accepted; anything else (an alias, an unknown option, a value of another type, a choice
not listed, a missing required option, no_log) raises Unsupported so the real module answers it with its
own words.
"""
import os

from .native import Unsupported

_TRUE = frozenset(("y", "yes", "on", "1", "true", "t"))
_FALSE = frozenset(("n", "no", "off", "0", "false", "f"))
# Internal keys that change what a module does in ways the native modules do not implement.
_REFUSED = ("_ansible_no_log", "_ansible_debug", "_ansible_keep_remote_files")


def _bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.lower().strip()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise Unsupported("not a boolean")


def _convert(kind, value):
    if kind == "bool":
        return _bool(value)
    if kind in ("str", "path", "raw"):
        if not isinstance(value, str):
            raise Unsupported("not a string")
        return os.path.expanduser(os.path.expandvars(value)) if kind == "path" else value
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Unsupported("not a list of strings")
        return list(value)
    raise Unsupported("type " + kind)


def check_args(args, spec, required=(), aliases=None):
    """Module params as AnsibleModule.params would hold them.

    spec: {name: (type, default) or (type, default, choices)}; aliases: {alias: name} (AnsibleModule
    keeps the alias in params too). Returns ``(params, internal)``, internal holding the ``_ansible_*`` keys.
    """
    params = {}
    internal = {}
    aliases = aliases or {}
    for key, value in args.items():
        if key.startswith("_ansible_"):
            internal[key] = value
            continue
        name = aliases.get(key, key)
        if name not in spec or (name != key and name in args):
            raise Unsupported("option " + key)
        entry = spec[name]
        if value is None:
            if entry[1] is not None:
                raise Unsupported("null for " + key)
            params[key] = params[name] = None
            continue
        value = _convert(entry[0], value)
        if len(entry) > 2 and value not in entry[2]:
            raise Unsupported("choice for " + key)
        params[key] = params[name] = value
    for key in _REFUSED:
        if internal.get(key):
            raise Unsupported(key)
    for key, entry in spec.items():
        params.setdefault(key, entry[1])
    for key in required:
        if params.get(key) is None:
            raise Unsupported("missing " + key)
    return params, internal


def absolute(path):
    """A path the module would use relative to its working directory is left to the real module."""
    if path is not None and not os.path.isabs(path):
        raise Unsupported("relative path")
    return path
