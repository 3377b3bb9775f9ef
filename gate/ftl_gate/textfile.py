"""What lineinfile and blockinfile share: AnsibleModule's file-common arguments (mode, owner and group through
file_attrs; the others declined), reading, backup_local, atomic_move's effect on the target, and the diff dicts
they return.

The real modules write a temp file in the module's tmpdir and atomic_move it over the (real) target: an
existing target keeps its mode and owner, a new one gets 0666 & ~umask and the effective uid/gid. Here the
temp file is made next to the target (atomic_move's own fallback), so one rename does it. Anything that
would send the real module down another road (a temp file that cannot be made there, a failed rename or
backup, lsattr flags a backup would need chattr for) is declined before or instead of a change.
"""
import errno
import os

from .native import Unsupported
from .native_args import absolute, check_args

# AnsibleModule's add_file_common_args but mode (raw, so a YAML number too: popped and checked by take_mode).
FILE_COMMON = {"owner": ("str", None), "group": ("str", None), "seuser": ("str", None),
               "serole": ("str", None), "selevel": ("str", None), "setype": ("str", None),
               "attributes": ("str", None), "unsafe_writes": ("bool", False)}
FILE_COMMON_ALIASES = {"attr": "attributes"}
_DECLINED = ("seuser", "serole", "selevel", "setype", "attributes")
_SELINUX_FS = ("/sys/fs/selinux/enforce", "/selinux/enforce")
_ATTRS_CHANGED = "ownership, perms or SE linux context changed"


def take_mode(args):
    """A copy of args without ``mode``, and the mode (declined when file_mode cannot reproduce its conversion)."""
    args = dict(args)
    mode = args.pop("mode", None)
    if mode is not None:
        from .file_mode import check_mode_arg  # only when given: the usual call needs none of file_attrs
        mode = check_mode_arg(mode)
    return args, mode


def check_common(params, mutually_exclusive, args, aliases):
    """Declines what the native modules leave to the real one: chattr attributes, unsafe writes, SELinux,
    and options AnsibleModule would refuse as mutually exclusive (it counts keys given, even null ones)."""
    for key in _DECLINED:
        if params[key] is not None:
            raise Unsupported("file attribute " + key)
    if params["unsafe_writes"] or "ANSIBLE_UNSAFE_WRITES" in os.environ:
        raise Unsupported("unsafe_writes")
    given = set(aliases.get(key, key) for key in args)
    for group in mutually_exclusive:
        if len(given.intersection(group)) > 1:
            raise Unsupported("mutually exclusive " + "|".join(group))
    # AnsibleModule asks libselinux (selinuxfs mounted): contexts would then be copied and set.
    for path in _SELINUX_FS:
        if os.path.exists(path):
            raise Unsupported("selinux")


def begin(args, spec, exclusive, aliases):
    """What lineinfile and blockinfile check first: arguments as AnsibleModule takes them (mode apart), the
    file-common ones they decline, validate (declined), the absolute path. Returns (params, path, out)."""
    args, mode = take_mode(args)
    params, _ = check_args(args, spec, required=("path",), aliases=aliases)
    params["mode"] = mode
    check_common(params, exclusive, args, aliases)
    if params["validate"] is not None:
        raise Unsupported("validate")
    return params, absolute(params["path"]), {"invocation": {"module_args": params}}


def finish(out, params, path, diff, ctx):
    """What follows the write in both modules: their check_file_attrs (mode, owner and group set on
    params["path"], the link itself when it is one; the message grows by "ownership, perms or SE linux
    context changed"), then the [content, file attributes] diff list. out holds changed and msg."""
    attrs = {}
    if (params["mode"], params["owner"], params["group"]) != (None, None, None):
        from . import file_attrs  # only when given: the usual call needs none of pwd, grp or file_mode
        try:
            args = file_attrs.file_args(params, params["path"], False)
            if file_attrs.set_fs_attributes(args, False, attrs, ctx.check_mode):
                if out["changed"]:
                    out["msg"] += " and "
                out["changed"] = True
                out["msg"] += _ATTRS_CHANGED
        except file_attrs.ModuleFail as e:
            # fail_json: its own fields (add_path_info describes their path), what the module had gathered;
            # the file is already written.
            failed = file_attrs.add_path_info(dict(e.results, failed=True))
            for key in ("invocation", "warnings"):
                if key in out:
                    failed[key] = out[key]
            return failed, 1
    attrs.update(before_header="%s (file attributes)" % path, after_header="%s (file attributes)" % path)
    out["diff"] = [diff, attrs]
    return out, 0


def to_bytes(text):
    """to_bytes(text, errors='surrogate_or_strict'); a text that cannot be encoded is left to the real module."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise Unsupported("unencodable text")


def to_text(data):
    return data.decode("utf-8", "surrogateescape")


def content_diff(path):
    return {"before": "", "after": "", "before_header": "%s (content)" % path,
            "after_header": "%s (content)" % path}


def read_file(b_path, lines=False):
    """An existing regular file's bytes (or lines, as readlines splits them); anything the real module
    would crash or hang on is declined."""
    import stat
    try:
        # Checked before opening: opening a fifo would wait for a writer.
        if not stat.S_ISREG(os.stat(b_path).st_mode):
            raise Unsupported("not a regular file")
        with open(b_path, "rb") as f:
            return f.readlines() if lines else f.read()
    except (IOError, OSError):
        raise Unsupported("unreadable")


def replace(path, b_real, data, backup, ctx):
    """Writes data over the real target as atomic_move leaves it; returns the backup's name or ""."""
    b_dir, b_name = os.path.split(b_real)
    tmp_path, fd = _make_temp(b_dir or b".", b_name)
    backup_dest = ""
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            st = os.stat(b_real)
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise Unsupported("target: " + str(e))
            st = None
        if backup and os.path.exists(path):
            backup_dest = _backup_local(path, ctx)
        if st is not None and getattr(st, "st_flags", 0):
            raise Unsupported("file flags")  # atomic_move copies BSD flags with chflags
        if st is not None:
            os.chmod(tmp_path, st.st_mode & 0o7777)
            _chown(tmp_path, st.st_uid, st.st_gid, errno.EPERM)
        else:
            os.chmod(tmp_path, 0o666 & ~_umask())
            _chown(tmp_path, os.geteuid(), os.getegid(), None)
        os.rename(tmp_path, b_real)
    except Exception as e:
        # Nothing is left changed, so the real module can take over from the start.
        _unlink(tmp_path)
        if backup_dest:
            _unlink(backup_dest)
        raise e if isinstance(e, Unsupported) else Unsupported("write failed: %s" % e)
    return backup_dest


def _make_temp(b_dir, b_name):
    while True:
        tmp_path = os.path.join(b_dir, b".ansible_tmp" + os.urandom(6).hex().encode("ascii") + b_name)
        try:
            return tmp_path, os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError:
            raise Unsupported("no temp file next to the target")


def _chown(b_path, uid, gid, ignored):
    try:
        os.chown(b_path, uid, gid)
    except OSError as e:
        if ignored is not None and e.errno != ignored:
            raise


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _umask():
    """The process umask, read where the kernel shows it (setting it to read it races the gate's threads)."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (IOError, OSError, ValueError):
        pass
    raise Unsupported("umask unknown")


def _backup_local(path, ctx):
    """module.backup_local: NAME.PID.YYYY-MM-DD@HH:MM:SS~ as a preserved copy (mode, times, owner, lsattr flags)."""
    import shutil
    import time
    dest = "%s.%s.%s" % (path, os.getpid(), time.strftime("%Y-%m-%d@%H:%M:%S~", time.localtime(time.time())))
    try:
        shutil.copy2(path, dest)
        src_st, dest_st = os.stat(path), os.stat(dest)
        if (src_st.st_uid, src_st.st_gid) != (dest_st.st_uid, dest_st.st_gid):
            _chown(dest, src_st.st_uid, src_st.st_gid, errno.EPERM)
        if _attr_flags(path, ctx) != _attr_flags(dest, ctx):
            raise Unsupported("backup needs chattr")
    except (shutil.Error, IOError, OSError):
        _unlink(dest)
        raise Unsupported("backup failed")
    except Unsupported:
        _unlink(dest)
        raise
    return dest


def _attr_flags(path, ctx):
    """get_file_attributes(path)['attr_flags'] or '' (what preserved_copy compares before running chattr)."""
    from . import native_proc
    from .lsattr import describe
    program = native_proc.get_bin_path("lsattr")
    if not program:
        return ""
    text = describe(program, path, ctx)
    try:
        return text.split()[1].replace("-", "").strip()
    except (AttributeError, IndexError):
        return ""
