"""json_fast gives json's answers: the same values, the same text, the same errors."""
import json
import unittest

from ftl_gate import json_fast


def _no_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def outcome(func, *args, **kwargs):
    try:
        return "ok", func(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the error itself is what is compared
        return type(e).__name__, str(e)


class JsonFast(unittest.TestCase):
    def test_decoding_matches_json(self):
        for text in ('[1,2]', ' {"a": [1, 2.5, -3e10, true, false, null, "h\\u00e9\\n"]}\r\n', '[1] x', '', '   ',
                     '\ufeff[1]', '[NaN]', '[-Infinity]', '{"a":1,}', '"\x01"', '[1e400]', '123456789012345678901234',
                     '["\\ud800"]', '{"a":1,"a":2}', '[', '{"a" 1}'):
            self.assertEqual(outcome(json_fast.loads, text, parse_constant=_no_constant),
                             outcome(json.loads, text, parse_constant=_no_constant), text)

    def test_encoding_matches_json(self):
        for value in (["Hello", {"a": "é\u2028\ud800\x00", "b": [1.5, 1e400, -0.0, 10 ** 30, True, None]}, 1],
                      [{1: 2, None: 3, 2.5: 1, True: 0}], [float("nan")], [b"bytes"], [{(1, 2): 3}], [object()]):
            self.assertEqual(outcome(json_fast.dumps, value),
                             outcome(json.dumps, value, ensure_ascii=False, separators=(",", ":")), repr(value))

    def test_a_circular_value_is_refused_as_json_refuses_it(self):
        value = []
        value.append(value)
        self.assertEqual(outcome(json_fast.dumps, value), ("ValueError", "Circular reference detected"))


if __name__ == "__main__":
    unittest.main()
