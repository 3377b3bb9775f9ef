"""``lsattr -vd PATH`` as stat runs it, read with two ioctls where the answer is known to be lsattr's.

Starting lsattr costs ~1 ms of CPU per stat. For the e2fsprogs whose output was checked flag by flag
(1.47, test_lsattr.py), a regular file or directory whose flags are all among the checked ones gets
lsattr's line from FS_IOC_GETFLAGS and FS_IOC_GETVERSION, as lsattr reads them; anything else (another
lsattr version, a symlink or device, an ioctl error, an unchecked flag) still runs lsattr itself.
"""
import _thread
import os
import stat
import sys

from . import native_proc

_LONG = 8 if sys.maxsize > 2 ** 32 else 4
_FS_IOC_GETFLAGS = 0x80000000 | (_LONG << 16) | (ord("f") << 8) | 1  # _IOR('f', 1, long), as e2fsprogs asks
_FS_IOC_GETVERSION = 0x80000000 | (_LONG << 16) | (ord("v") << 8) | 1  # _IOR('v', 1, long)
# lsattr 1.47's flag letters in print order, with the bits checked against it; "" for a position whose
# bit was not checked (any bit outside CHECKED means lsattr runs).
_LETTERS = ((0x1, "s"), (0x2, "u"), (0x8, "S"), (0x10000, "D"), (0x10, "i"), (0x20, "a"), (0x40, "d"),
            (0x80, "A"), (0x4, "c"), (0, ""), (0, ""), (0x1000, "I"), (0x8000, "t"), (0x20000, "T"),
            (0x80000, "e"), (0, ""), (0x2000000, "x"), (0, ""), (0, ""), (0, ""), (0, ""), (0, ""))
CHECKED = sum(bit for bit, _ in _LETTERS)
KNOWN_VERSION = "lsattr 1.47."

_lock = _thread.allocate_lock()
_versions = {}  # lsattr path -> whether its output is the one modelled here


def describe(program, path, ctx):
    """stdout of ``program -vd path`` decoded, or None when it exits non-zero or times out."""
    b_path = native_proc.expand_args([path])[0].encode("utf-8", "surrogateescape")
    if _known(program, ctx):
        line = read_line(b_path)
        if line is not None:
            return line
    rc, out, _, timed_out = native_proc.run(native_proc.expand_args([program, "-vd", path]), ctx)
    return None if rc != 0 or timed_out else out.decode("utf-8", "surrogateescape")


def read_line(b_path):
    """lsattr -vd's line for a path, or None when lsattr must answer (see the module's docstring)."""
    import fcntl
    try:
        mode = os.lstat(b_path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            return None
        fd = os.open(b_path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        # The kernel writes an int at the address, which lsattr reads as unsigned.
        flags = int.from_bytes(fcntl.ioctl(fd, _FS_IOC_GETFLAGS, bytes(8))[:4], sys.byteorder)
        version = int.from_bytes(fcntl.ioctl(fd, _FS_IOC_GETVERSION, bytes(8))[:4], sys.byteorder)
    except OSError:
        return None
    finally:
        os.close(fd)
    return format_line(version, flags, b_path)


def format_line(version, flags, b_path):
    """lsattr -vd's output for these numbers, or None when a flag outside CHECKED is set."""
    if flags & ~CHECKED:
        return None
    letters = "".join(letter if bit and flags & bit else "-" for bit, letter in _LETTERS)
    return "%-10d %s %s\n" % (version, letters, b_path.decode("utf-8", "surrogateescape"))


def _known(program, ctx):
    with _lock:
        known = _versions.get(program)
        if known is None and not sys.platform.startswith("linux"):
            known = _versions[program] = False
        if known is None:
            try:
                rc, _, err, timed_out = native_proc.run([program, "-V", "-d", "/"], ctx)
            except OSError:
                rc, err, timed_out = 1, b"", False
            known = _versions[program] = not timed_out and err.decode("utf-8", "replace").startswith(KNOWN_VERSION)
        return known
