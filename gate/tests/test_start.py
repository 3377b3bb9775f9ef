"""How the bootstrap starts the gate: -S, from the directory the .pyz unpacked itself to, site added on use."""
import hashlib
import os
import shutil
import subprocess
import tempfile
import unittest

from tests import fake_modules
from tests.gate_process import SYSTEM_PYTHON, GateProcess, build_pyz, build_zip

# What a gate start must not import: each costs every host at every run (docs/benchmarks.md).
NOT_AT_START = ("site", "runpy", "json", "re", "enum", "threading", "functools", "zipfile", "hashlib", "subprocess", "locale")


class StartFromUnpacked(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ftl-gate-start-")
        built = build_pyz(os.path.join(cls.tmp, "built.pyz"))
        with open(built, "rb") as f:
            cls.sha = hashlib.sha256(f.read()).hexdigest()
        cls.pyz = os.path.join(cls.tmp, "ftl_gate_%s.pyz" % cls.sha)
        os.rename(built, cls.pyz)
        cls.unpacked = cls.pyz[:-len(".pyz")]
        cls.bundle_hash, cls.bundle_b64 = build_zip(os.path.join(cls.tmp, "tmods.zip"), fake_modules.FILES)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, *argv):
        gate = GateProcess([SYSTEM_PYTHON, "-S"] + list(argv), os.path.join(self.tmp, "cache"))
        self.addCleanup(gate.close)
        return gate

    def sitecheck(self, gate):
        reply = gate.request("Module", {"name": "sitecheck", "args": {}, "bundle_hash": self.bundle_hash,
                                        "bundle": self.bundle_b64, "python_module": "tmods.sitecheck"})
        self.assertEqual(reply[0], "ModuleResult", reply)
        return reply[1]["result"]

    def test_the_pyz_unpacks_itself_and_the_unpacked_main_is_the_same_gate(self):
        first = self.start(self.pyz, "--site-on-use")
        self.assertEqual(first.hello()[1]["gate_hash"], self.sha)
        first.close()
        self.assertTrue(os.path.isfile(os.path.join(self.unpacked, "__main__.py")))
        self.assertTrue(os.path.isdir(os.path.join(self.unpacked, "ftl_gate", "__pycache__")))
        again = self.start(os.path.join(self.unpacked, "__main__.py"), "--site-on-use")
        hello = again.hello()[1]
        self.assertEqual(hello["gate_hash"], self.sha)
        self.assertEqual(again.request("Module", {"name": "ping", "args": {}})[1]["result"]["ping"], "pong")

    def test_site_is_added_before_a_shipped_module_only_when_asked(self):
        self.start(self.pyz).close()  # unpacked
        main = os.path.join(self.unpacked, "__main__.py")
        asked = self.start(main, "--site-on-use")
        asked.hello()
        got = self.sitecheck(asked)
        self.assertTrue(got["site"])
        self.assertTrue(got["site_dirs"], got)
        plain = self.start(main)  # -S given on purpose (a host without site-packages): kept
        plain.hello()
        self.assertEqual(self.sitecheck(plain), {"site": False, "site_dirs": []})

    def test_a_start_imports_none_of_the_slow_modules(self):
        code = ("import sys; sys.path.insert(0, sys.argv[1]); import ftl_gate.server, ftl_gate.native; "
                "print(' '.join(m for m in sys.argv[2:] if m in sys.modules))")
        gate_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        out = subprocess.run([SYSTEM_PYTHON, "-S", "-c", code, gate_dir] + list(NOT_AT_START),
                             stdout=subprocess.PIPE, check=True).stdout
        self.assertEqual(out.decode().strip(), "")


if __name__ == "__main__":
    unittest.main()
