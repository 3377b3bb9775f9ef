"""Tiny stand-in modules (no Ansible needed) that reproduce the ways a module can behave or fail."""

FILES = {
    "tmods/__init__.py": "",
    # Echoes what it was given and where it ran.
    "tmods/echo.py": (
        "import json, os, sys\n"
        "args = json.loads(sys.stdin.read())['ANSIBLE_MODULE_ARGS']\n"
        "print(json.dumps({'args': args, 'cwd': os.getcwd(), 'argv': sys.argv, 'name': __name__,\n"
        "                  'fqn': globals().get('_module_fqn'), 'modlib': globals().get('_modlib_path')}))\n"
    ),
    # Prints noise around its JSON, as modules with chatty libraries do.
    "tmods/junk.py": "print('hello from a library')\nprint('{\"ok\": true}')\nprint('bye')\n",
    # Says whether it runs with site's directories (the gate may start with -S).
    "tmods/sitecheck.py": (
        "import json, sys\n"
        "print(json.dumps({'site': 'site' in sys.modules, 'site_dirs': [p for p in sys.path if p.endswith('-packages')]}))\n"
    ),
    "tmods/crash.py": "raise RuntimeError('kaput')\n",
    # Uncaught exceptions whose sys.excepthook exits with a status, or fails itself.
    "tmods/hookexit.py": (
        "import sys\n"
        "def hook(t, v, tb):\n"
        "    print('{\"hooked\": \"%s\"}' % v)\n"
        "    sys.exit(5)\n"
        "sys.excepthook = hook\n"
        "raise ValueError('caught by the hook')\n"
    ),
    "tmods/badhook.py": (
        "import sys\n"
        "def hook(t, v, tb):\n"
        "    raise KeyError('hook broke')\n"
        "sys.excepthook = hook\n"
        "raise ValueError('original')\n"
    ),
    "tmods/exit3.py": "import sys\nsys.stderr.write('giving up\\n')\nsys.exit(3)\n",
    # Sleeps; optionally leaves a grandchild running and records its pid in a file first.
    "tmods/sleeper.py": (
        "import json, subprocess, sys, time\n"
        "args = json.loads(sys.stdin.read())['ANSIBLE_MODULE_ARGS']\n"
        "if args.get('pidfile'):\n"
        "    p = subprocess.Popen(['sleep', '60'])\n"
        "    open(args['pidfile'], 'w').write(str(p.pid))\n"
        "if args.get('until'):\n"
        "    import os\n"
        "    end = time.time() + args.get('seconds', 30)\n"
        "    while not os.path.exists(args['until']) and time.time() < end:\n"
        "        time.sleep(0.01)\n"
        "else:\n"
        "    time.sleep(args.get('seconds', 0))\n"
        "print(json.dumps({'slept': args.get('seconds', 0)}))\n"
    ),
}
