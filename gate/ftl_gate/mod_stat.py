"""stat, as ansible.modules.stat answers it: the same keys, the same `file` and `lsattr` runs."""
import errno
import grp
import hashlib
import os
import pwd
import stat

from . import mime, native_proc
from .lsattr import describe as lsattr_text
from .native_args import absolute, check_args

SPEC = {
    "path": ("path", None), "follow": ("bool", False), "get_md5": ("bool", False),
    "get_checksum": ("bool", True), "get_mime": ("bool", True), "get_attributes": ("bool", True),
    "checksum_algorithm": ("str", "sha1", ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")),
}
ALIASES = {"dest": "path", "name": "path", "mime": "get_mime", "mime_type": "get_mime", "mime-type": "get_mime",
           "attr": "get_attributes", "attributes": "get_attributes", "checksum": "checksum_algorithm",
           "checksum_algo": "checksum_algorithm"}
FILE_ATTRIBUTES = {
    "A": "noatime", "a": "append", "c": "compressed", "C": "nocow", "d": "nodump", "D": "dirsync", "e": "extents",
    "E": "encrypted", "h": "blocksize", "i": "immutable", "I": "indexed", "j": "journalled", "N": "inline",
    "s": "zero", "S": "synchronous", "t": "notail", "T": "blockroot", "u": "undelete", "X": "compressedraw",
    "Z": "compresseddirty",
}
_OTHER = (("st_blocks", "blocks"), ("st_blksize", "block_size"), ("st_rdev", "device_type"), ("st_flags", "flags"),
          ("st_gen", "generation"), ("st_birthtime", "birthtime"), ("st_ftype", "file_type"), ("st_attrs", "attrs"),
          ("st_obtype", "object_type"), ("st_rsize", "real_size"), ("st_creator", "creator"),
          ("st_type", "file_type"))


def format_output(path, st):
    mode = st.st_mode
    out = dict(
        exists=True, path=path, mode="%04o" % stat.S_IMODE(mode),
        isdir=stat.S_ISDIR(mode), ischr=stat.S_ISCHR(mode), isblk=stat.S_ISBLK(mode), isreg=stat.S_ISREG(mode),
        isfifo=stat.S_ISFIFO(mode), islnk=stat.S_ISLNK(mode), issock=stat.S_ISSOCK(mode),
        uid=st.st_uid, gid=st.st_gid, size=st.st_size, inode=st.st_ino, dev=st.st_dev, nlink=st.st_nlink,
        atime=st.st_atime, mtime=st.st_mtime, ctime=st.st_ctime,
        wusr=bool(mode & stat.S_IWUSR), rusr=bool(mode & stat.S_IRUSR), xusr=bool(mode & stat.S_IXUSR),
        wgrp=bool(mode & stat.S_IWGRP), rgrp=bool(mode & stat.S_IRGRP), xgrp=bool(mode & stat.S_IXGRP),
        woth=bool(mode & stat.S_IWOTH), roth=bool(mode & stat.S_IROTH), xoth=bool(mode & stat.S_IXOTH),
        isuid=bool(mode & stat.S_ISUID), isgid=bool(mode & stat.S_ISGID),
    )
    for attr, key in _OTHER:
        if hasattr(st, attr):
            out[key] = getattr(st, attr)
    return out


def _digest(b_path, algorithm):
    digest = hashlib.new(algorithm)
    with open(os.path.realpath(b_path), "rb") as f:
        for block in iter(lambda: f.read(64 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def run(short, args, ctx):
    params, _ = check_args(args, SPEC, required=("path",), aliases=ALIASES)
    path = absolute(params["path"])
    invocation = {"module_args": params}
    b_path = path.encode("utf-8", "surrogateescape")
    try:
        st = os.stat(b_path) if params["follow"] else os.lstat(b_path)
    except OSError as e:
        if e.errno == errno.ENOENT:
            return {"changed": False, "stat": {"exists": False}, "invocation": invocation}, 0
        return {"msg": e.strerror, "failed": True, "invocation": invocation}, 1
    out = format_output(path, st)
    for key, bit in (("readable", os.R_OK), ("writeable", os.W_OK), ("executable", os.X_OK)):
        out[key] = os.access(b_path, bit)
    if out["islnk"]:
        out["lnk_source"] = os.path.realpath(b_path).decode("utf-8", "surrogateescape")
        out["lnk_target"] = os.readlink(b_path).decode("utf-8", "surrogateescape")
    try:
        out["pw_name"] = pwd.getpwuid(st.st_uid).pw_name
    except (TypeError, KeyError):
        pass
    try:
        out["gr_name"] = grp.getgrgid(st.st_gid).gr_name
    except (KeyError, ValueError, OverflowError):
        pass
    if out["isreg"] and out["readable"]:
        if params["get_md5"]:
            out["md5"] = _digest(b_path, "md5")
        if params["get_checksum"]:
            out["checksum"] = _digest(b_path, params["checksum_algorithm"])
    if params["get_mime"]:
        out["mimetype"] = out["charset"] = "unknown"
        mimecmd = native_proc.get_bin_path("file")
        text = mimecmd and mime.PROBE.describe(mimecmd, path, ctx)
        try:
            mimetype, charset = text.rsplit(":", 1)[1].split(";")
            out["mimetype"] = mimetype.strip()
            out["charset"] = charset.split("=")[1].strip()
        except Exception:
            pass
    if params["get_attributes"]:
        out.update(version=None, attributes=[], attr_flags="")
        lsattr = native_proc.get_bin_path("lsattr")
        text = lsattr and lsattr_text(lsattr, path, ctx)
        try:
            res = text.split()
            out["version"] = res[0].strip()
            flags = res[1].replace("-", "").strip()
            out["attr_flags"] = flags
            out["attributes"] = [FILE_ATTRIBUTES[c] for c in flags if c in FILE_ATTRIBUTES]
        except Exception:
            pass
    return {"changed": False, "stat": out, "invocation": invocation}, 0
