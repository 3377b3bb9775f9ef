"""Test helper: a real gate process driven over its stdin/stdout, plus test bundles and a .pyz."""
import base64
import hashlib
import os
import subprocess
import zipapp
import zipfile

from ftl_gate import protocol

GATE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM_PYTHON = "/usr/bin/python3"


def build_pyz(target):
    """The gate as the controller ships it: ftl_gate/ plus the top-level __main__.py, no tests."""
    def keep(path):
        parts = path.parts
        return parts[0] in ("ftl_gate", "__main__.py") and "__pycache__" not in parts
    zipapp.create_archive(GATE_DIR, target, filter=keep)
    return target


def build_zip(path, files):
    """A bundle from ``{arcname: source}``; returns ``(sha256, base64 text)``."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in sorted(files.items()):
            zf.writestr(name, text)
    with open(path, "rb") as f:
        raw = f.read()
    return hashlib.sha256(raw).hexdigest(), base64.b64encode(raw).decode("ascii")


class GateProcess(object):
    def __init__(self, argv, cache_dir, env=None):
        full_env = dict(os.environ)
        full_env["FTL_GATE_CACHE_DIR"] = cache_dir
        full_env.update(env or {})
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=full_env)
        self._next_id = 100
        self._early = {}

    @classmethod
    def script(cls, cache_dir, python=SYSTEM_PYTHON, flags=()):
        return cls([python] + list(flags) + [os.path.join(GATE_DIR, "__main__.py")], cache_dir)

    def send(self, msg_type, data, msg_id=None):
        self.send_raw(protocol.encode_frame(msg_type, data, msg_id))

    def send_raw(self, raw):
        self.proc.stdin.write(raw)
        self.proc.stdin.flush()

    def recv(self):
        return protocol.read_frame(self.proc.stdout)

    def hello(self, **extra):
        data = {"version": 1, "capabilities": ["multiplex"]}
        data.update(extra)
        return self.request("Hello", data)

    def request(self, msg_type, data):
        """Send with a fresh id and wait for the reply with that id (others are kept for later)."""
        self._next_id += 1
        msg_id = self._next_id
        self.send(msg_type, data, msg_id)
        return self.reply_to(msg_id)

    def reply_to(self, msg_id):
        if msg_id in self._early:
            return self._early.pop(msg_id)
        while True:
            msg_type, data, got = self.recv()
            if got == msg_id:
                return msg_type, data
            self._early[got] = (msg_type, data)

    def close(self, timeout=10):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        return self.proc.returncode


def descendants(pid):
    """Pids whose parent chain leads to ``pid`` (Linux /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    stat = f.read()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

