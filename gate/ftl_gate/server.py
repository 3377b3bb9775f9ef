"""The gate's loop: read frames, answer requests, many at once, until Shutdown or end of input.

The main thread only reads; Module and Get requests run on threads of their own and replies are written
whole under one lock, matched to requests by id. Put chunks are applied on the reading thread so
the chunks of one file land in the order they were sent.

Start-up cost is paid on every host at every run, so only what a ping needs is imported here: bundles,
transfers, the module runner and tracebacks are imported on first use, and requests run on ``_thread``
threads (threading imports functools and collections: 4 ms of CPU; concurrent.futures would add logging,
queue and typing).
"""
import _thread
import os
import sys

from . import messages, native, protocol
from .messages import MessageError
from .procs import Children

DEFAULT_SHUTDOWN_TIMEOUT = 10.0
_FRAME_OVERHEAD = 4096


class _Stop(Exception):
    def __init__(self, code):
        Exception.__init__(self, "stop")
        self.code = code


def default_python_module(name):
    """Dotted module to run for a module name: ansible.builtin.X -> ansible.modules.X, FQCN -> collection."""
    parts = name.split(".")
    if len(parts) == 1 or (len(parts) == 3 and parts[0] == "ansible" and parts[1] in ("builtin", "legacy")):
        return "ansible.modules." + parts[-1]
    if len(parts) == 3:
        return "ansible_collections.%s.%s.plugins.modules.%s" % tuple(parts)
    raise MessageError("bad_message", "Module: cannot derive python_module from name %r; send python_module" % name)


def _hash_in_name(name):
    """The sha256 in a name like ``ftl_gate_<sha256>``, else None."""
    named = name[len("ftl_gate_"):]
    if name.startswith("ftl_gate_") and len(named) == 64 and all(c in "0123456789abcdef" for c in named):
        return named
    return None


def compute_gate_hash():
    """sha256 of the running .pyz (its name says it when uploaded as ftl_gate_<sha256>.pyz, and so does the
    directory it unpacked itself to), or of the package sources when run from a checkout."""
    archive = sys.argv[0] if sys.argv else ""
    if archive.endswith(".pyz"):
        named = _hash_in_name(os.path.basename(archive)[:-len(".pyz")])
        if named:
            return named
        if os.path.isfile(archive):
            from .cache import sha256_file
            return sha256_file(archive)
    if os.path.basename(archive) == "__main__.py":
        named = _hash_in_name(os.path.basename(os.path.dirname(os.path.abspath(archive))))
        if named:
            return named
    import hashlib
    digest = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            digest.update(name.encode("utf-8") + b"\0")
            with open(os.path.join(here, name), "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


class Gate(object):
    def __init__(self, reader, writer, cache=None, runner=None, gate_hash=None, cache_dir=None, site_on_use=False):
        self.reader = reader
        self.out = protocol.FrameWriter(writer)
        self.children = runner.children if runner is not None else Children()
        self._cache = cache
        self._cache_dir = cache_dir
        self._runner = runner
        self._site_on_use = site_on_use
        self._lazy_lock = _thread.allocate_lock()
        self.gate_hash = gate_hash or compute_gate_hash()
        self.max_frame = protocol.DEFAULT_MAX_FRAME
        self.greeted = False
        self._inflight = 0
        self._inflight_lock = _thread.allocate_lock()
        self._idle = _thread.allocate_lock()  # held while any request is in flight

    @property
    def cache(self):
        with self._lazy_lock:
            if self._cache is None:
                from .cache import BundleCache
                self._cache = BundleCache(self._cache_dir)
            return self._cache

    @property
    def runner(self):
        with self._lazy_lock:
            if self._runner is None:
                from .runner import ModuleRunner
                self._runner = ModuleRunner(children=self.children, add_site=self._site_on_use)
            return self._runner

    def serve(self):
        """Run until Shutdown (0), end of input (0) or an unrecoverable stream (1); returns the exit code."""
        try:
            while True:
                try:
                    msg_type, data, msg_id = protocol.read_frame(self.reader, self.max_frame)
                except protocol.EndOfStream:
                    return self._stop_now(0)
                except protocol.FrameError as e:
                    if e.fatal:
                        self._send("GateSystemError", {"message": e.message, "traceback": ""}, None)
                        return self._stop_now(1)
                    self._send("Error", {"code": e.code, "message": e.message}, e.msg_id)
                    continue
                self._dispatch(msg_type, data, msg_id)
        except _Stop as stop:
            return stop.code

    def _dispatch(self, msg_type, data, msg_id):
        try:
            messages.validate(msg_type, data)
        except messages.MessageError as e:
            self._send("Error", {"code": e.code, "message": e.message}, msg_id)
            return
        if msg_type not in messages.REQUESTS:
            self._send("Error", {"code": "unexpected_type",
                                 "message": "%s is sent by the gate, not to it" % msg_type}, msg_id)
        elif msg_type == "Hello":
            self._hello(data, msg_id)
        elif not self.greeted:
            self._send("Error", {"code": "hello_required",
                                 "message": "the first message must be Hello, got %s" % msg_type}, msg_id)
        elif msg_type == "Shutdown":
            raise _Stop(self._shutdown(data, msg_id))
        elif msg_type == "Put":
            self._guarded(self._put, data, msg_id)
        else:
            handler = self._module if msg_type == "Module" else self._get
            with self._inflight_lock:
                if self._inflight == 0:
                    self._idle.acquire()
                self._inflight += 1
            try:
                _thread.start_new_thread(self._worker, (handler, data, msg_id))
            except BaseException:
                self._done()
                raise

    def _worker(self, handler, data, msg_id):
        try:
            self._guarded(handler, data, msg_id)
        finally:
            self._done()

    def _done(self):
        with self._inflight_lock:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.release()

    def _guarded(self, handler, data, msg_id):
        try:
            handler(data, msg_id)
        except MessageError as e:  # BundleError and TransferError too
            self._send("Error", {"code": e.code, "message": e.message}, msg_id)
        except Exception as e:
            import traceback
            self._send("GateSystemError", {"message": "%s: %s" % (type(e).__name__, e),
                                           "traceback": traceback.format_exc()}, msg_id)

    def _send(self, msg_type, data, msg_id):
        try:
            self.out.send(msg_type, data, msg_id)
        except (OSError, ValueError):
            pass  # the controller is gone; the reading loop sees the end of input

    # Hello {version, capabilities, max_frame?} -> Hello {version, gate_hash, python, pid, capabilities}
    def _hello(self, data, msg_id):
        if data["version"] != messages.PROTOCOL_VERSION:
            self._send("Error", {"code": "version_mismatch",
                                 "message": "controller speaks protocol version %s, this gate speaks %d"
                                            % (data["version"], messages.PROTOCOL_VERSION)}, msg_id)
            raise _Stop(self._stop_now(1))
        if "max_frame" in data:
            if data["max_frame"] < _FRAME_OVERHEAD or data["max_frame"] > 0xFFFFFFFF:
                self._send("Error", {"code": "bad_message", "message": "Hello: max_frame must be between "
                                     "%d and %d" % (_FRAME_OVERHEAD, 0xFFFFFFFF)}, msg_id)
                return
            self.max_frame = data["max_frame"]
            self.out.max_frame = data["max_frame"]
        self.greeted = True
        self._send("Hello", {
            "version": messages.PROTOCOL_VERSION,
            "gate_hash": self.gate_hash,
            "python": {"version": "%d.%d.%d" % tuple(sys.version_info[:3]), "executable": sys.executable},
            "pid": os.getpid(),
            "capabilities": list(messages.GATE_CAPABILITIES),
            "native_modules": native.names(),
            "max_frame": self.max_frame,
        }, msg_id)

    # Module {name, args, check_mode?, diff_mode?, bundle_hash?, python_module?, bundle?, timeout?, fork?}
    #   -> ModuleResult {result, rc, stdout?, stderr?, timed_out?} | ModuleNotFound {name, bundle_hash}
    def _module(self, data, msg_id):
        name = data["name"]
        bundle_hash = data.get("bundle_hash")
        if data.get("bundle") is None and bundle_hash is None:
            self._native(name, data, msg_id)
            return
        if data.get("bundle") is not None:
            import base64
            import binascii
            from .cache import BundleError
            try:
                raw = base64.b64decode(data["bundle"].encode("ascii"), validate=True)
            except (binascii.Error, ValueError, UnicodeEncodeError) as e:
                raise BundleError("bad_bundle", "Module: bundle is not valid base64: %s" % e)
            bundle_hash, path = self.cache.store(raw, bundle_hash)
        else:
            path = self.cache.lookup(bundle_hash)
            if path is None:
                self._send("ModuleNotFound", {"name": name, "bundle_hash": bundle_hash}, msg_id)
                return
        from .cache import unpack
        path = unpack(path)
        python_module = data.get("python_module") or default_python_module(name)
        result = self.runner.run(path, python_module, name, data["args"],
                                 check_mode=data.get("check_mode", False), diff_mode=data.get("diff_mode", False),
                                 timeout=data.get("timeout"), fork=data.get("fork", True))
        self._send("ModuleResult", result, msg_id)

    def _native(self, name, data, msg_id):
        """A native module, or ModuleNotFound {bundle_hash: null} so the controller ships the real one."""
        func = native.lookup(name)
        args = data["args"]
        ctx = native.Context(check_mode=bool(args.get("_ansible_check_mode", data.get("check_mode", False))),
                             diff_mode=bool(args.get("_ansible_diff", data.get("diff_mode", False))),
                             timeout=data.get("timeout"), children=self.children)
        try:
            if func is not None:
                self._send("ModuleResult", native.run_native(func, args, ctx), msg_id)
                return
        except native.Unsupported:
            pass
        self._send("ModuleNotFound", {"name": name, "bundle_hash": None}, msg_id)

    # Put {path, mode?, chunk, offset, last} -> PutResult {path, written, size?, sha256?}
    def _put(self, data, msg_id):
        from . import transfer
        self._send("PutResult", transfer.put(data), msg_id)

    # Get {path, offset, length} -> GetResult {path, offset, chunk, eof, size}
    def _get(self, data, msg_id):
        from . import transfer
        max_chunk = (self.max_frame - _FRAME_OVERHEAD) * 3 // 4
        self._send("GetResult", transfer.get(data, max_chunk), msg_id)

    # Shutdown {timeout?} -> in-flight replies, then Goodbye {} as the last frame
    def _shutdown(self, data, msg_id):
        if not self._wait_idle(data.get("timeout", DEFAULT_SHUTDOWN_TIMEOUT)):
            self.children.kill_all()
        self._wait_idle(None)
        _close_helpers()
        self._send("Goodbye", {}, msg_id)
        return 0

    def _stop_now(self, code):
        self.children.kill_all()
        self._wait_idle(None)
        _close_helpers()
        return code

    def _wait_idle(self, timeout):
        """Waits until no request is in flight; False when the timeout passed first.

        Only the reading thread starts requests and waits here, so none starts while it waits."""
        if not self._idle.acquire(True, -1 if timeout is None else max(0.0, timeout)):
            return False
        self._idle.release()
        return True


def _close_helpers():
    """Processes kept for later requests (stat's file), ended and reaped before the gate goes."""
    mime = sys.modules.get("ftl_gate.mime")
    if mime is not None:
        mime.PROBE.close()


def main(argv=None):
    """Entry point: protocol on the original stdin/stdout, which are then taken away from everyone else.

    ``--site-on-use``: the interpreter was started with -S only to start faster; site is imported before
    the first shipped module runs.

    Stray output from imported module_utils or child processes must never reach the protocol stream,
    so fd 1 is pointed at stderr and fd 0 at /dev/null once the protocol has its own copies.
    """
    from .procs import signal  # _signal where there is one
    try:
        # Under sudo (which forks) the gate is not a session leader; as one, every process it starts keeps
        # its session id, which is how the controller sweeps what a killed gate left behind.
        os.setsid()
    except OSError:
        pass  # already a session leader (sshd's shell exec'ed into the gate)
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    argv = sys.argv[1:] if argv is None else argv
    gate = Gate(proto_in, proto_out, cache_dir=os.environ.get("FTL_GATE_CACHE_DIR"),
                site_on_use="--site-on-use" in argv)

    def on_signal(signum, frame):
        gate.children.kill_all()
        os._exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    code = gate.serve()
    try:
        proto_out.flush()
    except OSError:
        pass
    return code
