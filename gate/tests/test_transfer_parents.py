"""Put creates missing parent directories (mode 0700) on the first chunk."""
import base64
import os
import stat
import tempfile
import unittest

from ftl_gate import transfer


class PutParentsCase(unittest.TestCase):
    def test_first_chunk_creates_parents(self):
        root = tempfile.mkdtemp()
        path = os.path.join(root, "a", "b", "file")
        transfer.put({"path": path, "chunk": base64.b64encode(b"hi").decode(), "offset": 0, "last": True, "mode": None})
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"hi")
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(root, "a")).st_mode), 0o700)


if __name__ == "__main__":
    unittest.main()
