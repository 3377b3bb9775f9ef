"""The ``mode`` file argument as AnsibleModule.set_mode_if_different reads it: octal text or a number, or
chmod's symbolic form applied to the path's current mode.

Values AnsibleModule would turn into a mode we do not reproduce (a bool, a float, a number outside
0..07777, text whose octal value is outside it) are declined up front, before anything changes.
"""
import os
import stat

from .native import Unsupported

_OPERATORS = "+=-"
_USERS = "ugo"
_PERMS = "rwxXstugo"
# For ``=``: the bits of one class that are cleared before its new bits are set.
_umask = None
_CLASS_BITS = {"u": stat.S_IRWXU | stat.S_ISUID, "g": stat.S_IRWXG | stat.S_ISGID, "o": stat.S_IRWXO | stat.S_ISVTX}


def check_mode_arg(mode):
    """Declines a ``mode`` argument whose conversion is not reproduced here; returns it unchanged."""
    if mode is None:
        return mode
    if isinstance(mode, bool) or not isinstance(mode, (int, str)):
        raise Unsupported("mode type")
    if isinstance(mode, int):
        if not 0 <= mode <= 0o7777:
            raise Unsupported("mode range")
        return mode
    try:
        value = int(mode, 8)
    except ValueError:
        # Symbolic: applied to the file's mode later, as AnsibleModule does. Its errors depend on the text
        # alone, so a text that fails other than with the ValueError reproduced here is declined now,
        # before anything on disk changes.
        try:
            symbolic_to_octal(0o100644, mode)
        except ValueError:
            pass
        except Exception:
            raise Unsupported("symbolic mode")
        return mode
    if not 0 <= value <= 0o7777:
        raise Unsupported("mode range")
    return mode


def current_umask():
    """The process umask, read without setting it (os.umask would race the gate's other threads)."""
    global _umask
    if _umask is None:
        try:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("Umask:"):
                        _umask = int(line.split()[1], 8)
        except (OSError, ValueError):
            pass
        if _umask is None:
            _umask = os.umask(0o22)
            os.umask(_umask)
    return _umask


def _split(clause):
    """re.split / re.findall on ``[+=-]``: the parts between operators, and the operators."""
    parts, ops, cur = [], [], ""
    for ch in clause:
        if ch in _OPERATORS:
            parts.append(cur)
            ops.append(ch)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts, ops


def _bits_table(st_mode, user, use_umask):
    prev = stat.S_IMODE(st_mode)
    apply_x = stat.S_ISDIR(st_mode) or (prev & 0o111) > 0
    keep = (current_umask() ^ 0o7777) if use_umask else 0o7777
    shift = {"u": 6, "g": 3, "o": 0}[user]
    u, g, o = (prev >> 6) & 7, (prev >> 3) & 7, prev & 7
    return {
        "r": keep & (4 << shift), "w": keep & (2 << shift), "x": keep & (1 << shift),
        "X": (1 << shift) if apply_x else 0,
        "s": {"u": stat.S_ISUID, "g": stat.S_ISGID, "o": 0}[user],
        "t": stat.S_ISVTX if user == "o" else 0,
        "u": u << shift, "g": g << shift, "o": o << shift,
    }


def symbolic_to_octal(st_mode, symbolic):
    """AnsibleModule._symbolic_mode_to_octal: raises ValueError / KeyError where it does."""
    new_mode = stat.S_IMODE(st_mode)
    for clause in symbolic.split(","):
        perms_list, ops = _split(clause)
        users = perms_list.pop(0)
        use_umask = users == ""
        if users in ("a", ""):
            users = _USERS
        # AnsibleModule only looks at the first character here; a later bad one fails on lookup below.
        if users[0] not in _USERS:
            raise ValueError("bad symbolic permission for mode: %s" % clause)
        for idx, perms in enumerate(perms_list):
            if perms and perms[0] not in _PERMS:
                raise ValueError("bad symbolic permission for mode: %s" % clause)
            for user in users:
                table = _bits_table(st_mode, user, use_umask)
                bits = 0
                for perm in perms:
                    bits |= table[perm]
                op = ops[idx]
                if op == "=":
                    new_mode = (new_mode & (_CLASS_BITS[user] ^ 0o7777)) | bits
                elif op == "+":
                    new_mode |= bits
                else:
                    new_mode -= new_mode & bits
    return new_mode
