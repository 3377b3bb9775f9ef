"""Put and Get: files streamed in chunks, so neither side ever holds a whole file in memory.

A Put writes to ``<path>.ftl-part`` and renames it over ``<path>`` on the last chunk, so readers
never see half a file. Chunks must arrive in order (the server applies Puts in arrival order).
"""
import base64
import binascii
import os

from .cache import sha256_file
from .messages import MessageError

PART_SUFFIX = ".ftl-part"


class TransferError(MessageError):
    """A Put or Get that cannot be done; answered with ``Error {code, message}`` like every MessageError."""


def _decode_chunk(text):
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError) as e:
        raise TransferError("bad_message", "Put: chunk is not valid base64: %s" % e)


def _os_error(e):
    return TransferError("io_error", str(e))


def _make_parents(parent):
    """mkdir -p with mode 0700 for every directory it creates (os.makedirs applies mode to the leaf only)."""
    if not parent or os.path.isdir(parent):
        return
    _make_parents(os.path.dirname(parent))
    try:
        os.mkdir(parent, 0o700)
    except FileExistsError:
        pass


def put(data):
    """Apply one Put chunk; returns the PutResult data."""
    path = os.path.expanduser(data["path"])
    part = path + PART_SUFFIX
    chunk = _decode_chunk(data["chunk"])
    offset = data["offset"]
    try:
        if offset == 0:
            _make_parents(os.path.dirname(path))
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        else:
            try:
                fd = os.open(part, os.O_WRONLY)
            except OSError:
                raise TransferError("bad_offset", "Put: no upload of %s in progress; the first chunk must "
                                    "have offset 0, got %d" % (path, offset))
        try:
            size = os.fstat(fd).st_size
            if size != offset:
                raise TransferError("bad_offset", "Put: chunk offset %d for %s does not follow the %d bytes "
                                    "received so far" % (offset, path, size))
            os.lseek(fd, offset, os.SEEK_SET)
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
            if data["last"]:
                os.fsync(fd)
        finally:
            os.close(fd)
        reply = {"path": path, "written": len(chunk)}
        if data["last"]:
            _set_mode(part, path, data.get("mode"))
            reply["sha256"] = sha256_file(part)
            reply["size"] = os.stat(part).st_size
            os.rename(part, path)
        return reply
    except OSError as e:
        raise _os_error(e)


def _set_mode(part, path, mode):
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except OSError:
            mode = 0o666 & ~_umask()
    os.chmod(part, mode)


def _umask():
    # Reading the umask by setting it races with other threads creating files; Linux can report it.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def get(data, max_chunk):
    """Read one Get chunk; returns the GetResult data. ``length`` is clamped to ``max_chunk``."""
    path = os.path.expanduser(data["path"])
    offset = data["offset"]
    length = data["length"]
    if offset < 0 or length < 0:
        raise TransferError("bad_message", "Get: offset and length must not be negative")
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            f.seek(offset)
            chunk = f.read(min(length, max_chunk))
    except OSError as e:
        raise _os_error(e)
    return {
        "path": path,
        "offset": offset,
        "chunk": base64.b64encode(chunk).decode("ascii"),
        "eof": offset + len(chunk) >= size,
        "size": size,
    }
