"""Naming the confinement a child ran under: from probes, never from what was attempted.

A child's report joins three sources: what the zygote and the child set up (with the reason
for anything they could not), what the child's probes found just before learner code
(:func:`torchkata.isolation_probes.run_probes`), and what the trusted side checked from outside
(the child's namespaces and host uid in /proc, its cgroup, whether anything reached the
listeners it holds open). Levels, weakest first:

``none``     no confined child ran (the file was not run at all);
``basic``    a separate process with a clean environment whose rlimits cannot be raised;
``partial``  also: nothing outside the sandbox can be read or changed, no host socket and no
             network can be reached;
``strong``   also: an unprivileged uid with a process limit, no host process visible or
             signalled, no socket of another child reachable, every process the child starts
             ends with it, and cgroup memory and pids limits (memory in memfds and page cache counts).
"""
from __future__ import annotations

LEVELS = ("none", "basic", "partial", "strong")

BASIC = ("limits_locked",)
PARTIAL = BASIC + ("host_files_hidden", "host_unchanged", "host_sockets_unreachable", "network_unreachable")
STRONG = PARTIAL + ("unprivileged", "process_limit", "host_processes_hidden", "signals_contained",
                    "sibling_sockets_unreachable", "descendants_end", "memory_limit", "pids_limit")

# What each check shows when it fails, for the report's "missing" list.
FAILED = {
    "limits_locked": "an rlimit could be raised",
    "host_files_hidden": "a file outside the sandbox could be read",
    "host_unchanged": "a file outside the sandbox could be written",
    "host_sockets_unreachable": "a socket of the host could be reached",
    "network_unreachable": "the host's loopback network could be reached",
    "unprivileged": "learner code runs with root or capabilities",
    "process_limit": "no process limit applies",
    "host_processes_hidden": "other processes are visible in /proc",
    "signals_contained": "a process outside the child could be signalled",
    "sibling_sockets_unreachable": "an abstract socket of another child could be reached",
    "descendants_end": "a process the child starts could outlive it",
    "memory_limit": "no memory limit counts memfds and page cache",
    "pids_limit": "no cgroup pids limit",
}


def level_of(checks: dict[str, bool]) -> str:
    for name, needed in (("strong", STRONG), ("partial", PARTIAL), ("basic", BASIC)):
        if all(checks.get(check) for check in needed):
            return name
    return "none"


def at_least(level: str, minimum: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(minimum)


def report(jail: dict, setup: dict, probes: dict, outside: dict) -> dict:
    """One child's isolation: ``level``, ``mechanisms`` (confirmed), ``missing`` (with reasons), ``checks``.

    ``jail``: the zygote's status (mechanism -> "" or why not); ``setup``: the child's, alike;
    ``probes``: from :func:`torchkata.isolation_probes.run_probes`; ``outside``: the trusted side's own
    checks (``namespaces`` kind -> differs from the launcher's, ``host_uid``, ``cgroup``, ``arrived``).
    """
    errors = probes.get("errors") if isinstance(probes.get("errors"), dict) else {}
    spaces = outside.get("namespaces", {})
    host_uid = outside.get("host_uid")
    cgroup = outside.get("cgroup", {})
    arrived = set(outside.get("arrived", ()))
    root_outside = host_uid in (None, 0)
    checks = {
        "limits_locked": probes.get("limits_locked") is True,
        "host_files_hidden": probes.get("host_files_hidden") is True,
        "host_unchanged": probes.get("host_unchanged") is True,
        "host_sockets_unreachable": probes.get("host_sockets_unreachable") is True and not arrived & {"unix", "abstract"},
        "network_unreachable": probes.get("network_unreachable") is True and not arrived & {"tcp", "udp"},
        "unprivileged": probes.get("unprivileged") is True and not root_outside,
        "process_limit": isinstance(probes.get("nproc"), int) and not root_outside,
        "host_processes_hidden": probes.get("host_processes_hidden") is True,
        "signals_contained": probes.get("signals_contained") is True,
        "sibling_sockets_unreachable": probes.get("sibling_sockets_unreachable") is True,
        "memory_limit": bool(cgroup.get("memory")),
        "pids_limit": bool(cgroup.get("pids")),
    }
    own_pid_namespace = probes.get("own_pid_namespace") is True and spaces.get("pid") is True
    checks["descendants_end"] = own_pid_namespace or checks["pids_limit"]   # the namespace, or the cgroup, is killed
    landlock = setup.get("landlock-abi", "")
    confirmed = {
        "user-namespace": spaces.get("user") is True,
        "unprivileged-uid": checks["unprivileged"],
        "pid-namespace": own_pid_namespace and checks["host_processes_hidden"],
        "mount-namespace": spaces.get("mnt") is True and not setup.get("mount-namespace") and checks["host_files_hidden"],
        "network-namespace": spaces.get("net") is True and checks["network_unreachable"],
        "ipc-namespace": spaces.get("ipc") is True,
        "rlimits": checks["limits_locked"],
        "rlimit-nproc": checks["process_limit"],
        "cgroup-memory": checks["memory_limit"],
        "cgroup-pids": checks["pids_limit"],
        "landlock-fs": not setup.get("landlock-fs", "?") and errors.get("scratch") == "EACCES",
        "landlock-net": not setup.get("landlock-net", "?") and errors.get("tcp") == "EACCES",
        "landlock-scope": not setup.get("landlock-scope", "?") and errors.get("sibling") == "EPERM",
    }
    names = {"landlock-fs": f"landlock-fs(abi {landlock})" if landlock else "landlock-fs",
             "cgroup-memory": f"cgroup-memory({cgroup.get('memory')})", "cgroup-pids": f"cgroup-pids({cgroup.get('pids')})",
             "unprivileged-uid": f"unprivileged-uid(host uid {host_uid})"}
    mechanisms = ["process", "clean-env", "process-group"]
    mechanisms += [names.get(name, name) for name, ok in confirmed.items() if ok]
    missing = [f"{name}: {_why_missing(name, jail, setup, checks, cgroup, host_uid)}"
               for name, ok in confirmed.items() if not ok]
    return {"level": level_of(checks), "mechanisms": mechanisms, "missing": missing, "checks": checks}


def _why_missing(name: str, jail: dict, setup: dict, checks: dict, cgroup: dict, host_uid) -> str:
    said = {"user-namespace": jail.get("user-namespace"), "pid-namespace": jail.get("pid-namespace"),
            "network-namespace": jail.get("network-namespace"), "ipc-namespace": jail.get("user-namespace"),
            "mount-namespace": setup.get("mount-namespace") or jail.get("mount-namespace"),
            "unprivileged-uid": setup.get("unprivileged-uid"), "rlimits": setup.get("rlimits"),
            "rlimit-nproc": "the kernel does not apply it to root" if host_uid == 0 else setup.get("rlimits"),
            "cgroup-memory": cgroup.get("why_memory"), "cgroup-pids": cgroup.get("why_pids"),
            "landlock-fs": setup.get("landlock-fs"), "landlock-net": setup.get("landlock-net"),
            "landlock-scope": setup.get("landlock-scope")}.get(name)
    if said:
        return str(said)
    shown_by = {"pid-namespace": "host_processes_hidden", "mount-namespace": "host_files_hidden",
                "network-namespace": "network_unreachable", "unprivileged-uid": "unprivileged",
                "rlimits": "limits_locked", "rlimit-nproc": "process_limit"}.get(name)
    if shown_by and not checks.get(shown_by):
        return f"set up, but the probe shows that {FAILED[shown_by]}"
    return "set up, but the probe was not refused as it must be" if name.startswith("landlock") else "not in force"


def combine(reports: list[dict]) -> dict:
    """The isolation of a result whose tests ran in several children: the weakest of them."""
    reports = [r for r in reports if isinstance(r, dict)]
    if not reports:
        return {"level": "none", "mechanisms": [], "missing": ["no confined process ran this file"], "checks": {}}
    level = min((r.get("level", "none") for r in reports), key=lambda name: LEVELS.index(name) if name in LEVELS else 0)
    mechanisms = [m for m in reports[0].get("mechanisms", []) if all(m in r.get("mechanisms", []) for r in reports)]
    missing: list[str] = []
    for r in reports:
        missing += [m for m in r.get("missing", []) if m not in missing]
    names = {name for r in reports for name in r.get("checks", {})}
    checks = {name: all(r.get("checks", {}).get(name) is True for r in reports) for name in sorted(names)}
    return {"level": level, "mechanisms": mechanisms, "missing": missing, "checks": checks}
