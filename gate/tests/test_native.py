"""Native gate modules give what the real modules give."""
import json
import os
import subprocess
import unittest

from ftl_gate import native
from tests.gate_process import SYSTEM_PYTHON


def oracle(module, args):
    payload = dict(args, _ansible_module_name=module, _ansible_check_mode=False)
    proc = subprocess.run([SYSTEM_PYTHON, "-m", "ansible.modules." + module], cwd="/", stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, input=json.dumps({"ANSIBLE_MODULE_ARGS": payload}).encode())
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


class NativePing(unittest.TestCase):
    def test_results_equal_the_real_ping(self):
        cases = [{}, {"data": "x"}, {"data": 5}, {"data": True}, {"data": None}, {"data": ["a", 1]},
                 {"data": {"k": 1.5}}, {"foo": 1, "bar": 2}, {"data": "x", "_ansible_check_mode": True}]
        for args in cases:
            with self.subTest(args=args):
                rc, out, _ = oracle("ping", args)
                got = native.run_native(native.lookup("ping"), args)
                self.assertEqual((got["result"], got["rc"]), (json.loads(out), rc))

    def test_crash_looks_like_the_real_crash(self):
        rc, out, err = oracle("ping", {"data": "crash"})
        got = native.run_native(native.lookup("ping"), {"data": "crash"})
        self.assertEqual((got["result"], got["rc"], got["stdout"]), (None, rc, out.strip()))
        self.assertEqual(got["stderr"].splitlines()[-1], err.splitlines()[-1])

    def test_names_and_lookup(self):
        self.assertEqual(native.names(), ["blockinfile", "command", "copy", "file", "lineinfile", "ping", "shell", "slurp", "stat"])
        for name in ("ansible.builtin.ping", "ansible.legacy.command", "shell", "stat", "slurp", "ansible.builtin.lineinfile",
                     "ansible.legacy.blockinfile", "file", "ansible.builtin.copy"):
            self.assertIsNotNone(native.lookup(name), name)
        for name in ("template", "community.general.ping", "community.general.lineinfile"):
            self.assertIsNone(native.lookup(name), name)



class SplitCommand(unittest.TestCase):
    def test_split_command_is_shlex_split(self):
        import random
        import shlex
        from ftl_gate.mod_command import split_command
        rand = random.Random(7)
        chars = "ab c\t\r\n\x0b\x0c\xa0#;|&$*\u00e9'\"\\"
        for _ in range(3000):
            line = "".join(rand.choice(chars) for _ in range(rand.randint(0, 12)))
            try:
                expected = shlex.split(line)
            except ValueError:
                expected = ValueError
            try:
                got = split_command(line)
            except ValueError:
                got = ValueError
            self.assertEqual(got, expected, repr(line))


class CreatesRemovesGlob(unittest.TestCase):
    def test_plain_paths_answer_as_glob_glob(self):
        import glob
        import os
        import shutil
        import tempfile
        from ftl_gate.mod_command import _glob
        tmp = tempfile.mkdtemp(prefix="ftl-gate-glob-")
        self.addCleanup(shutil.rmtree, tmp, True)
        os.mkdir(os.path.join(tmp, "d"))
        open(os.path.join(tmp, "f"), "w").close()
        os.symlink("nowhere", os.path.join(tmp, "dangling"))
        cwd = os.getcwd()
        os.chdir(tmp)
        self.addCleanup(os.chdir, cwd)
        names = ["f", "f/", "d", "d/", "d//", "missing", "missing/", "dangling", "dangling/", "", "/", ".", "./f",
                 tmp + "/f", tmp + "/d/", tmp + "/nope", "f*", "[fd]", "?"]
        for name in names:
            self.assertEqual(_glob(name), glob.glob(name), repr(name))

class CommandCwd(unittest.TestCase):
    """AnsibleModule._set_cwd: a command runs in the gate's directory, or in a fresh one when that is gone."""

    def setUp(self):
        import shutil
        import tempfile
        self.tmp = tempfile.mkdtemp(prefix="ftl-gate-cwd-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.tmpdir = os.path.join(self.tmp, "t")  # TMPDIR: where a fallback directory would be made
        os.mkdir(self.tmpdir)
        old_env = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = self.tmpdir
        self.addCleanup(lambda: os.environ.pop("TMPDIR") if old_env is None else os.environ.update(TMPDIR=old_env))
        old_cwd = os.getcwd()
        self.addCleanup(os.chdir, old_cwd)

    def pwd(self):
        return native.run_native(native.lookup("command"), {"_raw_params": "pwd"}, native.Context())

    def test_runs_in_the_gates_directory_and_makes_none(self):
        here = os.path.join(self.tmp, "home")
        os.mkdir(here)
        os.chdir(here)
        out = self.pwd()
        self.assertEqual((out["rc"], out["result"]["stdout"]), (0, here))
        self.assertEqual(os.listdir(self.tmpdir), [])

    def test_a_removed_gate_directory_gives_a_fresh_one_removed_after(self):
        gone = os.path.join(self.tmp, "gone")
        os.mkdir(gone)
        os.chdir(gone)
        os.rmdir(gone)
        out = self.pwd()
        self.assertEqual(out["rc"], 0)
        self.assertTrue(out["result"]["stdout"].startswith(os.path.join(self.tmpdir, "ftl-module-")), out)
        self.assertEqual(os.listdir(self.tmpdir), [])


if __name__ == "__main__":
    unittest.main()
