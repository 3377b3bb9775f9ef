"""slurp, as ansible.modules.slurp answers it."""
import base64
import errno

from .native_args import absolute, check_args

SPEC = {"src": ("path", None)}


def run(short, args, ctx):
    params, _ = check_args(args, SPEC, required=("src",), aliases={"path": "src"})
    source = absolute(params["src"])
    invocation = {"module_args": params}
    try:
        with open(source, "rb") as f:
            content = f.read()
    except (IOError, OSError) as e:
        if e.errno == errno.ENOENT:
            msg = "file not found: %s" % source
        elif e.errno == errno.EACCES:
            msg = "file is not readable: %s" % source
        elif e.errno == errno.EISDIR:
            msg = "source is a directory and must be a file: %s" % source
        else:
            msg = "unable to slurp file: %s" % e
        return {"msg": msg, "failed": True, "invocation": invocation}, 1
    return {"content": base64.b64encode(content).decode("ascii"), "source": source, "encoding": "base64",
            "invocation": invocation}, 0
