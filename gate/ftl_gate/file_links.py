"""state=link and state=hard of the file module (ensure_symlink / ensure_hardlink): the same checks, messages,
diff and atomic replacement through a temp name beside the path."""
import os
import time

from .file_attrs import ModuleFail, b, initial_diff, path_state, text


def _replace(b_path, prev, make, path, remove_dir):
    b_tmp = os.path.dirname(b_path) + b"/" + (".%s.%s.tmp" % (os.getpid(), time.time())).encode()
    try:
        if prev == "directory":
            remove_dir(b_path)
        make(b_tmp)
        os.rename(b_tmp, b_path)
    except OSError as e:
        if os.path.exists(b_tmp):
            os.unlink(b_tmp)
        raise ModuleFail({"msg": "Error while replacing: %s" % e, "path": path})


def _create(b_path, prev, make, path, remove_dir):
    if prev != "absent":
        _replace(b_path, prev, make, path, remove_dir)
        return
    try:
        make(b_path)
    except OSError as e:
        raise ModuleFail({"msg": "Error while linking: %s" % e, "path": path})


def _link_changed(diff, b_path, src):
    old = os.readlink(b_path)
    if old == b(src):
        return False
    diff["before"]["src"] = text(old)
    diff["after"]["src"] = src
    return True


def symlink(job, path, src):
    b_path = b(path)
    prev = path_state(b_path)
    force = job.p["force"]
    if src is None and job.p["follow"] and os.path.exists(b_path):
        src = text(os.readlink(b_path))
    base = path if not os.path.islink(b_path) and os.path.isdir(b_path) else text(os.path.dirname(b_path))
    absrc = None if src is None else os.path.join(base, src)
    if not force and src is not None and not os.path.exists(b(absrc)):
        raise ModuleFail({"msg": 'src file does not exist, use "force=yes" if you really want to create the link: %s'
                                 % absrc, "path": path, "src": src})
    if prev == "directory":
        if not force:
            raise ModuleFail({"msg": "refusing to convert from %s to symlink for %s" % (prev, path), "path": path})
        if os.listdir(b_path):
            raise ModuleFail({"msg": "the directory %s is not empty, refusing to convert it" % path, "path": path})
    elif prev in ("file", "hard") and not force:
        raise ModuleFail({"msg": "refusing to convert from %s to symlink for %s" % (prev, path), "path": path})
    diff = initial_diff(path, "link", prev)
    changed = False
    if prev != "link":
        if src is None:
            raise ModuleFail({"msg": "src is required for creating new symlinks"})
        changed = True
    elif src is not None:
        changed = _link_changed(diff, b_path, src)
    if changed and not job.check:
        _create(b_path, prev, lambda to: os.symlink(b(src), to), path, os.rmdir)
    if job.check and not os.path.exists(b_path):
        return {"dest": path, "src": src, "changed": changed, "diff": diff}
    args = job.args(path)
    if job.p["follow"] and os.path.islink(b_path) and not os.path.exists(b(args["path"])):
        job.warnings.append("Cannot set fs attributes on a non-existent symlink target. follow should be set to "
                            "False to avoid this.")
    else:
        changed = job.apply(args, changed, diff)
    return {"dest": path, "src": src, "changed": changed, "diff": diff}


def _unlink_dir(b_path):
    import errno
    if os.path.exists(b_path):
        try:
            os.unlink(b_path)
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise


def hardlink(job, path, src):
    b_path = b(path)
    prev = path_state(b_path)
    args = job.args(path)
    force = job.p["force"]
    if prev != "hard" and src is None:
        raise ModuleFail({"msg": "src is required for creating new hardlinks"})
    if src is not None and not os.path.exists(b(src)):
        raise ModuleFail({"msg": "src does not exist", "dest": path, "src": src})
    diff = initial_diff(path, "hard", prev)
    changed = False
    if prev == "absent":
        changed = True
    elif prev == "link":
        changed = _link_changed(diff, b_path, src)
    elif prev == "hard":
        if src is not None and os.stat(b_path).st_ino != os.stat(b(src)).st_ino:
            changed = True
            if not force:
                raise ModuleFail({"msg": "Cannot link, different hard link exists at destination",
                                  "dest": path, "src": src})
    elif prev == "file":
        changed = True
        if not force:
            raise ModuleFail({"msg": "Cannot link, %s exists at destination" % prev, "dest": path, "src": src})
    else:  # directory
        changed = True
        if os.path.exists(b_path):
            if os.stat(b_path).st_ino == os.stat(b(src)).st_ino:
                return {"path": path, "changed": False}
            if not force:
                raise ModuleFail({"msg": "Cannot link: different hard link exists at destination",
                                  "dest": path, "src": src})
    if changed and not job.check:
        _create(b_path, prev, lambda to: os.link(b(src), to), path, _unlink_dir)
    if job.check and not os.path.exists(b_path):
        return {"dest": path, "src": src, "changed": changed, "diff": diff}
    return {"dest": path, "src": src, "changed": job.apply(args, changed, diff), "diff": diff}
