"""lsattr's line from ioctls equals ``lsattr -vd PATH``, flag by flag; everything else still runs lsattr."""
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import unittest

from ftl_gate import lsattr, native, native_proc

LSATTR = native_proc.get_bin_path("lsattr")
CHATTR = native_proc.get_bin_path("chattr")


def real(path):
    proc = subprocess.run([LSATTR, "-vd", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return proc.stdout.decode("utf-8", "surrogateescape") if proc.returncode == 0 else None


def version_of_lsattr():
    if LSATTR is None:
        return ""
    return subprocess.run([LSATTR, "-V", "-d", "/"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).stderr.decode()


@unittest.skipUnless(version_of_lsattr().startswith(lsattr.KNOWN_VERSION) and CHATTR, "needs e2fsprogs 1.47")
class Lsattr(unittest.TestCase):
    def setUp(self):
        # A directory on a file system with flags (ext4 here); tmpfs has none, and then both sides fail alike.
        self.tmp = tempfile.mkdtemp(prefix="ftl-gate-lsattr-")
        self.ctx = native.Context(timeout=10)

        def cleanup():
            subprocess.run([CHATTR, "-R", "-i", "-a", self.tmp], stderr=subprocess.DEVNULL)
            shutil.rmtree(self.tmp, True)
        self.addCleanup(cleanup)

    def chattr(self, flags, path):
        return subprocess.run([CHATTR, flags, path], stderr=subprocess.DEVNULL).returncode == 0

    def test_every_flag_lsattr_prints_alone_and_together(self):
        checked = 0
        cases = [("file", f) for f in "suSiadActex"] + [("dir", f) for f in "DTI"] + [("file", "sudA"), ("dir", "DTad")]
        for kind, flags in cases:
            path = os.path.join(self.tmp, "%s-%s" % (kind, flags))
            if kind == "dir":
                os.mkdir(path)
            else:
                open(path, "w").close()
            if not self.chattr("+" + flags, path):
                continue  # this file system refuses it; lsattr still answers, below
            with self.subTest(kind=kind, flags=flags):
                line = lsattr.read_line(path.encode())
                self.assertIsNotNone(line)
                self.assertEqual(line, real(path))
                self.assertEqual(lsattr.describe(LSATTR, path, self.ctx), real(path))
                checked += 1
        self.assertGreater(checked, 10)

    def test_what_the_ioctls_do_not_cover_is_answered_by_lsattr(self):
        target = os.path.join(self.tmp, "target")
        open(target, "w").close()
        os.symlink(target, os.path.join(self.tmp, "link"))
        os.mkfifo(os.path.join(self.tmp, "fifo"))
        sock = socket.socket(socket.AF_UNIX)
        self.addCleanup(sock.close)
        sock.bind(os.path.join(self.tmp, "sock"))
        paths = [os.path.join(self.tmp, n) for n in ("link", "fifo", "sock", "missing")] + ["/dev/null", "/proc/self/status"]
        for path in paths:
            with self.subTest(path=path):
                self.assertIsNone(lsattr.read_line(path.encode()))
                self.assertEqual(lsattr.describe(LSATTR, path, self.ctx), real(path))

    def test_a_flag_not_checked_against_lsattr_is_left_to_it(self):
        # ext4 here refuses to set these (E, j, C, F, N, P, V, m and bits lsattr does not print).
        self.assertEqual(lsattr.format_line(5, 0x80000, b"/x"), "5          --------------e------- /x\n")
        for bit in (0x800, 0x4000, 0x800000, 0x40000000, 0x10000000, 0x20000000, 0x100000, 0x400, 0x40000):
            self.assertIsNone(lsattr.format_line(5, 0x80000 | bit, b"/x"))

    def test_another_lsattr_version_runs_itself(self):
        fake = os.path.join(self.tmp, "lsattr")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\nif [ \"$1\" = -V ]; then echo 'lsattr 1.46.5 (30-Dec-2021)' >&2; fi\n"
                    "echo \"7 ---fake--- $2\"\n")
        os.chmod(fake, stat.S_IRWXU)
        self.assertEqual(lsattr.describe(fake, "/etc/passwd", self.ctx), "7 ---fake--- /etc/passwd\n")


if __name__ == "__main__":
    unittest.main()
