"""One typed definition of every gate message (docs/protocol/gate.md has the same tables in prose).

Each message is ``[type, data, id]``; MESSAGES maps the type to its fields as
``(name, kind, required)``. The TypeScript side (src/gate/_messages.ts) holds the same table and both
are tested against test/fixtures/gate-protocol.
"""

PROTOCOL_VERSION = 1
GATE_CAPABILITIES = ["multiplex", "bundles", "fork", "native"]

# Kinds: str, int (no bools), number, bool, object, array, str[] (array of strings), any, and
# "X?" which also accepts null.
MESSAGES = {
    # controller -> gate (Hello also gate -> controller)
    "Hello": (
        ("version", "int", True),
        ("capabilities", "str[]", True),
        ("max_frame", "int", False),
        ("gate_hash", "str", False),       # set by the gate
        ("python", "object", False),       # set by the gate: {version, executable}
        ("pid", "int", False),             # set by the gate
        ("native_modules", "str[]", False),  # set by the gate: modules it runs without a bundle
    ),
    "Module": (
        ("name", "str", True),
        ("args", "object", True),
        ("check_mode", "bool", False),
        ("diff_mode", "bool", False),
        ("bundle_hash", "str", False),
        ("python_module", "str", False),
        ("bundle", "str", False),          # base64 zip
        ("timeout", "number", False),      # seconds; the child is killed after it
        ("fork", "bool", False),           # false: run in a fresh interpreter instead of a forked child
    ),
    "Put": (
        ("path", "str", True),
        ("mode", "int?", False),
        ("chunk", "str", True),            # base64
        ("offset", "int", True),
        ("last", "bool", True),
    ),
    "Get": (
        ("path", "str", True),
        ("offset", "int", True),
        ("length", "int", True),
    ),
    "Shutdown": (
        ("timeout", "number", False),      # seconds to let in-flight requests finish; default 10
    ),
    # gate -> controller
    "ModuleResult": (
        ("result", "object?", True),       # the module's JSON, or null when it printed none
        ("rc", "int", True),
        ("stdout", "str", False),
        ("stderr", "str", False),
        ("timed_out", "bool", False),
    ),
    "ModuleNotFound": (
        ("name", "str", True),
        ("bundle_hash", "str?", True),
    ),
    "PutResult": (
        ("path", "str", True),
        ("written", "int", True),
        ("size", "int", False),            # on the last chunk only
        ("sha256", "str", False),          # on the last chunk only
    ),
    "GetResult": (
        ("path", "str", True),
        ("offset", "int", True),
        ("chunk", "str", True),            # base64
        ("eof", "bool", True),
        ("size", "int", True),
    ),
    "Goodbye": (),
    "Error": (
        ("message", "str", True),
        ("code", "str", False),
    ),
    "GateSystemError": (
        ("message", "str", True),
        ("traceback", "str", True),
    ),
}

REQUESTS = frozenset(["Hello", "Module", "Put", "Get", "Shutdown"])


class MessageError(Exception):
    """A request the gate answers with ``Error {code, message}``: wrong type or fields here, a bad bundle
    (cache.BundleError) or a failed transfer (transfer.TransferError); ``code`` is the reply's code."""

    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code
        self.message = message


def _kind_ok(kind, value):
    if kind.endswith("?"):
        if value is None:
            return True
        kind = kind[:-1]
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "str[]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    raise ValueError("unknown field kind %r" % kind)


_KIND_TEXT = {"str": "a string", "int": "an integer", "number": "a number", "bool": "a boolean",
              "object": "an object", "array": "an array", "str[]": "an array of strings", "any": "any value"}


def _kind_text(kind):
    if kind.endswith("?"):
        return _KIND_TEXT[kind[:-1]] + " or null"
    return _KIND_TEXT[kind]


def validate(msg_type, data):
    """Check a message against its definition; raises MessageError naming the field at fault.

    Unknown fields are allowed so a newer peer can add optional fields without a version bump.
    """
    fields = MESSAGES.get(msg_type)
    if fields is None:
        raise MessageError("unknown_type", "unknown message type %r" % (msg_type,))
    for name, kind, required in fields:
        if name not in data:
            if required:
                raise MessageError("bad_message", "%s: missing required field %r" % (msg_type, name))
            continue
        if not _kind_ok(kind, data[name]):
            raise MessageError("bad_message", "%s: field %r must be %s" % (msg_type, name, _kind_text(kind)))
    return data
