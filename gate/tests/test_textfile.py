"""The helpers behind native lineinfile and blockinfile (their results are checked against the real modules by
test/unit/gate/native-parity-text.test.ts)."""
import os
import random
import re
import shutil
import tempfile
import unittest

from ftl_gate import native, textfile
from ftl_gate.mod_lineinfile import _compile


class LiteralPatterns(unittest.TestCase):
    def test_the_fast_path_answers_as_re_search(self):
        rand = random.Random(3)
        lines = [bytes(rand.choice(b"ab^$.*=\n\r ") for _ in range(rand.randint(0, 6))) for _ in range(300)]
        for _ in range(2000):
            pattern = bytes(rand.choice(b"ab=^ .") for _ in range(rand.randint(0, 4)))
            search = _compile(pattern.decode())
            for line in lines:
                self.assertEqual(bool(search(line)), bool(re.search(pattern, line)), (pattern, line))

    def test_a_bad_pattern_is_declined(self):
        with self.assertRaises(native.Unsupported):
            _compile("(")


class Replace(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ftl-textfile-")
        self.addCleanup(shutil.rmtree, self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_umask_is_the_process_umask(self):
        umask = os.umask(0o027)
        try:
            self.assertEqual(textfile._umask(), 0o027)
        finally:
            os.umask(umask)

    def test_an_existing_file_keeps_its_mode_and_a_new_one_gets_the_default(self):
        with open(self.path("old"), "wb") as f:
            f.write(b"x\n")
        os.chmod(self.path("old"), 0o640)
        self.assertEqual(textfile.replace(self.path("old"), self.path("old").encode(), b"y\n", False, None), "")
        self.assertEqual(os.stat(self.path("old")).st_mode & 0o7777, 0o640)
        textfile.replace(self.path("new"), self.path("new").encode(), b"y\n", False, None)
        self.assertEqual(os.stat(self.path("new")).st_mode & 0o7777, 0o666 & ~textfile._umask())
        self.assertEqual(sorted(os.listdir(self.dir)), ["new", "old"])

    def test_a_failed_write_is_declined_and_leaves_nothing_behind(self):
        with open(self.path("f"), "wb") as f:
            f.write(b"x\n")
        os.mkdir(self.path("d"))
        with self.assertRaises(native.Unsupported):  # a directory cannot be renamed over
            textfile.replace(self.path("f"), self.path("d").encode(), b"y\n", True, None)
        with self.assertRaises(native.Unsupported):  # no directory for the temp file
            textfile.replace(self.path("f"), self.path("nowhere/f").encode(), b"y\n", True, None)
        self.assertEqual(sorted(os.listdir(self.dir)), ["d", "f"])

    def test_a_fifo_is_declined_without_opening_it(self):
        os.mkfifo(self.path("p"))
        with self.assertRaises(native.Unsupported):
            textfile.read_file(self.path("p").encode())


if __name__ == "__main__":
    unittest.main()
