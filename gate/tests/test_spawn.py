"""spawn: what native modules' commands got from subprocess.Popen, without importing subprocess."""
import errno
import os
import shutil
import sys
import tempfile
import unittest

from ftl_gate import native_proc, spawn as spawn_module
from ftl_gate.spawn import spawn


class Spawn(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftl-gate-spawn-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_cwd_own_process_group_only_stdio_inherited(self):
        script = "pwd; echo $$; cut -d' ' -f5 /proc/$$/stat; ls /proc/$$/fd"
        rc, out, err, timed_out = native_proc.run(["sh", "-c", script], None, cwd=self.tmp)
        lines = out.decode().split()
        self.assertEqual((rc, err, timed_out), (0, b"", False))
        self.assertEqual(lines[0], os.path.realpath(self.tmp))
        self.assertEqual(lines[1], lines[2])  # the command leads its process group
        self.assertEqual(lines[3:], ["0", "1", "2"])

    def test_path_search_is_os_get_exec_path(self):
        saved = os.environ.get("PATH")
        self.addCleanup(lambda: os.environ.__setitem__("PATH", saved) if saved is not None else os.environ.pop("PATH", None))
        for path in ("/usr/local/bin:/usr/bin:/bin", "", "/a::/b", None):
            if path is None:
                os.environ.pop("PATH", None)
            else:
                os.environ["PATH"] = path
            want = [os.path.join(d, "echo") for d in os.get_exec_path()]
            self.assertEqual(spawn_module._candidates("echo"), want, path)
        self.assertEqual(spawn_module._candidates("./x/echo"), ["./x/echo"])

    def test_sigpipe_is_back_to_default(self):
        # Ignored (as Python leaves it), yes would report "Broken pipe" instead of dying quietly.
        rc, out, err, _ = native_proc.run("yes | head -n 1", None, shell=True)
        self.assertEqual((rc, out, err), (0, b"y\n", b""))

    def test_stdin_data_reaches_the_command(self):
        data = b"x" * 200000
        rc, out, _, _ = native_proc.run(["wc", "-c"], None, data=data)
        self.assertEqual((rc, out.strip()), (0, b"200000"))

    def test_a_program_that_cannot_start_raises_oserror_as_subprocess_does(self):
        with self.assertRaises(OSError) as missing:
            spawn(["ftl-no-such-program"], None, None, 1, 2)
        self.assertEqual(missing.exception.errno, errno.ENOENT)
        not_executable = os.path.join(self.tmp, "plain")
        open(not_executable, "w").close()
        with self.assertRaises(OSError) as denied:
            spawn([not_executable], None, None, 1, 2)
        self.assertEqual(denied.exception.errno, errno.EACCES)
        with self.assertRaises(OSError) as no_cwd:
            spawn(["true"], os.path.join(self.tmp, "missing"), None, 1, 2)
        self.assertEqual(no_cwd.exception.errno, errno.ENOENT)

    def test_exit_status_and_signal_as_returncode(self):
        self.assertEqual(native_proc.run(["sh", "-c", "exit 3"], None)[0], 3)
        self.assertEqual(native_proc.run(["sh", "-c", "kill -TERM $$"], None)[0], -15)



class SpawnPath(unittest.TestCase):
    def test_pythons_3_11_to_3_13_use_the_c_fork_exec(self):
        self.assertEqual(spawn_module._fork_exec is not None, (3, 11) <= sys.version_info[:2] <= (3, 13))


class SpawnInPython(Spawn):
    """The same, on the Python fork path that Pythons without subprocess's C fork_exec arguments take."""

    def setUp(self):
        Spawn.setUp(self)
        saved = spawn_module._fork_exec
        spawn_module._fork_exec = None
        self.addCleanup(setattr, spawn_module, "_fork_exec", saved)


if __name__ == "__main__":
    unittest.main()
