"""Gate CPU per request, without ssh: first calls in fresh gates (bundles already cached on disk) and warm calls.
The plan follows the benchmark's script: a file task, then a copy with ``content`` as the copy action sends it
(stat with sha1, Put of the content, the copy module), then the other modules.

CPU is the gate's own plus the module processes it reaped (/proc utime+stime+cutime+cstime), so a number here
is what one host pays. Usage, from gate/: ``/usr/bin/python3 -m tests.bench_gate [--gates 10] [--calls 40] [--ship]``;
``--ship`` sends file, copy, lineinfile and blockinfile as bundles (their cost before they were native).
"""
import base64
import hashlib
import itertools
import os
import shutil
import sys
import tempfile
import time

from tests import bundle_helper
from tests.gate_process import GATE_DIR, SYSTEM_PYTHON, GateProcess

SHIPPED = ("file", "copy", "lineinfile", "blockinfile")
TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_ms(pid):
    """The gate's CPU with its reaped children, plus its live descendants' (stat's long-lived ``file``)."""
    ticks = sum(int(x) for x in _stat_fields(pid)[11:15])
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != pid:
            try:
                fields = _stat_fields(int(entry))
            except OSError:
                continue
            if int(fields[1]) == pid:
                ticks += sum(int(x) for x in fields[11:15])
    return ticks * 1000.0 / TICK


def _upload(work):
    """The copy module as the copy action runs it: a fresh upload (new content each time) moved onto dest."""
    counter = itertools.count()

    def prepare():
        data = ("upload %d\n" % next(counter)).encode()
        src = os.path.join(work, "upload")
        with open(src, "wb") as f:
            f.write(data)
        return {"src": src, "dest": os.path.join(work, "uploaded"), "_original_basename": "uploaded",
                "checksum": hashlib.sha1(data).hexdigest(), "mode": "0644"}
    return prepare


def _put(work):
    """The copy action's Put of ``content``: one chunk to a fresh private temp directory, mode 0600."""
    counter = itertools.count()

    def prepare():
        n = next(counter)
        chunk = base64.b64encode(("content %d\n" % n).encode()).decode("ascii")
        return {"path": os.path.join(work, "put-%d-%d" % (os.getpid(), n), "source"), "mode": 0o600,
                "chunk": chunk, "offset": 0, "last": True}
    return prepare


def calls(work):
    """(label, module or "Put", args or a function making them) per request."""
    target = os.path.join(work, "target")
    return [
        ("file dir", "file", {"path": os.path.join(work, "d"), "state": "directory", "mode": "0755"}),
        ("file touch", "file", {"path": os.path.join(work, "t"), "state": "touch", "mode": "0600",
                                "modification_time": "preserve", "access_time": "preserve"}),
        ("stat sha1", "stat", {"path": os.path.join(work, "uploaded"), "get_checksum": True,
                               "checksum_algorithm": "sha1", "get_mime": False, "get_attributes": False}),
        ("put", "Put", _put(work)),
        ("copy", "copy", _upload(work)),
        ("copy remote", "copy", {"src": os.path.join(work, "src.txt"), "dest": target, "remote_src": True}),
        ("lineinfile", "lineinfile", {"path": os.path.join(work, "app.conf"), "regexp": "^port=", "line": "port=8080",
                                      "create": True}),
        ("blockinfile", "blockinfile", {"path": os.path.join(work, "block.txt"), "block": "a=1\nb=2", "create": True}),
        ("command", "command", {"_raw_params": "echo hi"}),
        ("stat", "stat", {"path": "/etc/passwd"}),
    ]


def start(cache):
    gate = GateProcess([SYSTEM_PYTHON, "-S", os.path.join(GATE_DIR, "__main__.py"), "--site-on-use"], cache)
    gate.hello()
    return gate


def request(gate, bundles, name, args, ship):
    args = args() if callable(args) else args
    if name == "Put":
        reply = gate.request("Put", args)
        if reply[0] != "PutResult":
            raise SystemExit("Put failed: %r" % (reply,))
        return
    data = {"name": name, "args": args}
    if name in ship or args.get("remote_src"):
        data.update(bundle_hash=bundles[name][0], python_module="ansible.modules." + name)
    reply = gate.request("Module", data)
    if reply[0] == "ModuleNotFound":
        with open(bundles[name][1], "rb") as f:
            data["bundle"] = base64.b64encode(f.read()).decode("ascii")
        reply = gate.request("Module", data)
    if reply[0] != "ModuleResult" or reply[1]["result"] is None or reply[1]["result"].get("failed"):
        raise SystemExit("%s failed: %r" % (name, reply))


def main(argv):
    gates = int(argv[argv.index("--gates") + 1]) if "--gates" in argv else 10
    n_calls = int(argv[argv.index("--calls") + 1]) if "--calls" in argv else 40
    ship = set(SHIPPED) if "--ship" in argv else set()
    tmp = tempfile.mkdtemp(prefix="ftl-bench-gate-")
    try:
        cache = os.path.join(tmp, "cache")
        with open(os.path.join(tmp, "src.txt"), "w") as f:
            f.write("hello\n")
        bundles = {}
        for name in SHIPPED:
            path = os.path.join(tmp, name + ".zip")
            bundles[name] = (bundle_helper.build_bundle(name, path), path)
        plan = calls(tmp)
        seed = start(cache)  # stores and unpacks the bundles, as an earlier run would have
        for _, name, args in plan:
            request(seed, bundles, name, args, set(SHIPPED))
        seed.close()
        hello = first = 0.0
        per_first = dict((label, 0.0) for label, _, _ in plan)
        wall_first = dict((label, 0.0) for label, _, _ in plan)
        for _ in range(gates):
            t0 = time.monotonic()
            gate = start(cache)
            pid = gate.proc.pid
            hello += cpu_ms(pid)
            for label, name, args in plan:
                before = cpu_ms(pid)
                t1 = time.monotonic()
                request(gate, bundles, name, args, ship)
                wall_first[label] += time.monotonic() - t1
                per_first[label] += cpu_ms(pid) - before
            first += time.monotonic() - t0
            gate.close()
        print("fresh gate, Hello: %.1f ms CPU" % (hello / gates))
        for label, _, _ in plan:
            print("first %-19s %.1f ms CPU, %.2f ms wall" % (label, per_first[label] / gates,
                                                             wall_first[label] * 1000 / gates))
        gate = start(cache)
        pid = gate.proc.pid
        for _, name, args in plan:
            request(gate, bundles, name, args, ship)
        for label, name, args in plan:
            before = cpu_ms(pid)
            t0 = time.monotonic()
            for _ in range(n_calls):
                request(gate, bundles, name, args, ship)
            wall = (time.monotonic() - t0) * 1000 / n_calls
            print("warm  %-19s %.2f ms CPU, %.2f ms wall" % (label, (cpu_ms(pid) - before) / n_calls, wall))
        gate.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
