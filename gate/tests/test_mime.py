"""The long-lived ``file`` answers exactly as ``file --mime-type --mime-encoding PATH`` run once per path."""
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from ftl_gate import mime, native, native_proc
from ftl_gate.procs import Children

FILE = native_proc.get_bin_path("file")


def one_shot(path):
    """What stat got before: the command's stdout when it exits 0, else None."""
    b_path = native_proc.expand_args([path])[0].encode("utf-8", "surrogateescape")
    proc = subprocess.run([FILE.encode(), b"--mime-type", b"--mime-encoding", b_path],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return proc.stdout.decode("utf-8", "surrogateescape") if proc.returncode == 0 else None


@unittest.skipIf(FILE is None, "no file command on this host")
class MimeProbe(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftl-gate-mime-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.children = Children()
        self.ctx = native.Context(timeout=10, children=self.children)
        self.probe = mime.MimeProbe()
        self.addCleanup(self.probe._stop)

    def make(self, name, content=b"hello\n"):
        path = os.path.join(self.tmp, name)
        with open(path.encode("utf-8", "surrogateescape"), "wb") as f:
            f.write(content)
        return path

    def test_the_same_answer_as_one_shot_file_for_every_kind_of_path(self):
        os.environ["FTL_MIME_TEST_DIR"] = self.tmp
        self.addCleanup(os.environ.pop, "FTL_MIME_TEST_DIR")
        paths = [self.make(name, content) for name, content in (
            ("plain.txt", b"hello\n"), ("empty", b""), ("latin1", "caf\xe9\n".encode("latin-1")),
            ("utf8 ü.txt", "grüße\n".encode()), ("a: b; c", b"x"), ("  spaced  ", b"x"), ("tab\there", b"x"),
            ("back\\slash", b"x"), ("non-utf8-\udcff", b"x"), ("ERROR here", b"x"), ("new\nline", b"x"),
            ("script.sh", b"#!/bin/sh\necho hi\n"), ("data.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20),
            ("doc.json", b'{"a": [1, 2]}\n'), ("bin", bytes(range(256)) * 4),
        )]
        os.symlink(paths[0], os.path.join(self.tmp, "link"))
        os.symlink("/nonexistent/target", os.path.join(self.tmp, "dangling"))
        os.mkdir(os.path.join(self.tmp, "dir"))
        os.mkfifo(os.path.join(self.tmp, "fifo"))
        sock = socket.socket(socket.AF_UNIX)
        self.addCleanup(sock.close)
        sock.bind(os.path.join(self.tmp, "sock"))
        unreadable = self.make("unreadable")
        os.chmod(unreadable, 0)
        paths += [os.path.join(self.tmp, n) for n in ("link", "dangling", "dir", "fifo", "sock", "missing")]
        paths += [unreadable, "$FTL_MIME_TEST_DIR/plain.txt", "/dev/null", "/bin/sh", "/etc/passwd", "/proc/self/status"]
        for name in sorted(os.listdir("/usr/bin"))[:60]:
            paths.append(os.path.join("/usr/bin", name))
        for path in paths:
            with self.subTest(path=path):
                self.assertEqual(self.probe.describe(FILE, path, self.ctx), one_shot(path))
        self.assertEqual(len(self.children), 1, "one file process answered them all")

    def test_a_killed_file_process_is_replaced(self):
        path = self.make("plain.txt")
        expected = one_shot(path)
        self.assertEqual(self.probe.describe(FILE, path, self.ctx), expected)
        pid = self.probe._proc[1]
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        self.assertEqual(self.probe.describe(FILE, path, self.ctx), expected)
        self.assertNotEqual(self.probe._proc[1], pid)

    def test_a_stuck_file_times_out_and_leaves_nothing_running(self):
        stuck = self.make("stuck-file", b"#!/bin/sh\nexec sleep 30\n")
        os.chmod(stuck, stat.S_IRWXU)
        ctx = native.Context(timeout=0.3, children=self.children)
        started = time.monotonic()
        self.assertIsNone(self.probe.describe(stuck, "/etc/passwd", ctx))
        self.assertLess(time.monotonic() - started, 5)
        self.assertIsNone(self.probe._proc)
        self.assertEqual(len(self.children), 0)

    def test_a_file_that_fails_gives_none(self):
        failing = self.make("failing-file", b"#!/bin/sh\nexit 1\n")
        os.chmod(failing, stat.S_IRWXU)
        self.assertIsNone(self.probe.describe(failing, "/etc/passwd", self.ctx))
        self.assertEqual(len(self.children), 0)


if __name__ == "__main__":
    unittest.main()
