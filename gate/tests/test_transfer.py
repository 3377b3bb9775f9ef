"""Put and Get without base64, hashlib or cache: the same answers as those give, and a first Put that
imports none of them (it is on the path of every first copy)."""
import base64
import binascii
import hashlib
import itertools
import os
import shutil
import subprocess
import tempfile
import unittest

from ftl_gate import transfer
from tests.gate_process import GATE_DIR, SYSTEM_PYTHON

# What the first Put used to import: ~11 ms of CPU on a fresh gate.
_HEAVY = ("base64", "re", "tempfile", "shutil", "hashlib", "ftl_gate.cache", "threading")
_FIRST_PUT = """
import binascii, os, sys
from ftl_gate import server
before = set(sys.modules)
from ftl_gate import transfer
reply = transfer.put({"path": os.path.join(sys.argv[1], "t", "source"), "mode": 0o600, "offset": 0, "last": True,
                      "chunk": binascii.b2a_base64(b"content\\n", newline=False).decode("ascii")})
sys.stdout.write(" ".join([reply["sha256"]] + sorted(set(sys.modules) - before)))
"""


def _reference(text):
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return "error"


def _decoded(text):
    try:
        return transfer._decode_chunk(text)
    except transfer.TransferError as e:
        assert e.code == "bad_message", e.code
        return "error"


class TransferCase(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root, True)

    def test_chunks_decode_as_b64decode_validate_does(self):
        texts = ["", "aGk=", "aGk", "aGk==", "a\nGk=", "aGk-", "aGk_", "\u00e9", "=aGk", "aG=k", "aGk=aGk="]
        texts += ["".join(p) for n in range(1, 6) for p in itertools.product("AQ=/ ", repeat=n)]
        for text in texts:
            self.assertEqual(_decoded(text), _reference(text), repr(text))

    def test_bad_base64_is_a_bad_message_and_writes_nothing(self):
        path = os.path.join(self.root, "f")
        with self.assertRaises(transfer.TransferError) as cm:
            transfer.put({"path": path, "chunk": "aGk*", "offset": 0, "last": True, "mode": None})
        self.assertEqual(cm.exception.code, "bad_message")
        self.assertIn("Put: chunk is not valid base64", str(cm.exception))
        self.assertEqual(os.listdir(self.root), [])

    def test_sha256_of_small_and_large_files(self):
        for size in (5, transfer._SMALL_FILE + 1):
            data = os.urandom(size)
            path = os.path.join(self.root, "f%d" % size)
            reply = transfer.put({"path": path, "chunk": base64.b64encode(data).decode("ascii"), "offset": 0,
                                  "last": True, "mode": 0o600})
            self.assertEqual((reply["sha256"], reply["size"]), (hashlib.sha256(data).hexdigest(), size))

    def test_get_encodes_as_b64encode(self):
        data = os.urandom(1000)
        path = os.path.join(self.root, "g")
        with open(path, "wb") as f:
            f.write(data)
        reply = transfer.get({"path": path, "offset": 10, "length": 500}, 1 << 20)
        self.assertEqual(reply["chunk"], base64.b64encode(data[10:510]).decode("ascii"))

    def test_first_put_in_a_fresh_interpreter_imports_nothing_heavy(self):
        out = subprocess.run([SYSTEM_PYTHON, "-S", "-c", _FIRST_PUT, self.root], cwd=GATE_DIR, check=True,
                             stdout=subprocess.PIPE).stdout.decode().split()
        # The interpreter's own sha256 (hashlib not loaded) gives hashlib's digest.
        self.assertEqual(out[0], hashlib.sha256(b"content\n").hexdigest())
        self.assertIn("ftl_gate.transfer", out)
        self.assertEqual([m for m in _HEAVY if m in out], [])
        with open(os.path.join(self.root, "t", "source"), "rb") as f:
            self.assertEqual(f.read(), b"content\n")


if __name__ == "__main__":
    unittest.main()
