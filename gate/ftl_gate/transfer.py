"""Put and Get: files streamed in chunks, so neither side ever holds a whole file in memory.

A Put writes to ``<path>.ftl-part`` and renames it over ``<path>`` on the last chunk, so readers
never see half a file. Chunks must arrive in order (the server applies Puts in arrival order).

The first Put in a gate is on the path of every first ``copy``, so this file imports only what a gate
already holds: base64 would bring re (enum, functools, collections: ~7 ms on a fresh gate), cache would
bring tempfile (shutil, random, bz2, lzma: ~3 ms) and hashlib loads OpenSSL (~2 ms). binascii does the
base64 and the interpreter's own sha256 hashes a small file.
"""
import binascii
import os
import sys

from .messages import MessageError

PART_SUFFIX = ".ftl-part"
_STRICT = sys.version_info >= (3, 11)
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Above this the interpreter's own sha256 (~4x slower than OpenSSL's) costs more than importing hashlib.
_SMALL_FILE = 512 * 1024


class TransferError(MessageError):
    """A Put or Get that cannot be done; answered with ``Error {code, message}`` like every MessageError."""


def _decode_chunk(text):
    """base64.b64decode(validate=True), as this Python's base64 does it: strict binascii from 3.11 on,
    before that the alphabet and at most two ``=`` at the end (its regular expression), then binascii."""
    try:
        raw = text.encode("ascii")
        if _STRICT:
            return binascii.a2b_base64(raw, strict_mode=True)
        body = raw.rstrip(b"=")
        if len(raw) - len(body) > 2 or body.translate(None, _B64_ALPHABET):
            raise binascii.Error("Non-base64 digit found")
        return binascii.a2b_base64(raw)
    except (binascii.Error, ValueError, UnicodeEncodeError) as e:
        raise TransferError("bad_message", "Put: chunk is not valid base64: %s" % e)


def _sha256(size):
    """A sha256 object: OpenSSL's when hashlib is loaded already or the file is big, else the interpreter's."""
    hashlib = sys.modules.get("hashlib")
    if hashlib is None and size <= _SMALL_FILE:
        try:
            from _sha256 import sha256  # Python 3.8 to 3.11
            return sha256()
        except ImportError:
            try:
                from _sha2 import sha256  # Python 3.12 on
                return sha256()
            except ImportError:
                pass
    import hashlib
    return hashlib.sha256()


def _sha256_file(path, size):
    digest = _sha256(size)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


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
            size = os.stat(part).st_size
            reply["sha256"] = _sha256_file(part, size)
            reply["size"] = size
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
        "chunk": binascii.b2a_base64(chunk, newline=False).decode("ascii"),
        "eof": offset + len(chunk) >= size,
        "size": size,
    }
