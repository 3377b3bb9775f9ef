"""json.loads and json.dumps for the frames, straight from CPython's ``_json`` accelerator.

Importing ``json`` imports ``re`` (and with it ``enum``): 3 ms of every gate start on every host. The C
scanner and encoder that ``json`` itself uses need neither, so valid JSON is decoded and encodable values
are encoded by exactly the code ``json`` would run. Anything else (invalid JSON, NaN, a value json cannot
encode, an interpreter without ``_json``) is handed to the real ``json`` module, which gives its own
result or its own error.
"""
try:
    import _json
except ImportError:  # not CPython: the json module does everything
    _json = None

_MISSING = object()
_WHITESPACE = " \t\n\r"


class _Unusual(Exception):
    pass


def _unusual(*_args):
    raise _Unusual()


class _Context(object):
    """What json.scanner.make_scanner reads from a JSONDecoder (strict, no hooks, float and int as is)."""
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod(_unusual)  # NaN and Infinity: left to json and the caller's parse_constant
    memo = None


_scan = _json.make_scanner(_Context()) if _json is not None else None


def _skip(text, at):
    end = len(text)
    while at < end and text[at] in _WHITESPACE:
        at += 1
    return at


def loads(text, parse_constant=None):
    """json.loads(text, parse_constant=parse_constant) for a str."""
    value = _MISSING
    if _scan is not None:
        try:
            value, end = _scan(text, _skip(text, 0))
        except Exception:  # noqa: BLE001 - StopIteration, JSONDecodeError, _Unusual: json words it
            value = _MISSING
        else:
            if _skip(text, end) != len(text):
                value = _MISSING
    if value is _MISSING:
        import json
        return json.loads(text, parse_constant=parse_constant)
    return value


def dumps(value):
    """json.dumps(value, ensure_ascii=False, separators=(",", ":"))."""
    if _json is not None:
        encode = _json.make_encoder({}, _unusual, _json.encode_basestring, None, ":", ",", False, False, True)
        try:
            return "".join(encode(value, 0))
        except _Unusual:
            pass
    import json
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
