"""The gate as a process: handshake, errors in the stream, bundles, concurrency, transfer, ending."""
import base64
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from ftl_gate import protocol
from tests import fake_modules
from tests.gate_process import GateProcess, alive, build_zip, descendants


class GateCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ftl-gate-server-")
        self.cache = os.path.join(self.tmp, "cache")
        self.gate = GateProcess.script(self.cache)
        self.bundle_hash, self.bundle_b64 = build_zip(os.path.join(self.tmp, "tmods.zip"), fake_modules.FILES)

    def tearDown(self):
        self.gate.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def module(self, name, args=None, **extra):
        data = {"name": name, "args": args or {}, "bundle_hash": self.bundle_hash, "bundle": self.bundle_b64,
                "python_module": "tmods." + name}
        data.update(extra)
        return data

    def test_hello_reports_the_gate(self):
        msg_type, data = self.gate.hello()
        self.assertEqual(msg_type, "Hello")
        self.assertEqual(data["version"], 1)
        self.assertEqual(data["capabilities"], ["multiplex", "bundles", "fork", "native"])
        self.assertEqual(data["pid"], self.gate.proc.pid)
        self.assertEqual(data["python"]["executable"], "/usr/bin/python3")
        self.assertEqual(len(data["gate_hash"]), 64)
        self.assertEqual(self.gate.hello()[0], "Hello", "a later Hello is a keepalive")

    def test_version_mismatch_is_an_error_and_the_gate_exits(self):
        msg_type, data = self.gate.request("Hello", {"version": 2, "capabilities": []})
        self.assertEqual((msg_type, data["code"]), ("Error", "version_mismatch"))
        self.assertIn("version 2", data["message"])
        self.assertEqual(self.gate.proc.wait(10), 1)

    def test_requests_before_hello_and_replies_sent_to_the_gate_are_refused(self):
        self.assertEqual(self.gate.request("Module", {"name": "ping", "args": {}})[1]["code"], "hello_required")
        self.gate.hello()
        self.assertEqual(self.gate.request("Goodbye", {})[1]["code"], "unexpected_type")

    def test_bad_frames_get_errors_and_the_session_goes_on(self):
        self.gate.hello(max_frame=4096)
        self.gate.send_raw(b"00002000" + b"x" * 0x2000)
        self.assertEqual(self.gate.recv()[1]["code"], "frame_too_large")
        self.gate.send_raw(b"00000003[1,")
        self.assertEqual(self.gate.recv()[1]["code"], "bad_json")
        self.assertEqual(self.gate.request("Module", {"name": "ping", "args": {}})[1]["result"]["ping"], "pong")

    def test_a_non_hex_header_ends_the_session_with_a_system_error(self):
        self.gate.hello()
        self.gate.send_raw(b"hello world!")
        msg_type, data, _ = self.gate.recv()
        self.assertEqual(msg_type, "GateSystemError")
        self.assertIn("8 lowercase hex digits", data["message"])
        self.assertEqual(self.gate.proc.wait(10), 1)

    def test_unknown_module_then_bundle_then_cached(self):
        self.gate.hello()
        self.assertEqual(self.gate.request("Module", {"name": "nope", "args": {}}),
                         ("ModuleNotFound", {"name": "nope", "bundle_hash": None}))
        by_hash = {"name": "echo", "args": {}, "bundle_hash": self.bundle_hash, "python_module": "tmods.echo"}
        self.assertEqual(self.gate.request("Module", by_hash)[0], "ModuleNotFound")
        self.assertEqual(self.gate.request("Module", self.module("echo"))[1]["rc"], 0)
        self.assertTrue(os.path.isfile(os.path.join(self.cache, self.bundle_hash + ".zip")))
        self.assertEqual(self.gate.request("Module", by_hash)[1]["result"]["args"]["_ansible_module_name"], "echo")

    def test_bundle_errors(self):
        self.gate.hello()
        reply = self.gate.request("Module", self.module("echo", bundle_hash="0" * 64))
        self.assertEqual((reply[0], reply[1]["code"]), ("Error", "bundle_hash_mismatch"))
        reply = self.gate.request("Module", self.module("echo", bundle="!!!"))
        self.assertEqual(reply[1]["code"], "bad_bundle")
        by_bad_hash = self.module("echo", bundle_hash="xyz")
        del by_bad_hash["bundle"]
        reply = self.gate.request("Module", by_bad_hash)
        self.assertEqual(reply[1]["code"], "bad_bundle")
        self.assertIn("64 lowercase hex digits", reply[1]["message"])

    def test_replies_come_back_in_completion_order(self):
        self.gate.hello()
        # The first request blocks until the test says so, which it does only after the other two replies
        # arrived: a gate that answered in request order would never get there (the sleeper gives up after 30 s).
        release = os.path.join(self.tmp, "release")
        self.gate.send("Module", self.module("sleeper", {"until": release, "seconds": 30}), 1)
        self.gate.send("Module", {"name": "ping", "args": {}}, 2)
        self.gate.send("Module", self.module("echo"), 3)
        first_two = sorted(self.gate.recv()[2] for _ in range(2))
        self.assertEqual(first_two, [2, 3])
        open(release, "w").close()
        last = self.gate.recv()
        self.assertEqual((last[0], last[2]), ("ModuleResult", 1))

    def test_put_then_get_streams_a_file_in_chunks(self):
        self.gate.hello()
        path = os.path.join(self.tmp, "out.bin")
        payload = os.urandom(300000)
        for offset in range(0, len(payload), 100000):
            chunk = payload[offset:offset + 100000]
            reply = self.gate.request("Put", {"path": path, "mode": 0o640, "offset": offset,
                                              "chunk": base64.b64encode(chunk).decode(),
                                              "last": offset + 100000 >= len(payload)})
            self.assertEqual(reply[0], "PutResult", reply)
        self.assertEqual(reply[1]["sha256"], hashlib.sha256(payload).hexdigest())
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o640)
        got, offset = b"", 0
        while True:
            _, data = self.gate.request("Get", {"path": path, "offset": offset, "length": 70000})
            got += base64.b64decode(data["chunk"])
            offset += 70000
            if data["eof"]:
                break
        self.assertEqual(got, payload)

    def test_put_without_mode_follows_the_umask(self):
        self.gate.hello()
        path = os.path.join(self.tmp, "plain.txt")
        reply = self.gate.request("Put", {"path": path, "offset": 0, "chunk": "aGk=", "last": True})
        self.assertEqual((reply[1]["size"], reply[1]["written"]), (2, 2))
        umask = os.umask(0o022)
        os.umask(umask)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o666 & ~umask)
        self.assertFalse(os.path.exists(path + ".ftl-part"))

    def test_transfer_errors(self):
        self.gate.hello()
        path = os.path.join(self.tmp, "x")
        reply = self.gate.request("Put", {"path": path, "offset": 5, "chunk": "", "last": True})
        self.assertEqual(reply[1]["code"], "bad_offset")
        reply = self.gate.request("Put", {"path": path, "offset": 0, "chunk": "@@", "last": True})
        self.assertEqual(reply[1]["code"], "bad_message")
        blocker = os.path.join(self.tmp, "a-file")
        open(blocker, "w").close()
        reply = self.gate.request("Put", {"path": os.path.join(blocker, "x"), "offset": 0, "chunk": "", "last": True})
        self.assertEqual(reply[1]["code"], "io_error")
        reply = self.gate.request("Get", {"path": os.path.join(self.tmp, "missing"), "offset": 0, "length": 1})
        self.assertEqual((reply[1]["code"], "No such file" in reply[1]["message"]), ("io_error", True))

    def test_shutdown_waits_for_in_flight_work_then_says_goodbye_last(self):
        self.gate.hello()
        self.gate.send("Module", self.module("sleeper", {"seconds": 0.3}), 1)
        self.gate.send("Shutdown", {}, 2)
        self.assertEqual(self.gate.recv()[0::2], ("ModuleResult", 1))
        self.assertEqual(self.gate.recv(), ("Goodbye", {}, 2))
        self.assertEqual(self.gate.proc.wait(10), 0)

    def test_the_file_process_stat_keeps_is_reaped_before_goodbye(self):
        self.gate.hello()
        reply = self.gate.request("Module", {"name": "stat", "args": {"path": "/etc/passwd"}})
        self.assertEqual(reply[1]["result"]["stat"]["mimetype"], "text/plain")
        helpers = descendants(self.gate.proc.pid)
        self.assertEqual(len(helpers), 1)
        self.assertEqual(self.gate.request("Shutdown", {})[0], "Goodbye")
        for pid in helpers:
            self.assertFalse(alive(pid), "ended and reaped by the gate, not left to end after it")
        self.assertEqual(self.gate.proc.wait(10), 0)

    def test_shutdown_kills_work_that_outlasts_its_timeout(self):
        self.gate.hello()
        pidfile = os.path.join(self.tmp, "pid")
        self.gate.send("Module", self.module("sleeper", {"seconds": 30, "pidfile": pidfile}), 1)
        while not os.path.exists(pidfile):
            time.sleep(0.02)
        self.gate.send("Shutdown", {"timeout": 0.2}, 2)
        msg_type, data, _ = self.gate.recv()
        self.assertEqual((msg_type, data["rc"]), ("ModuleResult", -9))
        self.assertEqual(self.gate.recv()[0], "Goodbye")
        self.assertEqual(self.gate.proc.wait(10), 0)
        time.sleep(0.1)
        with open(pidfile) as f:
            self.assertFalse(alive(int(f.read())))

    def test_end_of_input_or_sigterm_kills_every_child(self):
        for how in ("eof", "sigterm"):
            with self.subTest(how=how):
                gate = GateProcess.script(self.cache)
                try:
                    gate.hello()
                    gate.send("Module", self.module("sleeper", {"seconds": 30, "pidfile": os.path.join(self.tmp, how)}), 1)
                    while not os.path.exists(os.path.join(self.tmp, how)):
                        time.sleep(0.02)
                    children = descendants(gate.proc.pid)
                    self.assertGreaterEqual(len(children), 2, "module child and its sleep")
                    if how == "eof":
                        gate.proc.stdin.close()
                    else:
                        gate.proc.send_signal(signal.SIGTERM)
                    gate.proc.wait(10)
                    time.sleep(0.1)
                    self.assertEqual([p for p in children if alive(p)], [])
                finally:
                    gate.close()

    def test_python_module_name_cannot_be_guessed(self):
        self.gate.hello()
        reply = self.gate.request("Module", {"name": "a.b", "args": {}, "bundle": self.bundle_b64})
        self.assertEqual(reply[1]["code"], "bad_message")


class OlderPython(unittest.TestCase):
    def test_the_gate_runs_on_python_3_8(self):
        pythons = [p for p in (os.path.expanduser("~/.pyenv/versions/3.8.18/bin/python3"),) if os.path.exists(p)]
        if not pythons:
            self.skipTest("no Python 3.8 on this machine")
        tmp = tempfile.mkdtemp()
        gate = GateProcess.script(tmp, python=pythons[0], flags=["-I", "-S"])
        try:
            self.assertEqual(gate.hello()[1]["python"]["version"][:4], "3.8.")
            self.assertEqual(gate.request("Module", {"name": "ping", "args": {}})[1]["result"]["ping"], "pong")
        finally:
            gate.close()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
