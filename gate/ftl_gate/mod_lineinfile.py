"""lineinfile, as ansible.modules.lineinfile answers it (ansible-core 2.14), without validate, SELinux or chattr attributes.

``re`` is imported only when a regular expression is given (it costs ~2 ms to import on a fresh gate).
"""
import os

from . import textfile
from .native import Unsupported

SPEC = {
    "path": ("path", None), "state": ("str", "present", ("absent", "present")), "regexp": ("str", None),
    "search_string": ("str", None), "line": ("str", None), "insertafter": ("str", None),
    "insertbefore": ("str", None), "backrefs": ("bool", False), "create": ("bool", False),
    "backup": ("bool", False), "firstmatch": ("bool", False), "validate": ("str", None),
}
SPEC.update(textfile.FILE_COMMON)
ALIASES = {"dest": "path", "destfile": "path", "name": "path", "regex": "regexp", "value": "line"}
ALIASES.update(textfile.FILE_COMMON_ALIASES)
EXCLUSIVE = (("insertbefore", "insertafter"), ("regexp", "search_string"), ("backrefs", "search_string"))
_EMPTY = ("The %s is an empty string, which will match every line in the file. This may have unintended "
          "consequences, such as replacing the last line in the file rather than appending.")
_SEP = os.linesep.encode("ascii")
_SPECIAL = frozenset(b".^$*+?{}[]\\|()")


def run(short, args, ctx):
    params, path, out = textfile.begin(args, SPEC, EXCLUSIVE, ALIASES)
    if params["regexp"] == "":
        out["warnings"] = [_EMPTY % "regular expression" + " If this is desired, use '^' to match every line "
                           "in the file and avoid this warning."]
    elif params["search_string"] == "":
        out["warnings"] = [_EMPTY % "search string"]
    b_path = textfile.to_bytes(path)
    if os.path.isdir(b_path):
        return _fail(out, "Path %s is a directory !" % path, 256)
    if params["state"] == "present":
        if params["backrefs"] and params["regexp"] is None:
            return _fail(out, "regexp is required with backrefs=true")
        if params["line"] is None:
            return _fail(out, "line is required with state=present")
        return _present(path, b_path, params, ctx, out)
    if (params["regexp"], params["search_string"], params["line"]) == (None, None, None):
        return _fail(out, "one of line, search_string, or regexp is required with state=absent")
    return _absent(path, b_path, params, ctx, out)


def _fail(out, msg, rc=None):
    out.update(failed=True, msg=msg)
    if rc is not None:
        out["rc"] = rc
    return out, 1


def _compile(pattern):
    """pattern.search for a compiled pattern; a literal, or ^ and a literal (the usual "^port="), is matched
    without importing re, with the same answer (truthy exactly where re.search finds a match)."""
    b_pattern = textfile.to_bytes(pattern)
    anchored = b_pattern[:1] == b"^"
    literal = b_pattern[1:] if anchored else b_pattern
    if literal and not any(c in _SPECIAL for c in literal):
        return (lambda cur: cur.startswith(literal)) if anchored else (lambda cur: literal in cur)
    import re
    try:
        return re.compile(b_pattern).search
    except re.error:
        raise Unsupported("bad regular expression")  # the real module dies with a traceback


def _compile_re(pattern):
    import re
    try:
        return re.compile(textfile.to_bytes(pattern))
    except re.error:
        raise Unsupported("bad regular expression")


def _present(path, b_path, params, ctx, out):
    diff = textfile.content_diff(path)
    if os.path.exists(b_path):
        b_lines = textfile.read_file(b_path, lines=True)
    else:
        if not params["create"]:
            return _fail(out, "Destination %s does not exist !" % path, 257)
        b_dir = os.path.dirname(b_path)
        if b_dir and not os.path.exists(b_dir) and not ctx.check_mode:
            try:
                os.makedirs(b_dir)
            except Exception as e:
                return _fail(out, "Error creating %s (%s)" % (textfile.to_text(b_dir), e))
        b_lines = []
    if ctx.diff_mode:
        diff["before"] = textfile.to_text(b"".join(b_lines))
    changed, msg = _edit(b_lines, params)
    if ctx.diff_mode:
        diff["after"] = textfile.to_text(b"".join(b_lines))
    backup = ""
    if changed and not ctx.check_mode:
        backup = textfile.replace(path, os.path.realpath(b_path), b"".join(b_lines), params["backup"], ctx)
    out.update(changed=changed, msg=msg, backup=backup)
    if ctx.check_mode and not os.path.exists(b_path):
        out["diff"] = diff
        return out, 0
    return textfile.finish(out, params, path, diff, ctx)


def _edit(b_lines, params):
    """Edits b_lines in place the way lineinfile's present() does; returns (changed, msg)."""
    regexp, search, backrefs, first = params["regexp"], params["search_string"], params["backrefs"], params["firstmatch"]
    after, before = params["insertafter"], params["insertbefore"]
    if after is None and before is None:
        after = "EOF"
    b_line = textfile.to_bytes(params["line"])
    if after not in (None, "BOF", "EOF"):
        where = _compile(after)
    elif before not in (None, "BOF"):
        where = _compile(before)
    else:
        where = None
    found = insert_at = -1
    match = None
    if regexp is not None:
        # Backreferences need a real match object.
        find = _compile_re(regexp).search if backrefs else _compile(regexp)
        for i, cur in enumerate(b_lines):
            m = find(cur)
            if m:
                found, match = i, m
                if first:
                    break
    if search is not None:
        b_search = textfile.to_bytes(search)
        for i, cur in enumerate(b_lines):
            if b_search in cur:
                found, match = i, True
                if first:
                    break
    if not match:
        # Neither matched: the line itself, or the insertafter/insertbefore anchor.
        for i, cur in enumerate(b_lines):
            if cur.rstrip(b"\r\n") == b_line:
                found = i
            elif where is not None and where(cur):
                insert_at = i + 1 if after else i
                if first:
                    break
    if found != -1:
        new = b_line
        if backrefs and match:
            import re
            try:
                new = match.expand(b_line)
            except (re.error, IndexError):
                raise Unsupported("bad backreference")
        if not new.endswith(_SEP):
            new += _SEP
        if b_lines[found] == new:
            return False, ""
        b_lines[found] = new
        return True, "line replaced"
    if backrefs:
        return False, ""  # without a match there is nothing to expand the backreferences from
    if before == "BOF" or after == "BOF":
        b_lines.insert(0, b_line + _SEP)
    elif after == "EOF" or insert_at == -1:
        if b_lines and b_lines[-1][-1:] not in (b"\n", b"\r"):
            b_lines.append(_SEP)
        b_lines.append(b_line + _SEP)
    elif after:
        # Not again when the line already follows the anchor.
        neighbour = b_lines[insert_at - 1] if insert_at == len(b_lines) else b_lines[insert_at]
        if neighbour.rstrip(b"\r\n") == b_line:
            return False, ""
        b_lines.insert(insert_at, b_line + _SEP)
    else:
        b_lines.insert(insert_at, b_line + _SEP)
    return True, "line added"


def _absent(path, b_path, params, ctx, out):
    if not os.path.exists(b_path):
        out.update(changed=False, msg="file not present")
        return out, 0
    diff = textfile.content_diff(path)
    b_lines = textfile.read_file(b_path, lines=True)
    if ctx.diff_mode:
        diff["before"] = textfile.to_text(b"".join(b_lines))
    b_line = textfile.to_bytes(params["line"]) if params["line"] is not None else b"None"
    if params["regexp"] is not None:
        search = _compile(params["regexp"])
    elif params["search_string"] is not None:
        b_search = textfile.to_bytes(params["search_string"])
        search = lambda cur: b_search in cur  # noqa: E731
    else:
        search = lambda cur: cur.rstrip(b"\r\n") == b_line  # noqa: E731
    kept = [cur for cur in b_lines if not search(cur)]
    removed = len(b_lines) - len(kept)
    if ctx.diff_mode:
        diff["after"] = textfile.to_text(b"".join(kept))
    backup = ""
    if removed and not ctx.check_mode:
        backup = textfile.replace(path, os.path.realpath(b_path), b"".join(kept), params["backup"], ctx)
    out.update(changed=removed > 0, found=removed, msg="%s line(s) removed" % removed if removed else "",
               backup=backup)
    return textfile.finish(out, params, path, diff, ctx)
