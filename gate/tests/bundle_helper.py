"""Test helper: zip an installed Ansible module with the module_utils it imports, transitively.

Bundle creation proper belongs to the controller; this is the smallest faithful stand-in so tests can
ship real modules. Usage: ``python3 bundle_helper.py MODULE OUT.zip`` prints the bundle's sha256.
"""
import ast
import hashlib
import os
import sys
import zipfile

ANSIBLE_ROOT = "/usr/lib/python3/dist-packages"


def _imported_names(source, package):
    """Dotted names a module imports (both ``pkg.mod`` and ``pkg.mod.name`` for from-imports)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names.append(base)
            names.extend(base + "." + alias.name for alias in node.names)
    return names


def _resolve(dotted, root):
    """Relative file path (module or package __init__) for the longest importable prefix of a name."""
    parts = dotted.split(".")
    for i in range(len(parts), 1, -1):
        rel = "/".join(parts[:i])
        if os.path.isfile(os.path.join(root, rel + ".py")):
            return rel + ".py"
        if os.path.isfile(os.path.join(root, rel, "__init__.py")):
            return rel + "/__init__.py"
    return None


def collect(module, root=ANSIBLE_ROOT):
    """Relative paths of the module file and every module_utils file it needs."""
    start = "ansible/modules/%s.py" % module
    todo = [start]
    found = set()
    while todo:
        rel = todo.pop()
        if rel in found:
            continue
        found.add(rel)
        package = rel[:-len(".py")].replace("/", ".")
        if not rel.endswith("__init__.py"):
            package = package.rsplit(".", 1)[0]
        else:
            package = package[:-len(".__init__")]
        with open(os.path.join(root, rel), "rb") as f:
            source = f.read()
        for name in _imported_names(source, package):
            if name.startswith("ansible.module_utils"):
                target = _resolve(name, root)
                if target:
                    todo.append(target)
        parts = rel.split("/")[:-1]
        for i in range(2, len(parts) + 1):
            todo.append("/".join(parts[:i]) + "/__init__.py")
    return sorted(found)


def build_bundle(module, out_path, root=ANSIBLE_ROOT):
    """Write the bundle zip; returns its sha256. ansible/__init__.py is a stub, as Ansible ships it."""
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ansible/__init__.py", "__version__ = '2.14'\n")
        for rel in collect(module, root):
            if rel != "ansible/__init__.py":
                zf.write(os.path.join(root, rel), rel)
    with open(out_path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


if __name__ == "__main__":
    print(build_bundle(sys.argv[1], sys.argv[2]))
