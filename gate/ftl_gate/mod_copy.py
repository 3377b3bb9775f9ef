"""copy, the module side (ansible.modules.copy) for one file: what the controller's copy action runs after
uploading the file to a private temp path. Checksums, ``dest`` as a directory (``_original_basename``), a
trailing ``/`` creating parents (``directory_mode``), ``follow``, ``force``, ``backup``, mode/owner/group,
check mode, and AnsibleModule.atomic_move's rename (with its fallback across filesystems).

Declined (the real module runs): ``content``, ``validate``, ``remote_src``, a source that is not a regular
file or carries a POSIX ACL (the module would run setfacl on the copy), relative paths, ``attributes``,
SELinux hosts.
"""
import errno
import os
import stat

from .file_attrs import (COMMON_ALIASES, COMMON_SPEC, ModuleFail, add_path_info, b, file_args,
                         set_fs_attributes, take_common, text)
from .file_mode import check_mode_arg, current_umask
from .native import Unsupported
from .native_args import absolute, check_args

SPEC = dict(COMMON_SPEC, **{
    "src": ("path", None), "_original_basename": ("str", None), "content": ("str", None),
    "dest": ("path", None), "backup": ("bool", False), "force": ("bool", True), "validate": ("str", None),
    "remote_src": ("bool", None), "local_follow": ("bool", None), "checksum": ("str", None),
    "follow": ("bool", False),
})


class _Exit(Exception):
    """exit_json before the end (dest already there without force; parents to create in check mode)."""

    def __init__(self, result):
        Exception.__init__(self)
        self.result = result


def _hasher(name):
    """sha1/md5 from the interpreter's own modules: importing hashlib's OpenSSL costs 2-6 ms per gate."""
    try:
        if name == "sha1":
            from _sha1 import sha1 as make
        else:
            from _md5 import md5 as make
    except ImportError:
        import hashlib
        make = getattr(hashlib, name)
    return make()


def _check_fips():
    """On a FIPS host md5 may be refused (the module then reports md5sum null): the real module decides."""
    try:
        with open("/proc/sys/crypto/fips_enabled", "rb") as f:
            fips = f.read().strip() == b"1"
    except OSError:
        fips = False
    if fips:
        raise Unsupported("FIPS mode")


def _digest(b_path, name):
    h = _hasher(name)
    with open(os.path.realpath(b_path), "rb") as f:
        for block in iter(lambda: f.read(64 * 1024), b""):
            h.update(block)
    return h.hexdigest()


def _flags(path, ctx):
    """get_file_attributes(path)['attr_flags'] or '' (lsattr missing or failing)."""
    from . import lsattr, native_proc
    program = native_proc.get_bin_path("lsattr")
    out = program and lsattr.describe(program, text(path), ctx)
    try:
        return out.split()[1].replace("-", "").strip()
    except Exception:
        return ""


def _backup(dest, ctx):
    """backup_local: a copy next to dest named dest.PID.YYYY-MM-DD@HH:MM:SS~ with its owner and flags."""
    import shutil
    import time
    if not os.path.exists(b(dest)):
        return ""
    backup = "%s.%s.%s" % (dest, os.getpid(), time.strftime("%Y-%m-%d@%H:%M:%S~", time.localtime(time.time())))
    try:
        shutil.copy2(dest, backup)
        try:
            st, copied = os.stat(dest), os.stat(backup)
            if (copied.st_uid, copied.st_gid) != (st.st_uid, st.st_gid):
                os.chown(backup, st.st_uid, st.st_gid)
        except OSError as e:
            if e.errno != errno.EPERM:
                raise
    except (shutil.Error, IOError) as e:
        raise ModuleFail({"msg": "Could not make backup of %s to %s: %s" % (dest, backup, e)})
    flags = _flags(dest, ctx)
    if _flags(backup, ctx) != flags:
        from . import native_proc
        chattr = native_proc.get_bin_path("chattr")
        if chattr:
            rc, out, err, _ = native_proc.run([chattr, "=" + flags, b(backup)], ctx)
            if rc != 0 or err:
                raise ModuleFail({"path": backup, "msg": "chattr failed", "details": "Error while setting attributes: "
                                  + (out + err).decode("utf-8", "surrogateescape")})
    return backup


def _atomic_move(b_src, dest):
    """AnsibleModule.atomic_move without SELinux: dest's mode and owner onto src, then rename."""
    b_dest = b(dest)
    dest_stat = None
    if os.path.exists(b_dest):
        try:
            dest_stat = os.stat(b_dest)
            os.chmod(b_src, dest_stat.st_mode & 0o7777)
            os.chown(b_src, dest_stat.st_uid, dest_stat.st_gid)
        except OSError as e:
            if e.errno != errno.EPERM:
                raise
    creating = not os.path.exists(b_dest)
    try:
        os.rename(b_src, b_dest)
    except (IOError, OSError) as e:
        if e.errno not in (errno.EPERM, errno.EXDEV, errno.EACCES, errno.ETXTBSY, errno.EBUSY):
            import traceback  # ~25 ms to import: only on the way out
            raise ModuleFail({"msg": "Could not replace file: %s to %s: %s" % (b_src, dest, e),
                              "exception": traceback.format_exc()})
        _move_across(b_src, b_dest, dest, dest_stat)
    if creating:
        os.chmod(b_dest, 0o666 & ~current_umask())
        try:
            os.chown(b_dest, os.geteuid(), os.getegid())
        except OSError:
            pass


def _move_across(b_src, b_dest, dest, dest_stat):
    """atomic_move's fallback: move into a temp file beside dest, then rename that."""
    import shutil
    import tempfile
    import traceback
    try:
        fd, b_tmp = tempfile.mkstemp(prefix=b".ansible_tmp", dir=os.path.dirname(b_dest),
                                     suffix=os.path.basename(b_dest))
    except (OSError, IOError) as e:
        raise ModuleFail({"msg": "The destination directory (%s) is not writable by the current user. Error was: %s"
                                 % (os.path.dirname(dest), e), "exception": traceback.format_exc()})
    try:
        os.close(fd)
        try:
            shutil.move(b_src, b_tmp)
        except OSError:
            shutil.copy2(b_src, b_tmp)
        try:
            tmp_stat = os.stat(b_tmp)
            if dest_stat and (tmp_stat.st_uid, tmp_stat.st_gid) != (dest_stat.st_uid, dest_stat.st_gid):
                os.chown(b_tmp, dest_stat.st_uid, dest_stat.st_gid)
        except OSError as e:
            if e.errno != errno.EPERM:
                raise
        try:
            os.rename(b_tmp, b_dest)
        except (shutil.Error, OSError, IOError) as e:
            raise ModuleFail({"msg": "Unable to make %s into to %s, failed final rename from %s: %s"
                                     % (b_src, dest, b_tmp, e), "exception": traceback.format_exc()})
    except (shutil.Error, OSError, IOError) as e:
        raise ModuleFail({"msg": "Failed to replace file: %s to %s: %s" % (b_src, dest, e),
                          "exception": traceback.format_exc()})
    finally:
        if os.path.exists(b_tmp):
            os.unlink(b_tmp)


def _new_dirs(dirname):
    """split_pre_existing_dir: the deepest existing parent and the directories below it to create."""
    head, tail = os.path.split(dirname)
    if head == "":
        return ".", [tail]
    if os.path.exists(b(head)):
        return head, [tail]
    top, new = _new_dirs(head)
    return top, new + [tail]


def _make_parents(p, dest, src, check):
    """dest ending in '/': the file goes inside it, and missing directories are made as mkdir -p would."""
    if p["_original_basename"]:
        dest = os.path.join(dest, p["_original_basename"])
    dirname = os.path.dirname(dest)
    if os.path.exists(b(dirname)):
        return dest
    top, new = _new_dirs(dirname)
    if check:
        raise _Exit({"msg": "dest directory %s would be created" % dirname, "changed": True, "src": src})
    os.makedirs(b(dirname))
    args = file_args(p, p["dest"], p["follow"])
    args["mode"] = p["directory_mode"]
    for name in new:
        top = os.path.join(top, name)
        set_fs_attributes(dict(args, path=top), False, None, False)
    return dest


def _copy(p, ctx):
    src, dest, check = p["src"], p["dest"], ctx.check_mode
    b_src = b(src)
    if not os.path.exists(b_src):
        raise ModuleFail({"msg": "Source %s not found" % src})
    if not os.access(b_src, os.R_OK):
        raise ModuleFail({"msg": "Source %s not readable" % src})
    if not os.path.isfile(b_src):
        raise Unsupported("source is not a regular file")
    try:
        acl = "system.posix_acl_access" in os.listxattr(b_src)
    except Exception:
        acl = True
    if acl:
        raise Unsupported("source with an ACL (the module runs setfacl)")
    if p["mode"] == "preserve":
        p["mode"] = "0%03o" % stat.S_IMODE(os.stat(b_src).st_mode)
    checksum_src = _digest(b_src, "sha1")
    md5sum_src = _digest(b_src, "md5")
    if p["checksum"] and checksum_src != p["checksum"]:
        raise ModuleFail({"msg": "Copied file does not match the expected checksum. Transfer failed.",
                          "checksum": checksum_src, "expected_checksum": p["checksum"]})
    if dest.endswith(os.sep):
        dest = _make_parents(p, dest, src, check)
    if os.path.isdir(b(dest)):
        dest = os.path.join(dest, p["_original_basename"] or os.path.basename(src))
    checksum_dest = None
    dirname = os.path.dirname(dest)
    if os.path.exists(b(dest)):
        if os.path.islink(b(dest)) and p["follow"]:
            dest = text(os.path.realpath(b(dest)))
        if not p["force"]:
            raise _Exit({"msg": "file already exists", "src": src, "dest": dest, "changed": False})
        if os.access(b(dest), os.R_OK) and os.path.isfile(b(dest)):
            checksum_dest = _digest(b(dest), "sha1")
    elif not os.path.exists(b(dirname)):
        try:
            os.stat(b(dirname))
        except OSError as e:
            if "permission denied" in str(e).lower():
                raise ModuleFail({"msg": "Destination directory %s is not accessible" % dirname})
        raise ModuleFail({"msg": "Destination directory %s does not exist" % dirname})
    if not os.access(b(dirname), os.W_OK) and not p["unsafe_writes"]:
        raise ModuleFail({"msg": "Destination %s not writable" % dirname})
    backup_file = None
    changed = checksum_src != checksum_dest or os.path.islink(b(dest))
    if changed and not check:
        try:
            if p["backup"]:
                backup_file = _backup(dest, ctx)
            if os.path.islink(b(dest)):
                os.unlink(b(dest))
                open(b(dest), "w").close()
            _atomic_move(b_src, dest)
        except (IOError, OSError):
            import traceback
            raise ModuleFail({"msg": "failed to copy: %s to %s" % (src, dest), "traceback": traceback.format_exc()})
    result = {"dest": dest, "src": src, "md5sum": md5sum_src, "checksum": checksum_src, "changed": changed}
    if backup_file:
        result["backup_file"] = backup_file
    result["changed"] = set_fs_attributes(file_args(p, dest, p["follow"]), changed, None, check)
    return result


def run(short, args, ctx):
    args = dict(args)
    mode = take_common(args)
    directory_mode = check_mode_arg(args.pop("directory_mode", None))
    params, _ = check_args(args, SPEC, required=("dest",))
    params["mode"] = mode
    params["directory_mode"] = directory_mode
    for key in ("content", "validate"):
        if params[key] is not None:
            raise Unsupported(key)
    if params["remote_src"]:
        raise Unsupported("remote_src")
    if params["src"] is None:
        raise Unsupported("no src")
    absolute(params["src"])
    absolute(params["dest"])
    _check_fips()
    rc = 0
    try:
        result = _copy(params, ctx)
    except _Exit as e:
        result = e.result
    except ModuleFail as e:
        result = dict(e.results, failed=True)
        rc = 1
    add_path_info(result)
    result["invocation"] = {"module_args": params}
    return result, rc
