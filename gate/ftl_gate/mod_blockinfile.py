"""blockinfile, as ansible.modules.blockinfile answers it (ansible-core 2.14), without validate, SELinux or chattr attributes.

``re`` is imported only for an insertafter/insertbefore pattern or a marker_begin/end holding a backslash.
"""
import os

from . import textfile
from .native import Unsupported

SPEC = {
    "path": ("path", None), "state": ("str", "present", ("absent", "present")),
    "marker": ("str", "# {mark} ANSIBLE MANAGED BLOCK"), "block": ("str", ""), "insertafter": ("str", None),
    "insertbefore": ("str", None), "create": ("bool", False), "backup": ("bool", False), "validate": ("str", None),
    "marker_begin": ("str", "BEGIN"), "marker_end": ("str", "END"),
}
SPEC.update(textfile.FILE_COMMON)
ALIASES = {"dest": "path", "destfile": "path", "name": "path", "content": "block"}
ALIASES.update(textfile.FILE_COMMON_ALIASES)
EXCLUSIVE = (("insertbefore", "insertafter"),)
_SEP = os.linesep.encode("ascii")


def run(short, args, ctx):
    params, path, out = textfile.begin(args, SPEC, EXCLUSIVE, ALIASES)
    b_path = textfile.to_bytes(path)
    if os.path.isdir(b_path):
        return _fail(out, "Path %s is a directory !" % path, 256)
    exists = os.path.exists(b_path)
    if exists:
        original = textfile.read_file(b_path)
        lines = original.splitlines(True)
    else:
        if not params["create"]:
            return _fail(out, "Path %s does not exist !" % path, 257)
        b_dir = os.path.dirname(b_path)
        if not os.path.exists(b_dir) and not ctx.check_mode:
            try:
                os.makedirs(b_dir)
            except Exception:
                raise Unsupported("makedirs failed")  # the real module dies formatting its message
        original = None
        lines = []
    diff = textfile.content_diff(path)
    if ctx.diff_mode and original:
        diff["before"] = textfile.to_text(original)
    present = params["state"] == "present"
    if not present and not exists:
        out.update(changed=False, msg="File %s not present" % path)
        return out, 0
    blocklines = _block_lines(params) if present else []
    _place(lines, blocklines, original, params)
    result = b"".join(lines)
    if ctx.diff_mode:
        diff["after"] = textfile.to_text(result)
    if original == result:
        changed, msg = False, ""
    else:
        changed = True
        msg = "File created" if original is None else "Block inserted" if blocklines else "Block removed"
    backup = ""
    if changed and not ctx.check_mode:
        backup = textfile.replace(path, os.path.realpath(b_path), result, params["backup"] and exists, ctx)
    out.update(changed=changed, msg=msg)
    if ctx.check_mode and not exists:
        out["diff"] = diff
        return out, 0
    if backup:
        out["backup_file"] = backup
    return textfile.finish(out, params, path, diff, ctx)


def _fail(out, msg, rc):
    out.update(failed=True, msg=msg, rc=rc)
    return out, 1


def _marker(marker, mark):
    """The marker line: the module puts marker_begin/end (as latin-1) in with re.sub, escapes and all."""
    try:
        b_mark = mark.encode("latin-1")
    except UnicodeEncodeError:
        raise Unsupported("marker not latin-1")
    if b"\\" in b_mark:
        import re
        try:
            return re.sub(b"{mark}", b_mark, marker) + _SEP
        except re.error:
            raise Unsupported("bad escape in marker")
    return marker.replace(b"{mark}", b_mark) + _SEP


def _block_lines(params):
    block = textfile.to_bytes(params["block"])
    if not block:
        return []
    marker = textfile.to_bytes(params["marker"])
    if not block.endswith(_SEP):
        block += _SEP
    return [_marker(marker, params["marker_begin"])] + block.splitlines(True) + [_marker(marker, params["marker_end"])]


def _place(lines, blocklines, original, params):
    """Replaces the marked block in lines (or puts it where insertafter/insertbefore say), as the module does."""
    marker = textfile.to_bytes(params["marker"])
    begin, end = _marker(marker, params["marker_begin"]), _marker(marker, params["marker_end"])
    after, before = params["insertafter"], params["insertbefore"]
    if after is None and before is None:
        after = "EOF"
    pattern = after if after not in (None, "EOF") else before if before not in (None, "BOF") else None
    found = _compile(pattern) if pattern is not None else None  # compiled first: a bad one fails the module
    n0 = n1 = None
    for i, line in enumerate(lines):
        if line == begin:
            n0 = i
        if line == end:
            n1 = i
    if n0 is None or n1 is None:
        n0 = _anchor(lines, original, found, after, before)
    elif n0 < n1:
        del lines[n0:n1 + 1]
    else:
        del lines[n1:n0 + 1]
        n0 = n1
    if n0 > len(lines):
        raise Unsupported("anchor past the end")  # the real module fails with an IndexError
    if n0 > 0 and not lines[n0 - 1].endswith(_SEP):
        lines[n0 - 1] += _SEP
    lines[n0:n0] = blocklines


def _compile(pattern):
    import re
    try:
        return re.compile(textfile.to_bytes(pattern))
    except re.error:
        raise Unsupported("bad regular expression")  # the real module dies with a traceback


def _anchor(lines, original, found, after, before):
    """The line index a new block goes to."""
    if found is None:
        return 0 if before is not None else len(lines)
    import re
    n0 = None
    if found.flags & re.MULTILINE:
        # Searched in the whole file; the line is counted in the decoded text up to the match's byte offset.
        if original is None:
            raise Unsupported("multiline pattern on a new file")  # the real module fails searching None
        m = found.search(original)
        if m:
            if after:
                n0 = textfile.to_text(original).count("\n", 0, m.end())
            elif before:
                n0 = textfile.to_text(original).count("\n", 0, m.start())
    else:
        for i, line in enumerate(lines):
            if found.search(line):
                n0 = i
    if n0 is None:
        return len(lines)
    return n0 + 1 if after is not None else n0
