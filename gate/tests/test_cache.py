"""The bundle cache trusts a file only when its content matches its name."""
import hashlib
import os
import shutil
import tempfile
import unittest

from ftl_gate.cache import BundleCache, BundleError


class Cache(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.cache = BundleCache(os.path.join(self.tmp, "b"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_store_then_lookup_and_no_temp_files_left(self):
        digest, path = self.cache.store(b"zipbytes", hashlib.sha256(b"zipbytes").hexdigest())
        self.assertEqual(BundleCache(self.cache.directory).lookup(digest), path)
        self.assertEqual(os.listdir(self.cache.directory), [digest + ".zip"])

    def test_a_corrupted_file_counts_as_missing_and_is_removed(self):
        digest, path = self.cache.store(b"zipbytes")
        with open(path, "wb") as f:
            f.write(b"tampered")
        self.assertIsNone(BundleCache(self.cache.directory).lookup(digest))
        self.assertFalse(os.path.exists(path))

    def test_hash_mismatch_and_bad_hash_text(self):
        with self.assertRaises(BundleError) as ctx:
            self.cache.store(b"zipbytes", "a" * 64)
        self.assertEqual(ctx.exception.code, "bundle_hash_mismatch")
        with self.assertRaises(BundleError) as ctx:
            self.cache.lookup("../etc/passwd")
        self.assertEqual(ctx.exception.code, "bad_bundle")


if __name__ == "__main__":
    unittest.main()
