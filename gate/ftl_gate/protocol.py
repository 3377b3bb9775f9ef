"""Framing of the gate wire protocol (see docs/protocol/gate.md, "Frames").

A frame is 8 lowercase hex ASCII digits giving the byte length of the body, then the body:
UTF-8 JSON ``[type, data, id]``. No newline. Bodies above the cap are read and thrown away so the
stream stays in sync; a header that is not hex cannot be resynchronised and ends the session.
"""
import _thread

from . import json_fast

HEADER_SIZE = 8
DEFAULT_MAX_FRAME = 64 * 1024 * 1024
_HEX = frozenset(b"0123456789abcdef")
_DISCARD_CHUNK = 1024 * 1024


class FrameError(Exception):
    """A frame that could not be decoded. ``code`` is the wire code of the Error reply.

    ``fatal`` means the stream is out of sync and the session must end; ``msg_id`` is the
    request id when it could be read from the body, so the reply can still be matched.
    """

    def __init__(self, code, message, fatal=False, msg_id=None):
        Exception.__init__(self, message)
        self.code = code
        self.message = message
        self.fatal = fatal
        self.msg_id = msg_id


class EndOfStream(Exception):
    """The peer closed the stream between frames (a clean end)."""


def _read_exact(reader, size):
    chunks = []
    remaining = size
    while remaining > 0:
        chunk = reader.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _discard(reader, size):
    remaining = size
    while remaining > 0:
        chunk = reader.read(min(remaining, _DISCARD_CHUNK))
        if not chunk:
            return False
        remaining -= len(chunk)
    return True


def parse_header(header):
    """Body length from an 8-byte header, or None when it is not 8 lowercase hex digits."""
    if len(header) != HEADER_SIZE or not all(b in _HEX for b in bytearray(header)):
        return None
    return int(header.decode("ascii"), 16)


def decode_body(body):
    """``(type, data, id)`` from a frame body; raises a non-fatal FrameError when malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FrameError("bad_json", "frame body is not UTF-8: %s" % e)
    try:
        value = json_fast.loads(text, parse_constant=_reject_constant)
    except ValueError as e:
        raise FrameError("bad_json", "frame body is not JSON: %s" % e)
    if not isinstance(value, list) or len(value) != 3:
        raise FrameError("bad_body", "frame body must be a JSON array [type, data, id], got %s"
                         % _describe(value))
    msg_type, data, msg_id = value
    if not _is_id(msg_id):
        raise FrameError("bad_body", "message id must be an integer or null, got %s" % _describe(msg_id))
    if not isinstance(msg_type, str):
        raise FrameError("bad_body", "message type must be a string, got %s" % _describe(msg_type),
                         msg_id=msg_id)
    if not isinstance(data, dict):
        raise FrameError("bad_body", "message data must be a JSON object, got %s" % _describe(data),
                         msg_id=msg_id)
    return msg_type, data, msg_id


def _reject_constant(name):
    # NaN and Infinity are not JSON; the TypeScript side rejects them too.
    raise ValueError("%s is not valid JSON" % name)


def _is_id(value):
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _describe(value):
    if isinstance(value, list):
        return "an array of %d element(s)" % len(value)
    if value is None:
        return "null"
    return {dict: "an object", str: "a string", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def read_frame(reader, max_frame=DEFAULT_MAX_FRAME):
    """Read one frame and return ``(type, data, id)``.

    Raises EndOfStream at a clean end, FrameError for a bad frame (fatal when the stream is lost).
    """
    header = _read_exact(reader, HEADER_SIZE)
    if not header:
        raise EndOfStream()
    if len(header) < HEADER_SIZE:
        raise FrameError("truncated", "stream ended inside a frame header", fatal=True)
    size = parse_header(header)
    if size is None:
        raise FrameError("bad_header", "frame header must be 8 lowercase hex digits, got %r" % header,
                         fatal=True)
    if size > max_frame:
        if not _discard(reader, size):
            raise FrameError("truncated", "stream ended inside an oversized frame", fatal=True)
        raise FrameError("frame_too_large", "frame of %d bytes exceeds the %d byte cap" % (size, max_frame))
    body = _read_exact(reader, size)
    if len(body) < size:
        raise FrameError("truncated", "stream ended inside a frame body (%d of %d bytes)"
                         % (len(body), size), fatal=True)
    return decode_body(body)


def encode_frame(msg_type, data, msg_id=None):
    """The bytes of one frame. ``ensure_ascii=False`` keeps unicode bodies compact as UTF-8."""
    body = json_fast.dumps([msg_type, data, msg_id])
    raw = body.encode("utf-8", "replace")
    return ("%08x" % len(raw)).encode("ascii") + raw


class FrameWriter(object):
    """Writes whole frames atomically so replies from many threads never interleave."""

    def __init__(self, writer, max_frame=DEFAULT_MAX_FRAME):
        self._writer = writer
        self._lock = _thread.allocate_lock()
        self.max_frame = max_frame

    def send(self, msg_type, data, msg_id=None):
        frame = encode_frame(msg_type, data, msg_id)
        if len(frame) - HEADER_SIZE > self.max_frame:
            frame = encode_frame("Error", {
                "code": "reply_too_large",
                "message": "%s reply of %d bytes exceeds the %d byte cap" % (
                    msg_type, len(frame) - HEADER_SIZE, self.max_frame),
            }, msg_id)
        with self._lock:
            self._writer.write(frame)
            self._writer.flush()
