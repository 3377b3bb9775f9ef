"""Real Ansible modules shipped as bundles to a gate that cannot import ansible, against the real modules.

The gate runs as ``/usr/bin/python3 -I -S ftl_gate.pyz`` (no dist-packages), so everything the module
imports must come from the bundle; each result must equal ``python3 -m ansible.modules.X`` with the same
arguments on the same starting state, apart from keys that change run to run.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from tests import bundle_helper
from tests.gate_process import SYSTEM_PYTHON, GateProcess, build_pyz

VOLATILE = ("start", "end", "delta")
STAT_VOLATILE = ("atime", "ctime", "inode", "version")


def oracle(module, args, cwd, check_mode=False):
    payload = dict(args, _ansible_check_mode=check_mode, _ansible_diff=False, _ansible_module_name=module)
    proc = subprocess.run([SYSTEM_PYTHON, "-m", "ansible.modules." + module], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, input=json.dumps({"ANSIBLE_MODULE_ARGS": payload}).encode())
    return json.loads(proc.stdout.decode())


def normalize(result):
    result = dict((k, v) for k, v in result.items() if k not in VOLATILE)
    if isinstance(result.get("stat"), dict):
        result["stat"] = dict((k, v) for k, v in result["stat"].items() if k not in STAT_VOLATILE)
    return result


class ShippedAnsibleModules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ftl-gate-bundles-")
        cls.work = os.path.join(cls.tmp, "work")
        pyz = build_pyz(os.path.join(cls.tmp, "ftl_gate.pyz"))
        cls.bundles = {}
        for module in ("ping", "command", "stat", "file", "copy", "setup"):
            path = os.path.join(cls.tmp, module + ".zip")
            cls.bundles[module] = (bundle_helper.build_bundle(module, path), path)
        cls.gate = GateProcess([SYSTEM_PYTHON, "-I", "-S", pyz], os.path.join(cls.tmp, "cache"))
        cls.hello = cls.gate.hello()

    @classmethod
    def tearDownClass(cls):
        cls.gate.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def reset(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(os.path.join(self.work, "dir"))
        with open(os.path.join(self.work, "src.txt"), "w") as f:
            f.write("héllo\n")
        os.utime(os.path.join(self.work, "src.txt"), (1600000000, 1600000000))

    def ship(self, module, args, check_mode=False, fork=True):
        """Module by hash; on ModuleNotFound resend with the bundle, as the controller does."""
        bundle_hash, path = self.bundles[module]
        request = {"name": module, "args": args, "check_mode": check_mode, "bundle_hash": bundle_hash, "fork": fork}
        reply = self.gate.request("Module", request)
        if reply[0] == "ModuleNotFound":
            self.assertEqual(reply[1], {"name": module, "bundle_hash": bundle_hash})
            with open(path, "rb") as f:
                import base64
                request["bundle"] = base64.b64encode(f.read()).decode("ascii")
            reply = self.gate.request("Module", request)
        self.assertEqual(reply[0], "ModuleResult", reply)
        self.assertIsNotNone(reply[1]["result"], reply)
        return reply[1]

    def compare(self, module, args, check_mode=False, fork=True):
        self.reset()
        expected = oracle(module, args, self.work, check_mode)
        self.reset()
        got = self.ship(module, args, check_mode, fork)
        self.assertEqual(normalize(got["result"]), normalize(expected))
        return got

    def test_the_gate_interpreter_cannot_import_ansible(self):
        proc = subprocess.run([SYSTEM_PYTHON, "-I", "-S", "-c", "import ansible"], stderr=subprocess.PIPE)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(b"No module named 'ansible'", proc.stderr)

    def test_ping(self):
        self.compare("ping", {})
        self.compare("ping", {"data": "héllo"})
        self.compare("ping", {"nope": 1})

    def test_command(self):
        got = self.compare("command", {"_raw_params": "echo hi"})
        self.assertEqual(got["result"]["stdout"], "hi")
        self.compare("command", {"argv": ["printf", "%s", "wörld"]})
        self.compare("command", {"_raw_params": "false"})
        self.compare("command", {"_raw_params": "echo hi"}, fork=False)

    def test_stat(self):
        got = self.compare("stat", {"path": os.path.join(self.work, "src.txt"), "get_checksum": True})
        self.assertTrue(got["result"]["stat"]["exists"])
        self.compare("stat", {"path": os.path.join(self.work, "missing")})

    def test_file(self):
        self.compare("file", {"path": os.path.join(self.work, "dir", "new"), "state": "directory", "mode": "0750"})
        self.compare("file", {"path": os.path.join(self.work, "dir", "new"), "state": "directory"}, check_mode=True)
        self.compare("file", {"path": os.path.join(self.work, "src.txt"), "state": "absent"})

    def test_failures_the_module_reports_through_its_excepthook(self):
        # file raises AnsibleModuleError and its sys.excepthook turns it into fail_json, as in a fresh interpreter.
        blocked = os.path.join(self.work, "src.txt", "sub")
        for fork in (True, False):
            with self.subTest(fork=fork):
                got = self.compare("file", {"path": blocked, "state": "directory"}, fork=fork)
                self.assertEqual((got["rc"], got["result"]["failed"]), (1, True))
                self.assertIn("There was an issue creating", got["result"]["msg"])
                self.assertNotIn("stderr", got)
                got = self.compare("file", {"path": os.path.join(self.work, "nope", "x"), "state": "touch"}, fork=fork)
                self.assertIn("Error, could not touch target", got["result"]["msg"])

    def test_copy(self):
        got = self.compare("copy", {"src": os.path.join(self.work, "src.txt"),
                                    "dest": os.path.join(self.work, "dir", "dest.txt"), "mode": "0640"})
        self.assertTrue(got["result"]["changed"])

    def test_setup_whose_module_utils_import_many_others(self):
        self.compare("setup", {"gather_subset": ["!all", "!min", "platform"]})

    def test_warm_runs_are_fast(self):
        self.ship("ping", {})
        times = []
        for _ in range(10):
            started = time.monotonic()
            self.ship("ping", {"data": "x"})
            times.append(time.monotonic() - started)
        times.sort()
        median_ms = times[len(times) // 2] * 1000
        print("\n  shipped ping round trip through the gate: median %.1f ms" % median_ms)
        self.assertLess(median_ms, 100)


if __name__ == "__main__":
    unittest.main()
