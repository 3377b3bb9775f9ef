"""Module bundles cached on the host as ``<dir>/<sha256>.zip``, verified and written atomically.

A bundle is trusted only when its content hashes to its name: a file left half-written or altered
on disk is treated as missing, so the controller simply resends it. A verified bundle is also unpacked
once, byte-compiled, into ``<dir>/<sha256>/`` (renamed into place whole), because Python compiles every
module imported from a zip again at each import: modules run from the directory start from bytecode.
"""
import hashlib
import os
import tempfile
import threading

from .messages import MessageError

DEFAULT_DIR = os.path.join("~", ".ftl", "bundles")
_HASH_CHARS = frozenset("0123456789abcdef")


class BundleError(MessageError):
    """A bundle that cannot be stored or used; answered with ``Error {code, message}`` like every MessageError."""


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def check_hash_text(bundle_hash):
    if len(bundle_hash) != 64 or not set(bundle_hash) <= _HASH_CHARS:
        raise BundleError("bad_bundle", "bundle_hash must be 64 lowercase hex digits (sha256), got %r"
                          % bundle_hash)


class BundleCache(object):
    def __init__(self, directory=None):
        self.directory = os.path.expanduser(directory or DEFAULT_DIR)
        self._verified = set()
        self._lock = threading.Lock()

    def path_for(self, bundle_hash):
        return os.path.join(self.directory, bundle_hash + ".zip")

    def lookup(self, bundle_hash):
        """Path of the cached bundle, or None when absent or its content does not match its hash."""
        check_hash_text(bundle_hash)
        path = self.path_for(bundle_hash)
        with self._lock:
            if bundle_hash in self._verified and os.path.isfile(path):
                return path
        if not os.path.isfile(path):
            return None
        if sha256_file(path) != bundle_hash:
            _remove_quietly(path)
            return None
        with self._lock:
            self._verified.add(bundle_hash)
        return path

    def store(self, raw, bundle_hash=None):
        """Save bundle bytes; returns ``(hash, path)``. Raises BundleError when the hash differs."""
        actual = hashlib.sha256(raw).hexdigest()
        if bundle_hash is not None:
            check_hash_text(bundle_hash)
            if actual != bundle_hash:
                raise BundleError("bundle_hash_mismatch", "bundle content hashes to %s, not the bundle_hash %s"
                                  % (actual, bundle_hash))
        path = self.path_for(actual)
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, 0o700, exist_ok=True)  # concurrent first stores race here
        fd, tmp = tempfile.mkstemp(prefix=".%s." % actual[:12], suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(raw)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.rename(tmp, path)
        except BaseException:
            _remove_quietly(tmp)
            raise
        with self._lock:
            self._verified.add(actual)
        return actual, path


def unpack(zip_path):
    """The directory a verified bundle is unpacked to (made on first use), or the zip itself on failure."""
    target = zip_path[:-len(".zip")]
    if os.path.isdir(target):
        return target
    tmp = tempfile.mkdtemp(prefix=".%s." % os.path.basename(target)[:12], dir=os.path.dirname(zip_path))
    try:
        import py_compile
        import zipfile
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(tmp)
            names = zf.namelist()
        for name in names:
            if name.endswith(".py"):
                try:
                    py_compile.compile(os.path.join(tmp, name), doraise=True)
                except Exception:  # noqa: BLE001 - a file this Python cannot compile is compiled (and fails) on import
                    pass
        os.chmod(tmp, 0o700)
        os.rename(tmp, target)
    except Exception:  # noqa: BLE001 - unpacked by another gate meanwhile, or no room: the zip still works
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    return target if os.path.isdir(target) else zip_path


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
