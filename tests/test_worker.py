"""What the worker's zygote does to itself to fork faster must not change what a child computes."""
import subprocess
import sys
import traceback

from torchkata import worker


def test_huge_page_collapse_leaves_memory_as_it_was():
    # In a process of its own: collapsing rewrites this process's page tables.
    script = (
        "import hashlib, os\n"
        "from torchkata import worker\n"
        "block = bytearray(os.urandom(1 << 20)) * 24\n"
        "before = hashlib.sha256(block).hexdigest()\n"
        "collapsed = worker._collapse_into_huge_pages()\n"
        "assert collapsed >= 0 and collapsed % (2 << 20) == 0, collapsed\n"
        "assert hashlib.sha256(block).hexdigest() == before\n"
        "block[5 << 20] ^= 0xFF\n"
        "assert hashlib.sha256(block).hexdigest() != before\n"
        "print('ok', collapsed)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr


def test_seed_stacks_keep_file_line_and_function():
    def where():
        return worker._StackWithoutSource.format_stack(), traceback.format_stack()

    ours, standard = where()
    assert len(ours) == len(standard)
    # traceback's lines are ours plus the source text; the last is the call inside where()
    for mine, theirs in zip(ours, standard):
        assert theirs.startswith(mine.rstrip("\n")), (mine, theirs)
    assert "in where" in ours[-1] and __file__ in ours[-1]


def test_torch_seeding_still_works_in_a_patched_process():
    script = (
        "import torch, sys\n"
        "from torchkata import worker\n"
        "worker._cheaper_accelerator_seed_stacks()\n"
        "assert torch.cuda.traceback is worker._StackWithoutSource\n"
        "torch.manual_seed(3); a = torch.rand(4)\n"
        "torch.manual_seed(3); b = torch.rand(4)\n"
        "assert torch.equal(a, b)\n"
        "import traceback; assert traceback.format_stack is not worker._StackWithoutSource.format_stack\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr


def test_warming_the_optimizer_path_starts_no_thread():
    # The zygote forks after this: a thread started here would make every fork unsafe.
    script = (
        "import sys, threading, torch\n"
        "from torchkata import worker\n"
        "worker._import_what_every_optimizer_step_imports(torch)\n"
        "assert threading.active_count() == 1, threading.enumerate()\n"
        "p = torch.nn.Parameter(torch.ones(2)); opt = torch.optim.SGD([p], lr=0.1)\n"
        "p.sum().backward(); opt.step()\n"
        "assert torch.equal(p.detach(), torch.full((2,), 0.9))\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stdout + done.stderr


# --- confinement: the level comes from probes, and what is missing is named -------------------------

import os  # noqa: E402
import socket  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from torchkata import confinement, isolation  # noqa: E402
from torchkata.cgroups import _relative  # noqa: E402
from torchkata.launcher import IsolationTooWeak, Limits, ProbeTargets, Worker  # noqa: E402
from torchkata.implementations import Job, LearnerRunner  # noqa: E402
from torchkata.launcher import Call  # noqa: E402

ALL_PROBES = {"own_pid_namespace": True, "host_processes_hidden": True, "signals_contained": True, "limits_locked": True,
              "unprivileged": True, "nproc": 17, "host_files_hidden": True, "host_unchanged": True,
              "host_sockets_unreachable": True, "sibling_sockets_unreachable": True, "network_unreachable": True,
              "errors": {"scratch": "EACCES", "tcp": "EACCES", "sibling": "EPERM"}}
ALL_OUTSIDE = {"namespaces": {k: True for k in ("user", "pid", "mnt", "net", "ipc", "uts")}, "host_uid": 65534,
               "cgroup": {"memory": "v1, 2304 MiB", "pids": "v1, 17"}, "arrived": []}
SETUP = {"mount-namespace": "", "unprivileged-uid": "", "own-user-namespace": "", "rlimits": "",
         "landlock-fs": "", "landlock-net": "", "landlock-scope": "", "landlock-abi": "7"}
JAIL = {"user-namespace": "", "pid-namespace": "", "network-namespace": "", "mount-namespace": ""}


def test_every_probe_passing_is_strong_and_names_each_mechanism():
    report = isolation.report(JAIL, SETUP, ALL_PROBES, ALL_OUTSIDE)
    assert report["level"] == "strong" and report["missing"] == []
    assert {"pid-namespace", "mount-namespace", "network-namespace", "rlimit-nproc", "landlock-fs(abi 7)",
            "cgroup-memory(v1, 2304 MiB)", "unprivileged-uid(host uid 65534)"} <= set(report["mechanisms"])


@pytest.mark.parametrize("probe, value, level", [
    ("host_processes_hidden", False, "partial"), ("limits_locked", False, "none"),
    ("network_unreachable", False, "basic"), ("host_files_hidden", False, "basic"),
    ("unprivileged", False, "partial"), ("nproc", None, "partial")])
def test_a_failing_probe_lowers_the_level_whatever_was_set_up(probe, value, level):
    report = isolation.report(JAIL, SETUP, {**ALL_PROBES, probe: value}, ALL_OUTSIDE)
    assert report["level"] == level
    assert report["missing"], "a mechanism the probe disproves must be named as missing"


def test_what_the_trusted_side_sees_overrules_the_child():
    # The child says nothing got through, but a listener of the launcher was reached; the host uid is root.
    assert isolation.report(JAIL, SETUP, ALL_PROBES, {**ALL_OUTSIDE, "arrived": ["udp"]})["level"] == "basic"
    root = isolation.report(JAIL, SETUP, ALL_PROBES, {**ALL_OUTSIDE, "host_uid": 0})
    assert root["level"] == "partial"
    assert "rlimit-nproc: the kernel does not apply it to root" in root["missing"]
    no_cgroup = {**ALL_OUTSIDE, "cgroup": {"why_memory": "cgroup: no permission (not root)", "why_pids": "x"}}
    report = isolation.report(JAIL, SETUP, ALL_PROBES, no_cgroup)
    assert report["level"] == "partial" and "cgroup-memory: cgroup: no permission (not root)" in report["missing"]


def test_unavailable_mechanisms_are_named_with_the_kernels_reason():
    why = "user namespaces are disabled on this machine (user.max_user_namespaces = 0)"
    jail = {name: why for name in JAIL}
    setup = {**SETUP, "landlock-fs": "landlock: not supported by this kernel",
             "landlock-net": "landlock: not supported by this kernel", "mount-namespace": why}
    probes = {**ALL_PROBES, "own_pid_namespace": False, "errors": {}}
    outside = {**ALL_OUTSIDE, "namespaces": {k: False for k in ALL_OUTSIDE["namespaces"]}}
    report = isolation.report(jail, setup, probes, outside)
    assert f"pid-namespace: {why}" in report["missing"]
    assert "landlock-fs: landlock: not supported by this kernel" in report["missing"]
    assert "pid-namespace" not in report["mechanisms"] and not any(m.startswith("landlock") for m in report["mechanisms"])


def test_a_result_is_as_weak_as_its_weakest_child():
    strong = isolation.report(JAIL, SETUP, ALL_PROBES, ALL_OUTSIDE)
    weak = isolation.report(JAIL, SETUP, {**ALL_PROBES, "host_files_hidden": False}, ALL_OUTSIDE)
    combined = isolation.combine([strong, weak])
    assert combined["level"] == "basic" and combined["missing"] == weak["missing"]
    assert isolation.combine([])["level"] == "none"


def test_cgroup_paths_are_taken_relative_to_the_mounted_hierarchy():
    assert _relative("/process_api/abc/torchkata-1", "/") == "process_api/abc/torchkata-1"
    assert _relative("/docker/xyz/a", "/docker/xyz") == "a"
    assert _relative("/", "/") == ""


def test_probe_targets_notice_whatever_reaches_them(tmp_path):
    targets = ProbeTargets(str(tmp_path))
    try:
        assert targets.arrived() == set()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(targets.targets["unix"])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.sendto(b"x", ("127.0.0.1", targets.targets["udp"]))
            assert targets.arrived() == {"unix", "udp"}
    finally:
        targets.close()


def test_every_rlimit_is_set_with_hard_equal_to_soft():
    script = ("import resource\n"
              "from torchkata import confinement\n"
              "assert confinement.apply_limits(30, 512, 16, 256, 8) == ''\n"
              "kinds = [getattr(resource, n) for n in dir(resource) if n.startswith('RLIMIT_')]\n"
              "assert all(resource.getrlimit(k)[0] == resource.getrlimit(k)[1] for k in kinds)\n"
              "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
              "try:\n    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard + 1)); print('raised')\n"
              "except ValueError:\n    print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


def test_this_machines_mechanisms_are_in_force_and_the_level_is_what_the_probes_show(worker):
    report = worker.require_isolation()
    assert report["level"] == isolation.level_of(report["checks"])
    lacking = [why for why in worker.jail.values() if why]
    lacking += [why for why in worker.cgroups.why.values()]
    if confinement.landlock_abi() < 6:
        lacking.append(f"Landlock ABI {confinement.landlock_abi()} < 6")
    if lacking:
        pytest.skip("; ".join(lacking))
    assert report["level"] == "strong", report["missing"]
    assert report["missing"] == []


def test_a_worker_without_namespaces_says_so_and_is_refused_below_the_minimum():
    with Worker(jail=False, min_isolation="partial") as bare:
        with pytest.raises(IsolationTooWeak) as refused:
            bare.require_isolation()
        report = refused.value.report
        assert report["level"] in ("none", "basic")
        assert "pid-namespace: turned off by the launcher" in report["missing"]
        assert "pid-namespace" not in report["mechanisms"]
        # A child below the minimum is killed before learner code runs: its import would leave a file in its
        # sandbox (which it may write), and the call would answer.
        outcome, ran = _call_code_that_leaves_a_file(bare)
        assert outcome.status == "crashed" and "--min-isolation" in outcome.info["detail"]
        assert not ran


def _call_code_that_leaves_a_file(worker):
    """Import a file whose import writes `ran` into its sandbox, and call its f(): (outcome, whether it ran)."""
    job = Job(module="probe_me", file_name="probe_me.py", timeout=30, limits=Limits(timeout=30))
    source = "import os\nopen(os.path.join(os.environ['HOME'], 'ran'), 'w').close()\ndef f():\n    return 1\n"
    runner = LearnerRunner(worker, source.encode(), job, fresh_per_test=False, tests=1)
    try:
        runner.begin_test()
        outcome = runner.call(Call.make("f", (), {}))
        runner.end_test()
        return outcome, (Path(runner.sandbox.path) / "ran").exists()
    finally:
        runner.close()


def test_the_same_child_above_the_minimum_runs_the_code():
    # The check above is not vacuous: with no minimum, the same code runs and leaves its file.
    with Worker(jail=False) as bare:
        outcome, ran = _call_code_that_leaves_a_file(bare)
        assert outcome.status == "ok" and outcome.value == 1 and ran


def test_learner_code_can_use_its_sandbox_and_temporary_files_inside_the_jail(worker):
    job = Job(module="files_me", file_name="files_me.py", timeout=30, limits=Limits(timeout=30))
    source = ("import os, tempfile\n"
              "def f():\n"
              "    with tempfile.NamedTemporaryFile('w', delete=False) as t:\n"
              "        t.write('x')\n"
              "    with open(os.path.join(os.environ['HOME'], 'notes.txt'), 'w') as n:\n"
              "        n.write('y')\n"
              "    return [os.getuid(), os.path.dirname(t.name) == os.environ['HOME'], open(t.name).read()]\n")
    runner = LearnerRunner(worker, source.encode(), job, fresh_per_test=False, tests=1)
    try:
        runner.begin_test()
        outcome = runner.call(Call.make("f", (), {}))
        runner.end_test()
    finally:
        runner.close()
    assert outcome.status == "ok", outcome.info
    uid, in_sandbox, text = outcome.value
    assert in_sandbox and text == "x"
    if not worker.jail.get("user-namespace"):
        assert uid == confinement.LEARNER_UID


KATA = Path(sys.executable).parent / "kata"


def test_kata_check_refuses_below_min_isolation_with_exit_code_3(tmp_path):
    from tests.conftest import SOFTMAX_REFERENCE
    env = {**os.environ, "TORCHKATA_JAIL": "off", "LANG": "C.UTF-8"}
    done = subprocess.run([str(KATA), "check", "stable-softmax", "--submission", str(SOFTMAX_REFERENCE),
                           "--min-isolation", "strong"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "refusing to grade" in done.stderr and "--min-isolation 'strong'" in done.stderr
    assert "pid-namespace: turned off by TORCHKATA_JAIL=off" in done.stderr
    assert "Score" not in done.stdout


def test_kata_check_json_lists_the_mechanisms_in_force_and_the_probed_level():
    import json
    from tests.conftest import SOFTMAX_REFERENCE
    done = subprocess.run([str(KATA), "check", "stable-softmax", "--submission", str(SOFTMAX_REFERENCE), "--json",
                           "--min-isolation", "basic"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["isolation"]
    assert found["level"] == isolation.level_of(found["checks"])
    assert {"process", "rlimits"} <= set(found["mechanisms"])
    assert isinstance(found["missing"], list)


def test_a_cgroup_v2_hierarchy_without_the_controllers_is_reported_not_used():
    from torchkata.cgroups import CgroupRoot, _cgroup_mounts
    mount = _cgroup_mounts().get("")
    if mount is None:
        pytest.skip("no cgroup v2 hierarchy is mounted here")
    controllers = Path(mount[0], "cgroup.controllers").read_text().split()
    if {"memory", "pids"} <= set(controllers):
        pytest.skip("this machine's cgroup v2 hierarchy has the memory and pids controllers")
    found = CgroupRoot._v2(mount, "/", f"torchkata-test-{os.getpid()}")
    try:
        assert found.bases == {} and "v2" in found.why["memory"] and found.why["pids"]
    finally:
        found.close()


def test_sandboxes_in_a_folder_nested_under_tmp_are_entered(tmp_path):
    """TMPDIR need not be /tmp itself (run_autograder gives each grading its own): a child whose sandbox
    lies deeper under /tmp still enters its view and is graded."""
    import json
    import shutil
    import tempfile
    from tests.conftest import REPO, SOFTMAX_POINTS, SOFTMAX_REFERENCE
    def check(tmpdir: str) -> tuple[dict, str]:
        done = subprocess.run([sys.executable, "-m", "torchkata", "--course", str(REPO), "check", "stable-softmax",
                               "--submission", str(SOFTMAX_REFERENCE), "--json"], capture_output=True, text=True,
                              env={**os.environ, "TMPDIR": tmpdir}, cwd=tmp_path, timeout=300)
        return json.loads(done.stdout), done.stderr

    if "mount-namespace" not in check("/tmp")[0]["isolation"]["mechanisms"]:
        pytest.skip("no mount namespace for the jail on this machine")
    nested = Path(tempfile.mkdtemp(prefix="torchkata-nested-")) / "grading" / "tmp"
    try:
        nested.mkdir(parents=True)
        for folder in (nested, nested.parent, nested.parent.parent):
            folder.chmod(0o755)               # the jail's children run as another uid
        result, stderr = check(str(nested))
        assert result["totals"]["points"] == SOFTMAX_POINTS, stderr
        assert "mount-namespace" in result["isolation"]["mechanisms"], result["isolation"].get("missing")
    finally:
        shutil.rmtree(nested.parent.parent, ignore_errors=True)


def _child_placement(worker, monkeypatch):
    """Start one child that runs no learner code: (its cgroup placement, the cgroup files written here)."""
    from torchkata import cgroups
    from torchkata.launcher import ChildProcess, Sandbox
    written = []
    real_write = cgroups._write
    monkeypatch.setattr(cgroups, "_write", lambda path, text: (written.append(os.path.basename(path)),
                                                                real_write(path, text))[1])
    sandbox = Sandbox(b"", "placed.py")
    job = {"module": "placed", "limits": Limits().for_child(), "preload": [], "harness": None, "forbidden": [],
           "hide": [], "coverage": None}
    try:
        import time
        child = ChildProcess(worker, sandbox, job, deadline=time.monotonic() + 60)
        child.kill()
        return child.cgroup, written
    finally:
        sandbox.remove()


def test_a_child_is_in_its_cgroups_before_learner_code_whoever_moved_it(worker, monkeypatch):
    if set(worker.cgroups.bases) != {"memory", "pids"}:
        pytest.skip("; ".join(worker.cgroups.why.values()) or "no memory and pids cgroups")
    placement, written = _child_placement(worker, monkeypatch)
    assert placement.memory and placement.pids, placement.summary()         # read back from /proc: in force
    if worker.cgroups.version == 1:         # it moved itself (tasks, no global lock): no pid written from here
        assert "cgroup.procs" not in written
    # A child that does not move itself (v2, or a write it could not make) is moved in from here.
    monkeypatch.setattr(worker.cgroups, "entry_files", lambda placement: [])
    placement, written = _child_placement(worker, monkeypatch)
    assert placement.memory and placement.pids, placement.summary()
    assert written.count("cgroup.procs") == len(set(placement.made.values()))
