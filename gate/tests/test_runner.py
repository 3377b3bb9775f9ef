"""Module execution: forked children and the fresh-interpreter fallback, with stand-in modules."""
import os
import shutil
import tempfile
import time
import unittest

from ftl_gate import child, runner
from tests import fake_modules
from tests.gate_process import alive, build_zip


def read_pid(path):
    with open(path) as f:
        return int(f.read())


class RunnerCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ftl-gate-test-")
        cls.bundle = os.path.join(cls.tmp, "tmods.zip")
        build_zip(cls.bundle, fake_modules.FILES)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_module(self, module, args=None, fork=True, **kw):
        r = runner.ModuleRunner()
        return r.run(self.bundle, "tmods." + module, module, args or {}, fork=fork, **kw)

    def test_module_gets_args_flags_the_gates_cwd_and_runs_as_main(self):
        for fork in (True, False):
            with self.subTest(fork=fork):
                out = self.run_module("echo", {"x": 1}, fork=fork, check_mode=True, diff_mode=True)
                self.assertEqual(out["rc"], 0)
                result = out["result"]
                args = result["args"]
                self.assertEqual((args["x"], args["_ansible_check_mode"], args["_ansible_diff"]), (1, True, True))
                self.assertEqual(args["_ansible_module_name"], "echo")
                self.assertEqual(result["name"], "__main__")
                # What AnsiballZ gives the module (the respawn helpers read them from __main__).
                self.assertEqual((result["fqn"], result["modlib"]), ("tmods.echo", self.bundle))
                self.assertEqual(result["argv"], [os.path.join(self.bundle, "tmods/echo.py")])
                # ansible's modules run where the ssh login left them; so do the gate's.
                self.assertEqual(result["cwd"], os.getcwd())
                self.assertTrue(args["_ansible_tmpdir"].startswith(tempfile.gettempdir() + "/ftl-module-"))
                self.assertFalse(os.path.exists(args["_ansible_tmpdir"]), "the module's temp dir is removed")
                self.assertNotIn("stdout", out)

    def test_junk_around_the_json_is_tolerated_and_kept(self):
        out = self.run_module("junk")
        self.assertEqual(out["result"], {"ok": True})
        self.assertIn("hello from a library", out["stdout"])

    def test_crash_gives_rc_and_traceback_without_result(self):
        for fork in (True, False):
            with self.subTest(fork=fork):
                out = self.run_module("crash", fork=fork)
                self.assertIsNone(out["result"])
                self.assertEqual(out["rc"], 1)
                self.assertIn("RuntimeError: kaput", out["stderr"])

    def test_uncaught_exceptions_go_to_the_excepthook_as_in_a_fresh_interpreter(self):
        outs = {}
        for fork in (True, False):
            with self.subTest(fork=fork):
                out = self.run_module("hookexit", fork=fork)
                self.assertEqual((out["result"], out["rc"]), ({"hooked": "caught by the hook"}, 5))
                out = outs[fork] = self.run_module("badhook", fork=fork)
                self.assertEqual((out["result"], out["rc"]), (None, 1))
                self.assertIn("Error in sys.excepthook:", out["stderr"])
                self.assertIn("KeyError: 'hook broke'", out["stderr"])
                self.assertIn("Original exception was:", out["stderr"])
                self.assertTrue(out["stderr"].endswith("ValueError: original\n"), out["stderr"])
        # The same report, apart from the frames above the module (the gate's own, or the fallback's -c).
        head = dict((fork, out["stderr"].split("Original exception was:")[0]) for fork, out in outs.items())
        self.assertEqual(head[True], head[False])

    def test_arguments_bigger_than_a_pipe_reach_the_module(self):
        big = "x" * 200000
        for fork in (True, False):
            with self.subTest(fork=fork):
                out = self.run_module("echo", {"big": big}, fork=fork)
                self.assertEqual(out["result"]["args"]["big"], big)

    def test_new_style_modules_get_basic_args_and_a_report_when_they_do_not_exit(self):
        # As ansible tells them apart: a module importing module_utils is wrapped by AnsiballZ, others are not.
        files = {
            "ansible/__init__.py": "", "ansible/module_utils/__init__.py": "",
            "ansible/module_utils/basic.py": "_ANSIBLE_ARGS = None\n",
            "ansible/modules/__init__.py": "",
            "ansible/modules/newstyle.py": (
                "import json, sys\nfrom ansible.module_utils import basic\n"
                "sys.stderr.write('x=%s' % json.loads(basic._ANSIBLE_ARGS)['ANSIBLE_MODULE_ARGS']['x'])\n"),
            "ansible/modules/oldstyle.py": "print('{\"plain\": true}')\n",
        }
        bundle = os.path.join(self.tmp, "styles.zip")
        build_zip(bundle, files)
        for fork in (True, False):
            with self.subTest(fork=fork):
                new = runner.ModuleRunner().run(bundle, "ansible.modules.newstyle", "newstyle", {"x": 7}, fork=fork)
                self.assertEqual((new["rc"], new["stderr"]), (1, "x=7"))
                self.assertEqual(new["result"], {"msg": "New-style module did not handle its own exit", "failed": True})
                self.assertNotIn("stdout", new)
                old = runner.ModuleRunner().run(bundle, "ansible.modules.oldstyle", "oldstyle", {}, fork=fork)
                self.assertEqual((old["rc"], old["result"], "stdout" in old), (0, {"plain": True}, False))

    def test_exit_status_and_stderr_are_reported(self):
        out = self.run_module("exit3")
        self.assertEqual((out["result"], out["rc"], out["stderr"], out["stdout"]), (None, 3, "giving up\n", ""))

    def test_timeout_kills_the_module_and_its_children(self):
        pidfile = os.path.join(self.tmp, "grandchild.pid")
        for fork in (True, False):
            with self.subTest(fork=fork):
                started = time.monotonic()
                out = self.run_module("sleeper", {"seconds": 30, "pidfile": pidfile}, fork=fork, timeout=0.5)
                self.assertLess(time.monotonic() - started, 5)
                self.assertTrue(out["timed_out"])
                self.assertEqual(out["rc"], -9)
                self.assertIn("did not finish within 0.5 seconds", out["result"]["msg"])
                grandchild = read_pid(pidfile)
                time.sleep(0.1)
                self.assertFalse(alive(grandchild))

    def test_a_grandchild_holding_the_pipes_does_not_block_the_result(self):
        pidfile = os.path.join(self.tmp, "lingering.pid")
        started = time.monotonic()
        out = self.run_module("sleeper", {"seconds": 0, "pidfile": pidfile})
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(out["result"], {"slept": 0})
        time.sleep(0.1)
        self.assertFalse(alive(read_pid(pidfile)))

    def test_runner_without_fork_uses_the_fallback(self):
        r = runner.ModuleRunner(use_fork=False)
        out = r.run(self.bundle, "tmods.echo", "echo", {})
        self.assertEqual(out["result"]["argv"], [os.path.join(self.bundle, "tmods/echo.py")])


class FilterJson(unittest.TestCase):
    def test_cases(self):
        cases = [
            ('{"a": 1}', ({"a": 1}, False)),
            ('noise\n{"a": 1}\n', ({"a": 1}, True)),
            ('{"a":\n 1}\ntrailer', ({"a": 1}, True)),
            ("", (None, False)),
            ("Traceback ...", (None, True)),
            ('{"a": ', (None, True)),
            ("[1, 2]", (None, True)),
        ]
        for text, expected in cases:
            with self.subTest(text=text):
                self.assertEqual(runner.filter_json(text), expected)


if __name__ == "__main__":
    unittest.main()
