"""The file arguments shared by file-handling modules (mode, owner, group), applied the way AnsibleModule's
set_*_if_different apply them: same order, same check-mode answers, same diff keys and failure texts.

Paths are handled as bytes, as AnsibleModule handles them, so an OSError prints the way it does there.
``attributes`` (chattr) is declined; the SELinux options are accepted only where SELinux is off, where
AnsibleModule ignores them too.
"""
import grp
import os
import pwd
import stat

from .file_mode import check_mode_arg, symbolic_to_octal
from .native import Unsupported

# FILE_COMMON_ARGUMENTS but mode (raw: checked by file_mode) and attributes (declined when set).
COMMON_SPEC = {
    "owner": ("str", None), "group": ("str", None), "seuser": ("str", None), "serole": ("str", None),
    "selevel": ("str", None), "setype": ("str", None), "attributes": ("str", None),
    "unsafe_writes": ("bool", False),
}
COMMON_ALIASES = {"attr": "attributes"}
_selinux = None


class ModuleFail(Exception):
    """fail_json: the result fields (msg first); add_path_info and invocation are added by the module."""

    def __init__(self, results):
        Exception.__init__(self)  # str() is "", as for the module's AnsibleModuleError(results=...)
        self.results = results


def b(path):
    return path if isinstance(path, bytes) else path.encode("utf-8", "surrogateescape")


def text(path):
    return path if isinstance(path, str) else path.decode("utf-8", "surrogateescape")


def take_common(args):
    """Pops and checks ``mode``; declines what the common arguments cannot reproduce. Returns mode."""
    if "ANSIBLE_UNSAFE_WRITES" in os.environ:
        raise Unsupported("unsafe_writes from the environment")
    if args.get("attributes") is not None or args.get("attr") is not None:
        raise Unsupported("attributes")
    if selinux_enabled():
        raise Unsupported("selinux")
    return check_mode_arg(args.pop("mode", None))


def selinux_enabled():
    """Whether libselinux would call SELinux enabled: decided conservatively by a mounted selinuxfs."""
    global _selinux
    if _selinux is None:
        found = os.path.exists("/sys/fs/selinux/enforce") or os.path.exists("/selinux/enforce")
        if not found:
            try:
                with open("/proc/mounts", "rb") as f:
                    found = b" selinuxfs " in f.read()
            except OSError:
                found = False
        _selinux = found
    return _selinux


def file_args(params, path, follow):
    """load_file_common_arguments: the path (its link target when following), mode, owner, group."""
    path = os.path.expanduser(os.path.expandvars(path))  # a second time, as AnsibleModule does
    b_path = b(path)
    if follow and os.path.islink(b_path):
        path = text(os.path.realpath(b_path))
    return {"path": path, "mode": params.get("mode"), "owner": params.get("owner"), "group": params.get("group")}


def _note(diff, key, before, after):
    if diff is not None:
        diff.setdefault("before", {})[key] = before
        diff.setdefault("after", {})[key] = after


def _absent_in_check(b_path, check):
    return check and not os.path.exists(b_path)


def _set_id(path, value, changed, diff, check, kind):
    """set_owner_if_different (kind "owner") and set_group_if_different ("group"): a name or an id, lchown'd."""
    if value is None:
        return changed
    b_path = b(path)
    if _absent_in_check(b_path, check):
        return True
    st = os.lstat(b_path)
    orig = st.st_uid if kind == "owner" else st.st_gid
    try:
        new = int(value)
    except ValueError:
        try:
            new = pwd.getpwnam(value).pw_uid if kind == "owner" else grp.getgrnam(value).gr_gid
        except KeyError:
            what = ("chown", "user") if kind == "owner" else ("chgrp", "group")
            raise ModuleFail({"path": text(b_path), "msg": "%s failed: failed to look up %s %s" % (what + (value,))})
    if orig == new:
        return changed
    _note(diff, kind, orig, new)
    if check:
        return True
    try:
        os.lchown(b_path, new, -1) if kind == "owner" else os.lchown(b_path, -1, new)
    except (IOError, OSError) as e:
        # AnsibleModule words the two failures differently: chown's message carries the error, chgrp's does not.
        raise ModuleFail({"path": text(b_path), "msg": "chown failed: %s" % e if kind == "owner" else "chgrp failed"})
    return True


def set_owner(path, owner, changed, diff, check):
    return _set_id(path, owner, changed, diff, check, "owner")


def set_group(path, group, changed, diff, check):
    return _set_id(path, group, changed, diff, check, "group")


def set_mode(path, mode, changed, diff, check):
    if mode is None:
        return changed
    b_path = b(path)
    if _absent_in_check(b_path, check):
        return True
    st = os.lstat(b_path)
    if not isinstance(mode, int):
        try:
            mode = int(mode, 8)
        except ValueError:
            try:
                mode = symbolic_to_octal(st.st_mode, mode)
            except ValueError as e:  # the only failure check_mode_arg lets through
                raise ModuleFail({"path": text(b_path), "msg": "mode must be in octal or symbolic form",
                                  "details": str(e)})
    prev = stat.S_IMODE(st.st_mode)
    if prev == mode:
        return changed
    _note(diff, "mode", "0%03o" % prev, "0%03o" % mode)
    if check:
        return True
    try:
        if not os.path.islink(b_path):
            os.chmod(b_path, mode)
        else:
            # No lchmod on Linux: chmod follows the link, so put the target's mode back if it moved.
            before = os.stat(b_path)
            os.chmod(b_path, mode)
            if os.stat(b_path).st_mode != before.st_mode:
                os.chmod(b_path, stat.S_IMODE(before.st_mode))
    except OSError as e:
        import errno
        if os.path.islink(b_path) and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            pass
        elif e.errno not in (errno.ENOENT, errno.ELOOP):
            raise
    if stat.S_IMODE(os.lstat(b_path).st_mode) != prev:
        changed = True
    return changed


def set_fs_attributes(args, changed, diff, check):
    """set_fs_attributes_if_different (no SELinux context, no attributes: both declined earlier)."""
    changed = set_owner(args["path"], args["owner"], changed, diff, check)
    changed = set_group(args["path"], args["group"], changed, diff, check)
    return set_mode(args["path"], args["mode"], changed, diff, check)


def add_path_info(result):
    """add_path_info: owner, group, mode, state and size of the result's path (or dest) when it exists."""
    path = result.get("path", result.get("dest"))
    if path is None:
        return result
    b_path = b(path)
    if not os.path.exists(b_path):
        return result
    st = os.lstat(b_path)
    result["uid"] = st.st_uid
    result["gid"] = st.st_gid
    try:
        result["owner"] = pwd.getpwuid(st.st_uid)[0]
    except KeyError:
        result["owner"] = str(st.st_uid)
    try:
        result["group"] = grp.getgrgid(st.st_gid)[0]
    except KeyError:
        result["group"] = str(st.st_gid)
    result["mode"] = "0%03o" % stat.S_IMODE(st.st_mode)
    result["state"] = path_state(b_path)
    result["size"] = st.st_size
    return result


def path_state(b_path):
    """get_state of the file module (and add_path_info's state): absent, link, directory, hard or file."""
    try:
        if not os.path.lexists(b_path):
            return "absent"
        if os.path.islink(b_path):
            return "link"
        if os.path.isdir(b_path):
            return "directory"
        return "hard" if os.stat(b_path).st_nlink > 1 else "file"
    except OSError as e:
        import errno
        if e.errno == errno.ENOENT:
            return "absent"
        raise


def initial_diff(path, state, prev):
    """initial_diff of the file module: path and state before and after, and what a removed tree held."""
    diff = {"before": {"path": path}, "after": {"path": path}}
    if prev != state:
        diff["before"]["state"] = prev
        diff["after"]["state"] = state
        if state == "absent" and prev == "directory":
            walked = {"directories": [], "files": []}
            for top, dirs, files in os.walk(b(path)):
                walked["directories"].extend(text(os.path.join(top, d)) for d in dirs)
                walked["files"].extend(text(os.path.join(top, f)) for f in files)
            diff["before"]["path_content"] = walked
    return diff
