"""Gate CPU per request, without ssh: first calls in fresh gates (bundles already cached on disk) and warm calls.

CPU is the gate's own plus the module processes it reaped (/proc utime+stime+cutime+cstime), so a number here
is what one host pays. Usage, from gate/: ``/usr/bin/python3 -m tests.bench_gate [--gates 10] [--calls 40]``.
"""
import base64
import os
import shutil
import sys
import tempfile
import time

from ftl_gate import native
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


def calls(work):
    target = os.path.join(work, "target")
    return [
        ("file", {"path": os.path.join(work, "d"), "state": "directory"}),
        ("copy", {"src": os.path.join(work, "src.txt"), "dest": target, "remote_src": True}),
        ("lineinfile", {"path": os.path.join(work, "app.conf"), "regexp": "^port=", "line": "port=8080", "create": True}),
        ("blockinfile", {"path": os.path.join(work, "block.txt"), "block": "a=1\nb=2", "create": True}),
        # The same calls as the real modules, shipped (what a gate without the native ones pays).
        ("lineinfile/shipped", {"path": os.path.join(work, "app.conf"), "regexp": "^port=", "line": "port=8080",
                                "create": True}),
        ("blockinfile/shipped", {"path": os.path.join(work, "block.txt"), "block": "a=1\nb=2", "create": True}),
        ("command", {"_raw_params": "echo hi"}),
        ("stat", {"path": "/etc/passwd"}),
    ]


def start(cache):
    gate = GateProcess([SYSTEM_PYTHON, "-S", os.path.join(GATE_DIR, "__main__.py"), "--site-on-use"], cache)
    gate.hello()
    return gate


def request(gate, bundles, label, args):
    name, shipped = label.split("/")[0], label.endswith("/shipped")
    data = {"name": name, "args": args}
    if name in bundles and (shipped or name not in native.MODULES):
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
        for name, args in plan:
            request(seed, bundles, name, args)
        seed.close()
        hello = first = 0.0
        per_first = dict((name, 0.0) for name, _ in plan)
        for _ in range(gates):
            t0 = time.monotonic()
            gate = start(cache)
            pid = gate.proc.pid
            hello += cpu_ms(pid)
            for name, args in plan:
                before = cpu_ms(pid)
                request(gate, bundles, name, args)
                per_first[name] += cpu_ms(pid) - before
            first += time.monotonic() - t0
            gate.close()
        print("fresh gate, Hello: %.1f ms CPU" % (hello / gates))
        for name, _ in plan:
            print("first %-19s %.1f ms CPU" % (name, per_first[name] / gates))
        gate = start(cache)
        pid = gate.proc.pid
        for name, args in plan:
            request(gate, bundles, name, args)
        for name, args in plan:
            before = cpu_ms(pid)
            t0 = time.monotonic()
            for _ in range(n_calls):
                request(gate, bundles, name, args)
            wall = (time.monotonic() - t0) * 1000 / n_calls
            print("warm  %-19s %.2f ms CPU, %.2f ms wall" % (name, (cpu_ms(pid) - before) / n_calls, wall))
        gate.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
