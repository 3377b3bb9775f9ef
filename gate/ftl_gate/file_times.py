"""modification_time / access_time of the file module: ``preserve``, ``now`` or a time in a strptime
format, applied with utime and reported in the diff as st_mtime / st_atime floats."""
import os
import time

from .file_attrs import ModuleFail, b

NOW = object()


class TimesError(ModuleFail):
    """update_timestamp_for_file's failure: an exception the module may catch, not fail_json."""


def timestamp_for(value, fmt):
    """get_timestamp_for_time: None for preserve, NOW, or seconds since the epoch (local time)."""
    if value == "preserve":
        return None
    if value == "now":
        return NOW
    try:
        return time.mktime(time.strptime(value, fmt))
    except (ValueError, OverflowError) as e:
        raise ModuleFail({"msg": "Error while obtaining timestamp for time %s using format %s: %s"
                                 % (value, fmt, e)})


def default_for(value, state):
    """keep_backward_compatibility_on_timestamps: touch means now, the other states preserve."""
    if value is None and state in ("file", "hard", "directory", "link"):
        return "preserve"
    if value is None and state == "touch":
        return "now"
    return value


def update(path, mtime, atime, diff, check):
    """update_timestamp_for_file: whether the times change (or would, in check mode)."""
    b_path = b(path)
    try:
        if mtime is NOW and atime is NOW:
            # utime(path, None) needs no ownership of the file; the diff shows the clock instead.
            mtime = atime = time.time()
            st = os.stat(b_path)
            prev_m, prev_a = st.st_mtime, st.st_atime
            times = None
        else:
            if mtime is None and atime is None:
                return False
            st = os.stat(b_path)
            prev_m, prev_a = st.st_mtime, st.st_atime
            mtime = prev_m if mtime is None else time.time() if mtime is NOW else mtime
            atime = prev_a if atime is None else time.time() if atime is NOW else atime
            if mtime == prev_m and atime == prev_a:
                return False
            times = (atime, mtime)
        if not check:
            os.utime(b_path, times)
        if diff is not None:
            if mtime != prev_m:
                diff.setdefault("before", {})["mtime"] = prev_m
                diff.setdefault("after", {})["mtime"] = mtime
            if atime != prev_a:
                diff.setdefault("before", {})["atime"] = prev_a
                diff.setdefault("after", {})["atime"] = atime
    except OSError as e:
        raise TimesError({"msg": "Error while updating modification or access time: %s" % e, "path": path})
    return True
