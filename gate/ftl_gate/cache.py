"""Module bundles cached on the host as ``<dir>/<sha256>.zip``, verified and written atomically.

A bundle is trusted only when its content hashes to its name: a file left half-written or altered
on disk is treated as missing, so the controller simply resends it.
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
            os.makedirs(self.directory, 0o700)
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


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
