"""file_mode's symbolic modes against AnsibleModule._symbolic_mode_to_octal, and the up-front declines."""
import os
import random
import stat
import subprocess
import unittest

from ftl_gate.file_mode import check_mode_arg, current_umask, symbolic_to_octal
from ftl_gate.native import Unsupported
from tests.gate_process import SYSTEM_PYTHON

# Prints, per line of stdin "st_mode<TAB>text", AnsibleModule's octal mode or the exception's class and text.
_ORACLE = r"""
import os, sys
from ansible.module_utils.basic import AnsibleModule
class St(object):
    def __init__(self, m):
        self.st_mode = m
for line in sys.stdin.read().split("\n"):
    m, text = line.split("\t", 1)
    try:
        print(oct(AnsibleModule._symbolic_mode_to_octal(St(int(m)), text)))
    except Exception as e:
        print(type(e).__name__ + ":" + str(e))
"""


def _random_text(rand):
    clauses = []
    for _ in range(rand.randint(1, 3)):
        clause = "".join(rand.choice("ugoa") for _ in range(rand.randint(0, 2)))
        for _ in range(rand.randint(1, 2)):
            clause += rand.choice("+=-") + "".join(rand.choice("rwxXstugo") for _ in range(rand.randint(0, 3)))
        clauses.append(clause)
    return ",".join(clauses)


class SymbolicModes(unittest.TestCase):
    def test_equal_to_ansible_module(self):
        rand = random.Random(11)
        cases = [(rand.choice((0o100644, 0o100755, 0o40700, 0o100000, 0o104751)), _random_text(rand))
                 for _ in range(400)]
        cases += [(0o100644, t) for t in ("u=q", "z=r", "=rw", "a+X", "ug", "o=g-x", "u=rw,g=r,o=")]
        proc = subprocess.run([SYSTEM_PYTHON, "-c", _ORACLE], input="\n".join("%d\t%s" % c for c in cases).encode(),
                              stdout=subprocess.PIPE, check=True)
        for (st_mode, text), want in zip(cases, proc.stdout.decode().splitlines()):
            with self.subTest(mode=oct(st_mode), text=text):
                try:
                    got = oct(symbolic_to_octal(st_mode, text))
                except ValueError as e:
                    got = "ValueError:" + str(e)
                except KeyError:
                    # Declined up front: the real module's own words (or crash) answer it.
                    self.assertRaises(Unsupported, check_mode_arg, text)
                    continue
                self.assertEqual(got, want)

    def test_declines_what_it_does_not_convert(self):
        for mode in (True, 1.5, -1, 0o10000, "17777", "-1", "ux=r", "u=rz", ["0644"]):
            with self.subTest(mode=mode):
                self.assertRaises(Unsupported, check_mode_arg, mode)
        for mode in (None, 0o644, "0644", "0o755", "u=q", "=rw"):
            self.assertEqual(check_mode_arg(mode), mode)

    def test_umask_read_without_changing_it(self):
        umask = os.umask(0o27)
        try:
            import ftl_gate.file_mode as fm
            fm._umask = None
            self.assertEqual(current_umask(), 0o27)
        finally:
            os.umask(umask)
            fm._umask = None
        self.assertTrue(stat.S_IMODE(0o777 & ~current_umask()))


if __name__ == "__main__":
    unittest.main()
