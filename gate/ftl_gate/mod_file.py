"""file, as ansible.modules.file answers it: states file, directory, touch, absent, link and hard, with its
result keys, diff, messages, check mode and ``invocation.module_args``.

Declined (the real module runs): ``attributes``, SELinux hosts, relative paths (and a relative ``src`` for
hard links), and the call where the real module would crash (state=link without src on a path that is not
a link).
"""
import os

from . import file_links, file_times
from .file_attrs import (COMMON_ALIASES, COMMON_SPEC, ModuleFail, add_path_info, b, file_args, initial_diff,
                         path_state, set_fs_attributes, take_common, text)
from .native import Unsupported
from .native_args import absolute, check_args

SPEC = dict(COMMON_SPEC, **{
    "state": ("str", None, ("absent", "directory", "file", "hard", "link", "touch")),
    "path": ("path", None), "_original_basename": ("str", None), "recurse": ("bool", False),
    "force": ("bool", False), "follow": ("bool", True), "_diff_peek": ("bool", None), "src": ("path", None),
    "modification_time": ("str", None), "modification_time_format": ("str", "%Y%m%d%H%M.%S"),
    "access_time": ("str", None), "access_time_format": ("str", "%Y%m%d%H%M.%S"),
})
ALIASES = dict(COMMON_ALIASES, dest="path", name="path")


class _Job(object):
    def __init__(self, params, check, warnings):
        self.p = params
        self.check = check
        self.warnings = warnings
        self.mtime = self.atime = None

    def args(self, path):
        return file_args(self.p, path, self.p["follow"])

    def apply(self, args, changed, diff):
        changed = set_fs_attributes(args, changed, diff, self.check)
        return file_times.update(args["path"], self.mtime, self.atime, diff, self.check) or changed


def _absent(job, path):
    b_path = b(path)
    prev = path_state(b_path)
    if prev == "absent":
        return {"path": path, "changed": False, "state": "absent"}
    diff = initial_diff(path, "absent", prev)
    if not job.check:
        if prev == "directory":
            import shutil
            try:
                shutil.rmtree(b_path, ignore_errors=False)
            except Exception as e:
                raise ModuleFail({"msg": "rmtree failed: %s" % e})
        else:
            try:
                os.unlink(b_path)
            except OSError as e:
                import errno
                if e.errno != errno.ENOENT:
                    raise ModuleFail({"msg": "unlinking failed: %s " % e, "path": path})
    return {"path": path, "changed": True, "diff": diff, "state": "absent"}


def _touch(job, path):
    b_path = b(path)
    prev = path_state(b_path)
    changed = False
    if prev == "absent":
        if job.check:
            return {"dest": path, "changed": True}
        try:
            open(b_path, "wb").close()
            changed = True
        except (OSError, IOError) as e:
            raise ModuleFail({"msg": "Error, could not touch target: %s" % e, "path": path})
    diff = initial_diff(path, "touch", prev)
    args = job.args(path)
    try:
        changed = set_fs_attributes(args, changed, diff, job.check)
    except ModuleFail as e:
        if prev == "absent":
            # fail_json has already written its result (path info of the new file) when the module removes it.
            e.results = add_path_info(dict(e.results))
            e.path_info = True
            os.remove(b_path)
        raise
    changed = file_times.update(args["path"], job.mtime, job.atime, diff, job.check) or changed
    return {"dest": path, "changed": changed, "diff": diff}


def _file(job, path):
    b_path = b(path)
    prev = path_state(b_path)
    args = job.args(path)
    if prev != "file" and job.p["follow"] and prev == "link":
        b_path = os.path.realpath(b_path)
        path = args["path"] = text(b_path)
        prev = path_state(b_path)
    if prev not in ("file", "hard"):
        raise ModuleFail({"msg": "file (%s) is %s, cannot continue" % (path, prev), "path": path, "state": prev})
    diff = initial_diff(path, "file", prev)
    return {"path": path, "changed": job.apply(args, False, diff), "diff": diff}


def _directory(job, path):
    b_path = b(path)
    prev = path_state(b_path)
    args = job.args(path)
    if job.p["follow"] and prev == "link":
        b_path = os.path.realpath(b_path)
        path = args["path"] = text(b_path)
        prev = path_state(b_path)
    changed = False
    diff = initial_diff(path, "directory", prev)
    if prev == "absent":
        if job.check:
            return {"path": path, "changed": True, "diff": diff}
        cur = ""
        try:
            # mkdir -p, giving each directory it creates the requested attributes.
            for part in path.strip("/").split("/"):
                cur = "/".join([cur, part])
                if not os.path.exists(b(cur)):
                    try:
                        os.mkdir(b(cur))
                        changed = True
                    except OSError as e:
                        import errno
                        if not (e.errno == errno.EEXIST and os.path.isdir(b(cur))):
                            raise
                    changed = set_fs_attributes(dict(args, path=cur), changed, diff, job.check)
                    changed = file_times.update(args["path"], job.mtime, job.atime, diff, job.check) or changed
        except file_times.TimesError as e:
            raise ModuleFail({"msg": "There was an issue creating %s as requested: %s" % (cur, e), "path": path})
        except ModuleFail:
            raise  # fail_json from the attribute helpers ends the module as it is
        except Exception as e:
            raise ModuleFail({"msg": "There was an issue creating %s as requested: %s" % (cur, e), "path": path})
        return {"path": path, "changed": changed, "diff": diff}
    if prev != "directory":
        raise ModuleFail({"msg": "%s already exists as a %s" % (path, prev), "path": path})
    changed = job.apply(args, changed, diff)
    if job.p["recurse"]:
        changed = _recurse(job, b_path, args) or changed
    return {"path": path, "changed": changed, "diff": diff}


def _recurse(job, b_top, args):
    """recursive_set_attributes: everything below the directory; links themselves, and their targets when following."""
    changed = False
    for b_root, b_dirs, b_files in os.walk(b_top):
        for name in b_dirs + b_files:
            b_name = os.path.join(b_root, name)
            changed = job.apply(dict(args, path=text(b_name)), changed, None) or changed
            if os.path.islink(b_name) and job.p["follow"]:
                b_target = os.path.join(b_root, os.readlink(b_name))
                if os.path.exists(b_target):
                    if os.path.isdir(b_target):
                        changed = _recurse(job, b_target, args) or changed
                    changed = job.apply(dict(args, path=text(b_target)), changed, None) or changed
    return changed


def _warn_missing_ids(job):
    import grp
    import pwd
    for key, by_id, by_name, word in (("owner", pwd.getpwuid, pwd.getpwnam, "user"),
                                      ("group", grp.getgrgid, grp.getgrnam, "group")):
        value = job.p[key]
        if not value:
            continue
        try:
            num = int(value)
        except ValueError:
            try:
                by_name(value)
            except KeyError:
                job.warnings.append("failed to look up %s %s. Create %s up to this point in real play"
                                    % (word, value, word))
            continue
        try:
            by_id(num)
        except KeyError:
            job.warnings.append("failed to look up %s with %s %s. Create %s up to this point in real play"
                                % (word, "uid" if key == "owner" else "gid", num, word))


def _prepare(p):
    """additional_parameter_handling: path inside a directory, the default state, the state checks."""
    if p["state"] not in ("link", "absent") and os.path.isdir(b(p["path"])):
        name = p["_original_basename"] or (os.path.basename(p["src"]) if p["src"] else None)
        if name:
            p["path"] = os.path.join(p["path"], name)
    prev = path_state(b(p["path"]))
    if p["state"] is None:
        p["state"] = prev if prev != "absent" else "directory" if p["recurse"] else "file"
    if p["recurse"] and p["state"] != "directory":
        raise ModuleFail({"msg": "recurse option requires state to be 'directory'", "path": p["path"]})
    if p["src"] and p["state"] not in ("link", "hard"):
        raise ModuleFail({"msg": "src option requires state to be 'link' or 'hard'", "path": p["path"]})


def _decline_crashes(p):
    path, state = p["path"], p["state"]
    if state == "link" and p["src"] is None and p["follow"] and os.path.exists(b(path)) \
            and not os.path.islink(b(path)):
        raise Unsupported("the real module crashes on readlink")
    if state == "hard" and p["src"] is not None and not os.path.isabs(p["src"]):
        raise Unsupported("relative src for a hard link")


def _execute(job):
    p = job.p
    _prepare(p)
    state, path = p["state"], p["path"]
    _decline_crashes(p)
    if job.check and state != "absent":
        _warn_missing_ids(job)
    mtime = file_times.default_for(p["modification_time"], state)
    atime = file_times.default_for(p["access_time"], state)
    if p["_diff_peek"] is not None:
        try:
            with open(b(path), "rb") as f:
                binary = b"\x00" in f.read(8192)
        except Exception:
            binary = False
        return {"path": path, "changed": False, "appears_binary": binary}
    if state == "absent":
        return _absent(job, path)
    job.mtime = file_times.timestamp_for(mtime, p["modification_time_format"])
    job.atime = file_times.timestamp_for(atime, p["access_time_format"])
    if state == "touch":
        return _touch(job, path)
    if state == "file":
        return _file(job, path)
    if state == "directory":
        return _directory(job, path)
    if state == "link":
        return file_links.symlink(job, path, p["src"])
    return file_links.hardlink(job, path, p["src"])


def run(short, args, ctx):
    args = dict(args)
    mode = take_common(args)
    params, _ = check_args(args, SPEC, required=("path",), aliases=ALIASES)
    params["mode"] = mode
    absolute(params["path"])
    warnings = []
    rc = 0
    try:
        result = _execute(_Job(params, ctx.check_mode, warnings))
    except ModuleFail as e:
        result = dict(e.results, failed=True)
        rc = 1
        if getattr(e, "path_info", False):
            result["invocation"] = {"module_args": params}
            return _warned(result, warnings), rc
    add_path_info(result)
    result["invocation"] = {"module_args": params}
    return _warned(result, warnings), rc


def _warned(result, warnings):
    if warnings:
        result["warnings"] = warnings
    return result
