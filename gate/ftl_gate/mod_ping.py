"""ping, as ansible.modules.ping answers it (gate/tests/test_native.py checks it against the real module)."""


def _to_str(value):
    # AnsibleModule converts non-string values of a str option with str() (Python's spelling).
    if value is None or isinstance(value, str):
        return value
    return str(value)


def run(short, args, ctx):
    params = dict((k, v) for k, v in args.items() if not k.startswith("_ansible_"))
    unknown = sorted(k for k in params if k != "data")
    invocation = dict(params)
    invocation.setdefault("data", "pong")
    if unknown:
        return {
            "failed": True,
            "msg": "Unsupported parameters for (ping) module: %s. Supported parameters include: data."
                   % ", ".join(unknown),
            "invocation": {"module_args": invocation},
        }, 1
    data = _to_str(invocation["data"])
    invocation["data"] = data
    if data == "crash":
        raise Exception("boom")
    return {"ping": data, "invocation": {"module_args": invocation}}, 0
