"""The worker: the only place where learner code runs (untrusted side).

Started by :mod:`torchkata.launcher` as ``python -I -m torchkata.worker FD --jail`` with an
environment rebuilt from scratch and in its own session. It first enters its namespaces
(:func:`torchkata.confinement.enter_jail`: user, network and PID namespaces, in which it is
process 1, and a mount namespace of its own), then imports torch once (the slow part, about
two seconds) and acts as a *zygote*: for every implementation run the trusted side sends a
``fork`` request carrying a fresh socket, and the worker forks a child (in a PID namespace
of its own, whose process 1 is a small init: :class:`torchkata.confinement.InitFactory`) that

1. moves into its own process group, loads the kata's harness,
2. confines itself (:func:`torchkata.confinement.confine_child`): a minimal read-only view of
   the filesystem with only its sandbox writable, an unprivileged uid in a user namespace of
   its own, every rlimit with hard = soft, no capabilities, Landlock,
3. probes what is really in force (:func:`torchkata.isolation_probes.run_probes`) and reports it,
   before any learner code runs; the trusted side then moves it into its cgroups,
4. disables the kata's forbidden APIs, imports the module from the sandbox, and
5. serves the spec tests one after another: ``begin`` (fresh output files), ``call``
   (plain data in and out, see :mod:`torchkata.protocol`; optionally counting the torch
   operations the call dispatches), ``end``.

A ``connect`` request hands the zygote one more control connection, for another
grading process forked from the trusted side.

After a timeout or a crash the trusted side kills the child (its PID namespace ends every
process it started) and forks a fresh one. The zygote itself never imports learner code, so
every child starts from the same clean state in about the time of a ``fork()``.
"""
from __future__ import annotations

import base64
import faulthandler
import gc
import importlib.util
import os
import select
import signal
import socket
import sys
import traceback

from torchkata import confinement, isolation_probes, protocol

MAX_TEXT = 4000


_JAIL = confinement.Jail.without("not asked for")
_SIBLING: dict = {"socket": None, "name": ""}   # an abstract socket children must not reach (their probe)


def main(argv: list[str]) -> int:
    """argv: the control socket's fd, then options."""
    global _JAIL
    sys.dont_write_bytecode = True   # -I ignores PYTHONDONTWRITEBYTECODE; never write into a course folder
    control = int(argv[0])
    if "--jail" in argv:
        _JAIL = confinement.enter_jail(close_in_parent=(control,))   # before torch: while single-threaded
    elif "--no-jail" in argv:
        _JAIL = confinement.Jail.without(argv[argv.index("--no-jail") + 1])
    controls = [socket.socket(fileno=control)]
    _listen_for_siblings()
    import torch

    torch.set_num_threads(1)  # a multi-threaded pool can deadlock a forked child
    from torchkata import simdevice  # noqa: F401 — for the engine's device probes and harnesses, before confinement
    _cheaper_accelerator_seed_stacks()
    _import_what_every_optimizer_step_imports(torch)
    hello = {"hello": {"jail": _JAIL.status,
                       "learner_host_ids": _JAIL.learner_host_ids(), "landlock_abi": confinement.landlock_abi(),
                       "torch": torch.__version__, "zygote_rss_mb": _rss_mb()}}
    gc.freeze()   # children then never write to the zygote's objects' GC headers: fewer copied pages
    protocol.send_message(controls[0], hello)
    preload = tuple(name for name in (argv[argv.index("--preload") + 1].split(",") if "--preload" in argv else [])
                    if name)
    return _serve_forks(controls, hello, preload_first=preload)


def _listen_for_siblings() -> None:
    name = f"torchkata-zygote-{os.urandom(6).hex()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind("\0" + name)
        sock.listen(16)
        sock.setblocking(False)
    except OSError:
        sock.close()
        return
    _SIBLING.update(socket=sock, name=name)


def _refuse_siblings() -> None:
    """Close whatever reached the sibling socket (only a child without Landlock scoping can)."""
    sock = _SIBLING["socket"]
    while sock is not None:
        try:
            sock.accept()[0].close()
        except OSError:
            return


def _rss_mb() -> int:
    try:
        with open("/proc/self/status") as f:
            return next((int(line.split()[1]) >> 10 for line in f if line.startswith("VmRSS:")), 0)
    except OSError:
        return 0


def _serve_forks(controls: list[socket.socket], hello: dict, preloaded: tuple[str, ...] = (),
                 preload_first: tuple[str, ...] = ()) -> int:
    """Answer fork, reap, kill and connect requests from every grading process until all have gone.

    Ended children are collected without waiting (the trusted side says ``kill`` and does not
    wait; only a child that died unexpectedly is ``reap``ed, for how it ended), so one
    grading process never waits for another's child to be torn down.

    A job whose kata preloads modules (torch.optim's first step imports torch._dynamo: two
    seconds, and a bigger process) is forked by a *sub-zygote* that imported them, forked
    from this one once; every other job is forked from this lean one, which forks faster.
    """
    subzygotes: dict[frozenset, socket.socket] = {}  # the modules a sub-zygote imported -> its socket
    owners: dict[int, socket.socket] = {}           # child pid -> the sub-zygote that forked it
    spares: list[tuple[int, socket.socket]] = []    # a child forked ahead of time, waiting for its job
    if preload_first:
        _start_subzygote(frozenset(preload_first), preloaded, controls, subzygotes)
    forks_until_collapse = _FORKS_BEFORE_HUGE_PAGES
    while controls:
        ready, _, _ = select.select(controls, [], [], 0.5)
        _collect_ended()
        _refuse_siblings()
        for control in ready:
            try:
                request, fds = protocol.recv_message(control, with_fds=True)
            except (EOFError, OSError, protocol.ProtocolError):
                controls.remove(control)
                control.close()
                continue
            if "fork" in request and len(fds) == 1:
                job = request["fork"]
                need = frozenset(job.get("preload", [])) - set(preloaded)
                if need:
                    sub = next((s for modules, s in subzygotes.items() if need <= modules), None) or \
                        _start_subzygote(need, preloaded, controls, subzygotes)
                    protocol.send_message(sub, {"fork": job}, fds=fds)
                    os.close(fds[0])
                    pid = protocol.recv_message(sub)["forked"]
                    owners[pid] = sub
                else:
                    pid = _start_child(job, fds[0], controls, subzygotes, spares)
                protocol.send_message(control, {"forked": pid})
                forks_until_collapse -= not need
                if forks_until_collapse == 0:
                    _collapse_into_huge_pages()
                if not need and not spares:
                    # Fork the next child now, while the trusted side gets on with this one:
                    # the next request then finds it ready (a fork costs several milliseconds).
                    spares.append(_fork_spare(controls, subzygotes))
            elif "connect" in request and len(fds) == 1:
                client = socket.socket(fileno=fds[0])
                controls.append(client)
                protocol.send_message(control, {"connected": True})
                protocol.send_message(client, hello)
            elif "reap" in request:
                pid = int(request["reap"])
                sub = owners.pop(pid, None)
                if sub is not None:
                    protocol.send_message(sub, request)
                    reply = protocol.recv_message(sub)
                else:
                    reply = {"reaped": _reap(pid)}
                protocol.send_message(control, reply)
            elif "kill" in request:
                pid = int(request["kill"])
                if pid in owners:
                    protocol.send_message(owners.pop(pid), request)
                else:
                    _kill(pid)                            # no reply: nobody waits for this
            else:
                for fd in fds:
                    os.close(fd)
                protocol.send_message(control, {"error": "unknown request"})
    return 0


def _start_child(job: dict, fd: int, controls: list[socket.socket], subzygotes: dict, spares: list) -> int:
    """Hand the job to the spare child if there is one, else fork a child for it."""
    hide = tuple(job.get("hide", []))
    job["readable"] = _readable_paths(hide)
    if _JAIL.views is not None:
        job["view"], job["view_error"] = _JAIL.views.get(hide, os.path.dirname(job["sandbox"]))
        job["view_under_tmp"] = _JAIL.views.under_tmp(job["view"])
    job["probe"] = {**job.get("probe", {}), "sibling": _SIBLING["name"]}
    if spares:
        pid, spare = spares.pop()
        try:
            protocol.send_message(spare, {"job": job}, fds=[fd])
            os.close(fd)              # the child has it now: a child that dies must close the last copy
            return pid
        except OSError:
            pass                      # it is gone: fork one as usual
        finally:
            spare.close()
    pid = _JAIL.fork()
    if pid == 0:
        for other in [*controls, *subzygotes.values(), *(spare for _, spare in spares)]:
            other.close()
        _child(socket.socket(fileno=fd), job)  # never returns
    os.close(fd)
    return pid


def _fork_spare(controls: list[socket.socket], subzygotes: dict) -> tuple[int, socket.socket]:
    """A child that waits for a job (and the trusted side's socket) before it does anything."""
    ours, theirs = socket.socketpair()
    pid = _JAIL.fork()
    if pid == 0:
        for other in [*controls, *subzygotes.values(), ours]:
            other.close()
        try:
            message, fds = protocol.recv_message(theirs, with_fds=True)
        except (EOFError, OSError, protocol.ProtocolError):
            os._exit(0)
        theirs.close()
        if len(fds) != 1 or not isinstance(message.get("job"), dict):
            os._exit(0)
        _child(socket.socket(fileno=fds[0]), message["job"])  # never returns
    theirs.close()
    return pid, ours


def _start_subzygote(modules: frozenset, preloaded: tuple[str, ...], controls: list[socket.socket],
                     subzygotes: dict) -> socket.socket:
    """Fork a zygote that also imports ``modules``; it forks the children of the jobs that need them."""
    ours, theirs = socket.socketpair()
    factory = _JAIL.for_subzygote()
    if os.fork() == 0:
        for other in [*controls, *subzygotes.values(), ours]:
            other.close()
        _JAIL.in_subzygote(factory)
        _ended.clear()
        _forgotten.clear()
        code = 70
        try:
            _preload(sorted(modules))
            gc.freeze()
            code = _serve_forks([theirs], {}, preloaded=preloaded + tuple(sorted(modules)))
        finally:
            os._exit(code)
    theirs.close()
    if factory is not None:
        factory.close()
    subzygotes[modules] = ours
    return ours


class _StackWithoutSource:
    """Stands in for the ``traceback`` module inside torch.cuda, torch.xpu and torch.mtia."""

    @staticmethod
    def format_stack(frame=None, limit=None) -> list[str]:
        frame = frame or sys._getframe(1)
        lines = []
        while frame is not None and (limit is None or len(lines) < limit):
            lines.append(f'  File "{frame.f_code.co_filename}", line {frame.f_lineno}, in {frame.f_code.co_name}\n')
            frame = frame.f_back
        return lines[::-1]


def _cheaper_accelerator_seed_stacks() -> None:
    """torch.manual_seed queues a seed for each accelerator not yet started and records the caller's
    stack three times, reading every frame's source line (a stat per frame): a tenth of a child's time
    in katas that seed before every step. The stack only shows if that accelerator later fails to start,
    and file, line and function are kept; only the source text is left out."""
    for name in ("torch.cuda", "torch.xpu", "torch.mtia"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "traceback", None) is traceback:
            module.traceback = _StackWithoutSource


def _import_what_every_optimizer_step_imports(torch) -> None:
    """An optimizer's step (through record_function) imports a profiler module on first use: once
    here, not in every child that trains (about 1 ms each)."""
    first_use = getattr(getattr(torch.autograd, "profiler", None), "_maybe_cupti_monitor", None)
    if callable(first_use):
        try:
            first_use()
        except Exception:  # noqa: BLE001 — only a missed saving
            pass


_FORKS_BEFORE_HUGE_PAGES = 64   # a busy zygote (a class, a long watch) repays the 50-400 ms collapse
_HUGE_PAGE = 2 << 20
_MADV_COLLAPSE = 25   # Linux 6.1+; older kernels answer EINVAL and nothing changes


def _collapse_into_huge_pages() -> int:
    """Back this zygote's large writable heaps with 2 MiB pages; return how many bytes were collapsed.

    Forking copies page tables and exiting tears them down: with torch imported that is ~150 MB of 4 KiB
    pages, the largest cost of a warm grading. Huge pages about halve it (CPU per fork while grading a
    class, measured here: 4-8 ms before, 2-2.5 ms after). A child's write still copies only a 4 KiB page.
    Best effort: any failure leaves the memory as it was.
    """
    try:
        import ctypes
        madvise = ctypes.CDLL(None, use_errno=True).madvise
        with open("/proc/self/maps") as maps:
            regions = [line.split() for line in maps]
    except (OSError, AttributeError):
        return 0
    collapsed = 0
    for fields in regions:
        name = fields[5] if len(fields) > 5 else ""
        if "w" not in fields[1] or name not in ("", "[heap]"):
            continue   # only private anonymous memory: never a file mapping or the stack
        low, high = (int(bound, 16) for bound in fields[0].split("-"))
        start, end = -(-low // _HUGE_PAGE) * _HUGE_PAGE, high // _HUGE_PAGE * _HUGE_PAGE
        if end - start >= 2 * _HUGE_PAGE and madvise(ctypes.c_void_p(start), ctypes.c_size_t(end - start),
                                                     _MADV_COLLAPSE) == 0:
            collapsed += end - start
    return collapsed


_readable_cache: dict[tuple, list[str]] = {}


def _readable_paths(hidden: tuple) -> list[str]:
    """What a child may read, computed once per set of hidden folders (here, before forking)."""
    if hidden not in _readable_cache:
        _readable_cache[hidden] = confinement.readable_paths([str(h) for h in hidden])
    return _readable_cache[hidden]


def _preload(modules: list[str]) -> None:
    """Import what a kata's code will import anyway (torch.optim's first step pulls in
    torch._dynamo, about two seconds), once here instead of in every forked child."""
    for name in modules:
        if name and name not in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 — the child will report the import error itself
                pass


_ended: dict[int, dict] = {}      # children that ended and that someone may still ask about
_forgotten: set[int] = set()       # children nobody will ask about


def _exit_info(status: int) -> dict:
    if os.WIFSIGNALED(status):
        return {"exit_code": None, "signal": signal.Signals(os.WTERMSIG(status)).name}
    return {"exit_code": os.WEXITSTATUS(status), "signal": None}


def _collect_ended() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _JAIL.ended(pid)                  # its namespace ends: whatever it started ends too
        if pid in _forgotten:
            _forgotten.discard(pid)
        else:
            _ended[pid] = _exit_info(status)


def _kill(pid: int) -> None:
    """SIGKILL a child not yet collected (so the pid is still its own), and forget it."""
    _collect_ended()
    if _ended.pop(pid, None) is not None:
        return
    _signal_child(pid)
    _JAIL.ended(pid)
    _forgotten.add(pid)


def _signal_child(pid: int) -> None:
    for kill, target in ((os.kill, pid), (os.killpg, pid)):   # the group: where there is no PID namespace
        try:
            kill(target, signal.SIGKILL)
        except OSError:
            pass


def _reap(pid: int) -> dict:
    """How a child ended (killing it if it still runs, then waiting for it)."""
    _collect_ended()
    if pid in _ended:
        return _ended.pop(pid)
    _signal_child(pid)
    _JAIL.ended(pid)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return {"exit_code": None, "signal": None}
    return _exit_info(status)


# --- the forked child -------------------------------------------------------------

def _child(channel: socket.socket, job: dict) -> None:
    """The forked child: one per submission run (and again after a timeout or crash)."""
    code = 70
    try:
        code = _run_child(channel, job)
    except BaseException:  # the trusted side sees the closed socket and reports a crash
        traceback.print_exc()
    finally:
        os._exit(code)


def _run_child(channel: socket.socket, job: dict) -> int:
    os.setpgid(0, 0)
    confinement.enter_cgroups(job.get("cgroup_entry") or [])
    protocol.send_message(channel, {"started": True})      # the trusted side checks its cgroups meanwhile
    _JAIL.forget_in_child()
    if _SIBLING["socket"] is not None:
        _SIBLING["socket"].close()
    sandbox = job["sandbox"]
    harness = _load_module("kata_harness", job["harness"]) if job.get("harness") else None   # kata code: before
    cov = _start_coverage(job) if job.get("coverage") else None
    setup = confinement.confine_child(job, _JAIL)
    os.chdir(sandbox)
    found = isolation_probes.run_probes(job.get("probe", {}), sandbox)
    _disable_forbidden(job.get("forbidden", []), os.path.join(sandbox, job["file"]))
    # On a timeout the trusted side asks where the code is before killing it: the stack goes to stderr,
    # which each test points at the trusted side's file (see launcher.ChildProcess._where_stopped).
    faulthandler.register(signal.SIGUSR2, file=2, all_threads=False)
    protocol.send_message(channel, {"confined": {"setup": setup, "probes": found}})
    # From here on, learner code runs: nothing this process says is trusted.
    _serve(channel, job, harness)
    if cov is not None:
        cov.stop()
        cov.save()
    return 0


_SANDBOX = {"path": ""}


def job_sandbox() -> str:
    return _SANDBOX["path"]


def _serve(channel: socket.socket, job: dict, harness) -> None:
    """Answer begin / call / end / close requests until the trusted side closes the channel."""
    _SANDBOX["path"] = job["sandbox"]
    module, import_error = None, None
    while True:
        try:
            request, fds = protocol.recv_message(channel, with_fds=True)
        except EOFError:
            return
        if "begin" not in request:
            for fd in fds:
                os.close(fd)
        if request.get("close"):
            return
        if "begin" in request:
            _redirect_output(fds)
            if module is None and import_error is None:
                try:
                    module = _load_module(job["module"], os.path.join(job["sandbox"], job["file"]),
                                          _source_of(job))
                except BaseException as exc:
                    import_error = _describe(exc, job["file"])
            reply = {"import_error": import_error} if import_error else {"ready": True}
        elif "end" in request:
            reply = {"ended": True}
        else:
            reply = _call(request, module, harness, job["file"])
        _flush()
        protocol.send_message(channel, reply)


def _call(request: dict, module, harness, filename: str) -> dict:
    if module is None:
        return {"error": {"type": "RuntimeError", "message": "no test was started", "traceback": []}}
    try:
        args = protocol.decode(request.get("args", []))
        kwargs = protocol.decode(request.get("kwargs", {"$dict": []}))
        name = str(request["call"])
        if request.get("harness"):
            func, args = getattr(harness, name), [module, *args]
        else:
            func = getattr(module, name, None)
            if not callable(func):
                return {"error": {"type": "MissingFunction", "message": name, "traceback": []}}
        if request.get("count_ops"):
            with _OpCounter(os.path.join(job_sandbox(), filename)) as counter:
                result = func(*args, **kwargs)
            ops = {"torch": counter.count, "lines": counter.lines}
        elif request.get("probe"):
            result, ops = _probe(str(request["probe"]), func, args, kwargs, skip=1 if request.get("harness") else 0), None
        else:
            result, ops = func(*args, **kwargs), None
    except AttributeError as exc:
        if getattr(exc, "obj", None) is module and getattr(exc, "name", None):   # e.g. a harness asked for it
            return {"error": {"type": "MissingFunction", "message": exc.name, "traceback": []}}
        return {"error": _describe(exc, filename)}
    except BaseException as exc:  # SystemExit and KeyboardInterrupt too: they are learner errors here
        return {"error": _describe(exc, filename)}
    try:
        reply = {"result": protocol.encode(result)}
        if ops is not None:
            reply["ops"] = ops
        return reply
    except protocol.NotPlainData as exc:
        return {"error": {"type": "TypeError", "message": str(exc)[:MAX_TEXT], "traceback": []}}
    except BaseException as exc:
        return {"error": _describe(exc, filename)}


def _probe(kind: str, func, args: list, kwargs: dict, skip: int):
    """What an engine probe (torchkata.probes) asks of a call: the arguments as they are after it
    (``skip`` leaves out a harness's module); two calls, ``args`` holding each one's arguments, and
    the first result as it was and as it is after the second; or its results' places on the simulated
    device."""
    if kind == "args":
        result = func(*args, **kwargs)
        return result, list(args[skip:]), dict(kwargs)
    if kind == "reread":
        first_args, first_kwargs, second_args, second_kwargs = args[skip:]
        first = func(*args[:skip], *first_args, **first_kwargs)
        before = _copy(first)
        second = func(*args[:skip], *second_args, **second_kwargs)
        return before, first, second
    if kind in ("device", "same-device"):
        from torchkata import simdevice
        return simdevice.probe_call(func, list(args), kwargs, place_inputs=kind == "same-device")
    raise ValueError(f"unknown probe {kind!r}")


def _copy(value):
    """A copy of a result, its tensors cloned (a later call must not be able to change it)."""
    import torch
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_copy(v) for v in value) if type(value) in (list, tuple) else value
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


class _OpCounter:
    """Counts what a call does: the torch functions and methods it dispatches (TorchFunctionMode),
    and the lines of the learner's own file it executes (a trace function; this catches a loop over
    .tolist() that dispatches no torch operation). It runs beside learner code, which can replace
    it: the counts are a claim, used by the rule "no Python loop over the batch" only to take points
    away (work that grows with the batch). The rule's points come from the source, read on the
    trusted side (torchkata.rules.loops)."""

    def __init__(self, learner_file: str):
        self.learner_file = learner_file
        self.count = self.lines = 0

    def __enter__(self):
        from torch.overrides import TorchFunctionMode

        counter = self

        class Mode(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                counter.count += 1
                return func(*args, **(kwargs or {}))

        def trace(frame, event, _arg):
            if frame.f_code.co_filename != self.learner_file:
                return None
            if event == "line":
                self.lines += 1
            return trace

        self._mode = Mode()
        self._mode.__enter__()
        self._previous = sys.gettrace()
        sys.settrace(trace)
        return self

    def __exit__(self, *exc):
        sys.settrace(self._previous)
        self._mode.__exit__(*exc)


def _describe(exc: BaseException, filename: str) -> dict:
    """The exception as the learner should see it: only frames from their own file."""
    try:
        message = str(exc)
    except BaseException:
        message = "<exception message could not be shown>"
    if isinstance(exc, MemoryError) and not message:
        message = "out of memory"
    syntax = _syntax_detail(exc, filename)
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.basename(frame.filename) == filename:
            frames.append({"line": frame.lineno, "function": frame.name, "code": (frame.line or "")[:200]})
    described = {"type": type(exc).__name__[:100], "message": message[:MAX_TEXT], "traceback": frames[-10:]}
    if syntax:
        described["syntax"] = syntax
    return described


def _syntax_detail(exc: BaseException, filename: str) -> dict | None:
    """Where a SyntaxError (or IndentationError) in the learner's own file points."""
    if not isinstance(exc, SyntaxError) or os.path.basename(exc.filename or "") != filename:
        return None
    return {"line": exc.lineno, "offset": exc.offset, "text": (exc.text or "")[:300], "message": exc.msg}


def _load_module(name: str, path: str, source: bytes | None = None):
    """Import ``path`` as ``name``; with ``source``, compile those bytes (with ``path`` as the file name)
    instead of whatever the file holds now, and never bytecode from ``__pycache__``."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    if source is None:
        spec.loader.exec_module(module)
    else:                      # compile() of bytes decodes them as the importer does (PEP 263 coding line, BOM)
        exec(compile(source, path, "exec", dont_inherit=True), module.__dict__)
    return module


def _source_of(job: dict) -> bytes | None:
    """The implementation's bytes as the trusted side read them (and decided the source rules from)."""
    return base64.b64decode(job["source"]) if job.get("source") is not None else None


def _redirect_output(fds: list[int]) -> None:
    """Send stdout and stderr to the files the trusted side passed (it cleared them)."""
    _flush()
    for target, fd in zip(fds, (1, 2)):
        os.dup2(target, fd)
    for target in fds:
        os.close(target)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def _start_coverage(job: dict):
    import coverage

    cov = coverage.Coverage(data_file=os.path.join(job["sandbox"], job["coverage"]), data_suffix=True,
                            include=[os.path.join(job["sandbox"], job["file"])], config_file=False)
    cov.start()
    return cov


class ForbiddenAPIError(RuntimeError):
    pass


def _disable_forbidden(paths: list[str], learner_file: str) -> None:
    """Defence in depth only: the forbidden-API rule is decided on the trusted side from the source
    (torchkata.rules.routes), and no point depends on this guard, which runs where the learner can
    undo it. Each forbidden function, called from the learner's own file, raises and names itself;
    called from anywhere else (torch's internals, the kata's harness) it works as usual. Classes
    are left alone (replacing them would break isinstance checks)."""
    for dotted in paths:
        owner_path, _, attr = dotted.rpartition(".")
        owner = _resolve(owner_path)
        original = getattr(owner, attr, None) if owner is not None else None
        if original is None or isinstance(original, type) or not callable(original):
            continue

        def guarded(*args, _name=dotted, _original=original, **kwargs):
            if sys._getframe(1).f_code.co_filename == learner_file:
                raise ForbiddenAPIError(f"{_name} is not allowed in this kata")
            return _original(*args, **kwargs)
        try:
            setattr(owner, attr, guarded)
        except (AttributeError, TypeError):
            pass


def _resolve(dotted: str):
    parts = dotted.split(".")
    try:
        obj = sys.modules.get(parts[0]) or importlib.import_module(parts[0])
        for part in parts[1:]:
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError):
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
