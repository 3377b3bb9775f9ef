"""Writes test/fixtures/gate-protocol/*.bin and *.json: byte streams and what both decoders must see.

The expectations are written out by hand here, not produced by the decoders under test. Run it only
when the cases change: ``/usr/bin/python3 gate/tests/make_fixtures.py``.
"""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "gate-protocol")


def frame(body):
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return b"%08x" % len(raw) + raw


HELLO_IN = '["Hello",{"version":1,"capabilities":["multiplex"]},0]'
HELLO_OUT = ('["Hello",{"version":1,"gate_hash":"ab12","python":{"version":"3.11.2","executable":"/usr/bin/python3"},'
             '"pid":42,"capabilities":["multiplex","bundles","fork","native"],"max_frame":67108864},0]')
UNICODE = '["Module",{"name":"ping","args":{"data":"héllo wörld ✓ 日本語 🚀"}},7]'

CASES = [
    ("handshake", "a whole session: Hello both ways, a native ping, Shutdown and Goodbye", None,
     [frame(HELLO_IN), frame(HELLO_OUT), frame('["Module",{"name":"ping","args":{}},1]'),
      frame('["ModuleResult",{"result":{"ping":"pong"},"rc":0},1]'), frame('["Shutdown",{},2]'),
      frame('["Goodbye",{},2]')],
     [{"message": ["Hello", {"version": 1, "capabilities": ["multiplex"]}, 0]},
      {"message": ["Hello", {"version": 1, "gate_hash": "ab12", "python": {"version": "3.11.2",
                   "executable": "/usr/bin/python3"}, "pid": 42,
                   "capabilities": ["multiplex", "bundles", "fork", "native"], "max_frame": 67108864}, 0]},
      {"message": ["Module", {"name": "ping", "args": {}}, 1]},
      {"message": ["ModuleResult", {"result": {"ping": "pong"}, "rc": 0}, 1]},
      {"message": ["Shutdown", {}, 2]},
      {"message": ["Goodbye", {}, 2]}]),
    ("unicode", "the header counts UTF-8 bytes, not characters", None,
     [frame(UNICODE), frame('["Error",{"message":"ça ne va pas"},null]')],
     [{"message": ["Module", {"name": "ping", "args": {"data": "héllo wörld ✓ 日本語 🚀"}}, 7]},
      {"message": ["Error", {"message": "ça ne va pas"}, None]}]),
    ("oversized", "a frame over the cap is skipped unread and the next frame still decodes", 64,
     [frame('["Module",{"name":"ping","args":{"data":"' + "x" * 80 + '"}},3]'),
      frame('["Get",{"path":"/p","offset":0,"length":9},4]')],
     [{"error": "frame_too_large", "id": None},
      {"message": ["Get", {"path": "/p", "offset": 0, "length": 9}, 4]}]),
    ("malformed-json", "bad JSON and bad UTF-8 give errors; the stream stays in sync", None,
     [frame('["Hello",{'), frame(b'["Error",{"message":"\xff\xfe"},null]'), frame('["Goodbye",{},NaN]'),
      frame('["Goodbye",{},5]')],
     [{"error": "bad_json", "id": None}, {"error": "bad_json", "id": None}, {"error": "bad_json", "id": None},
      {"message": ["Goodbye", {}, 5]}]),
    ("non-array", "bodies that are not [type, data, id]", None,
     [frame('{"type":"Hello"}'), frame('["Hello",{"version":1,"capabilities":[]}]'),
      frame('["Module",[],7]'), frame('[1,{},8]'), frame('["Goodbye",{},"9"]'), frame('["Goodbye",{},true]'),
      frame('["Goodbye",{},10]')],
     [{"error": "bad_body", "id": None}, {"error": "bad_body", "id": None}, {"error": "bad_body", "id": 7},
      {"error": "bad_body", "id": 8}, {"error": "bad_body", "id": None}, {"error": "bad_body", "id": None},
      {"message": ["Goodbye", {}, 10]}]),
    ("bad-message", "well-framed messages with an unknown type or a wrong field", None,
     [frame('["Module",{"args":{}},3]'), frame('["Launch",{},4]'),
      frame('["Put",{"path":"x","chunk":"","offset":true,"last":false},5]'),
      frame('["Hello",{"version":1,"capabilities":["a",2]},6]'),
      frame('["ModuleResult",{"result":null,"rc":-9,"timed_out":true},11]')],
     [{"error": "bad_message", "id": 3}, {"error": "unknown_type", "id": 4}, {"error": "bad_message", "id": 5},
      {"error": "bad_message", "id": 6},
      {"message": ["ModuleResult", {"result": None, "rc": -9, "timed_out": True}, 11]}]),
    ("bad-header", "a header that is not 8 lowercase hex digits loses the stream for good", None,
     [frame('["Goodbye",{},1]'), b"0000001A" + b'["Goodbye",{},2]xxxxxxxxxx', frame('["Goodbye",{},3]')],
     [{"message": ["Goodbye", {}, 1]}, {"fatal": "bad_header"}]),
    ("truncated", "the stream ends inside a frame body", None,
     [frame('["Goodbye",{},1]'), b"00000064" + b'["Goodbye",'],
     [{"message": ["Goodbye", {}, 1]}, {"fatal": "truncated"}]),
]


def main():
    if not os.path.isdir(OUT):
        os.makedirs(OUT)
    for name, description, max_frame, pieces, expect in CASES:
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(b"".join(pieces))
        doc = {"description": description, "expect": expect}
        if max_frame is not None:
            doc["max_frame"] = max_frame
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
