"""Runs gate-native modules for test/unit/gate/native-parity.test.ts.

stdin: a JSON list of {module, args, check_mode}; stdout: a JSON list of ModuleResult data, or
{"unsupported": true} where the gate would answer ModuleNotFound (the controller then ships the real module).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from ftl_gate import native  # noqa: E402

out = []
for case in json.load(sys.stdin):
    func = native.lookup(case["module"])
    try:
        if func is None:
            raise native.Unsupported("not native")
        out.append(native.run_native(func, case["args"], native.Context(check_mode=case.get("check_mode", False),
                                                                        diff_mode=case.get("diff_mode", False))))
    except native.Unsupported:
        out.append({"unsupported": True})
sys.stdout.write(json.dumps(out))
