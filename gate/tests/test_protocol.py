"""Framing and message validation against the shared transcripts in test/fixtures/gate-protocol."""
import glob
import io
import json
import os
import unittest

from ftl_gate import messages, protocol

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures",
                        "gate-protocol")


class Trickle(io.RawIOBase):
    """A reader that hands out at most ``step`` bytes per read, like a socket splitting frames."""

    def __init__(self, data, step):
        self._data = data
        self._pos = 0
        self._step = step

    def readable(self):
        return True

    def read(self, n=-1):
        n = self._step if n < 0 else min(n, self._step)
        chunk = self._data[self._pos:self._pos + n]
        self._pos += len(chunk)
        return chunk


def decode_stream(reader, max_frame):
    events = []
    while True:
        try:
            msg_type, data, msg_id = protocol.read_frame(reader, max_frame)
        except protocol.EndOfStream:
            return events
        except protocol.FrameError as e:
            if e.fatal:
                events.append({"fatal": e.code})
                return events
            events.append({"error": e.code, "id": e.msg_id})
            continue
        try:
            messages.validate(msg_type, data)
        except messages.MessageError as e:
            events.append({"error": e.code, "id": msg_id})
            continue
        events.append({"message": [msg_type, data, msg_id]})


class FixtureTranscripts(unittest.TestCase):
    def test_every_fixture_decodes_as_expected_in_any_chunking(self):
        cases = sorted(glob.glob(os.path.join(FIXTURES, "*.bin")))
        self.assertGreaterEqual(len(cases), 8)
        for path in cases:
            with open(path, "rb") as f:
                raw = f.read()
            with open(path[:-4] + ".json") as f:
                doc = json.load(f)
            max_frame = doc.get("max_frame", protocol.DEFAULT_MAX_FRAME)
            for step in (1, 3, 7, 8, 9, len(raw) or 1):
                with self.subTest(fixture=os.path.basename(path), step=step):
                    self.assertEqual(decode_stream(Trickle(raw, step), max_frame), doc["expect"])


class Frames(unittest.TestCase):
    def test_encode_counts_utf8_bytes_and_round_trips(self):
        frame = protocol.encode_frame("Error", {"message": "日本"}, 3)
        self.assertEqual(frame[:8], b"%08x" % (len(frame) - 8))
        self.assertEqual(protocol.read_frame(io.BytesIO(frame)), ("Error", {"message": "日本"}, 3))

    def test_oversized_body_is_discarded_without_parsing(self):
        stream = io.BytesIO(b"00000020" + b"\xff" * 32 + protocol.encode_frame("Goodbye", {}, 1))
        with self.assertRaises(protocol.FrameError) as ctx:
            protocol.read_frame(stream, max_frame=16)
        self.assertEqual(ctx.exception.code, "frame_too_large")
        self.assertIn("32 bytes exceeds the 16 byte cap", ctx.exception.message)
        self.assertEqual(protocol.read_frame(stream, max_frame=16), ("Goodbye", {}, 1))

    def test_end_of_stream_between_frames_is_clean(self):
        with self.assertRaises(protocol.EndOfStream):
            protocol.read_frame(io.BytesIO(b""))

    def test_partial_header_is_fatal(self):
        with self.assertRaises(protocol.FrameError) as ctx:
            protocol.read_frame(io.BytesIO(b"0000"))
        self.assertTrue(ctx.exception.fatal)
        self.assertEqual(ctx.exception.code, "truncated")

    def test_writer_replaces_a_reply_over_the_cap_with_an_error(self):
        out = io.BytesIO()
        writer = protocol.FrameWriter(out, max_frame=100)
        writer.send("ModuleResult", {"result": {"x": "y" * 200}, "rc": 0}, 9)
        msg_type, data, msg_id = protocol.read_frame(io.BytesIO(out.getvalue()))
        self.assertEqual((msg_type, data["code"], msg_id), ("Error", "reply_too_large", 9))


class Messages(unittest.TestCase):
    def test_error_names_message_field_and_expected_kind(self):
        with self.assertRaises(messages.MessageError) as ctx:
            messages.validate("Get", {"path": "/x", "offset": "0", "length": 1})
        self.assertEqual(ctx.exception.message, "Get: field 'offset' must be an integer")
        with self.assertRaises(messages.MessageError) as ctx:
            messages.validate("ModuleNotFound", {"name": "x"})
        self.assertEqual(ctx.exception.message, "ModuleNotFound: missing required field 'bundle_hash'")

    def test_unknown_fields_are_allowed(self):
        self.assertEqual(messages.validate("Goodbye", {"later": 1}), {"later": 1})


if __name__ == "__main__":
    unittest.main()
