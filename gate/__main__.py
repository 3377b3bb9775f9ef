"""Entry of the gate .pyz (and of ``python gate/__main__.py`` from a checkout).

Python never caches bytecode for modules imported from a zip, so a gate run from its .pyz would compile
its sources at every start on every host. The first start unpacks the archive next to it instead
(``~/.ftl/ftl_gate_<sha256>/``: named by the archive's content hash, so it never goes stale), and every
start imports from there, where Python keeps the compiled files in ``__pycache__``. Anything that goes
wrong on the way (a read-only home, a race with another gate) leaves the gate importing from the zip.
"""
import os
import sys


def _remove(path):
    for top, dirs, files in os.walk(path, topdown=False):
        for name in files:
            os.unlink(os.path.join(top, name))
        for name in dirs:
            os.rmdir(os.path.join(top, name))
    os.rmdir(path)


def _unpacked(archive):
    """The directory holding the archive's files, unpacked on first use; None to import from the zip."""
    target = archive[:-len(".pyz")]
    if os.path.isfile(os.path.join(target, "ftl_gate", "__init__.py")):
        return target
    if not os.path.basename(target).startswith("ftl_gate_"):
        return None  # a per-run copy (become to another user): unpacking would not be reused
    tmp = "%s.%d.tmp" % (target, os.getpid())
    try:
        import zipfile
        import py_compile
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(tmp)
            names = zf.namelist()
        # Compiled here, not left to the first import: PYTHONDONTWRITEBYTECODE may be set.
        for name in names:
            if name.endswith(".py") and name != "__main__.py":
                py_compile.compile(os.path.join(tmp, name), doraise=True)
        os.rename(tmp, target)
    except Exception:  # noqa: BLE001 - any failure: import from the zip
        try:
            _remove(tmp)
        except OSError:
            pass
    return target if os.path.isfile(os.path.join(target, "ftl_gate", "__init__.py")) else None


# Under ``python -I`` the script's own directory is not on sys.path; in a .pyz this is the archive.
_here = os.path.dirname(os.path.abspath(__file__))
if _here.endswith(".pyz") and os.path.isfile(_here):
    _here = _unpacked(_here) or _here
if _here not in sys.path:
    sys.path.insert(0, _here)

from ftl_gate import leave, main  # noqa: E402

leave(main())
