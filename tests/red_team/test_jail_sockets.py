"""Attack: talk to a host service through a pathname UNIX socket (a Docker socket would be the host)
or an abstract one."""
import os
import socket
import threading

import pytest

from tests.red_team.jail_support import (all_text, attack, earns_nothing, grade, jail_reason, needs_namespaces,
                                         token)
from torchkata.confinement import landlock_abi

DIAL = """
import socket

got = []
for address in {addresses!r}:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(address)
            got.append(s.recv(100).decode())
    except OSError as exc:
        print(address, exc)
print("got", got)
"""


class Service:
    """A listening socket that hands a secret to whoever connects, and counts them."""

    def __init__(self, address: str):
        self.address, self.secret, self.connections = address, token(), 0
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(address)
        if not address.startswith("\0"):
            os.chmod(address, 0o777)
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.sendall(self.secret.encode())
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def services(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(folder, 0o777)
    made = {"pathname": Service(str(folder / "docker.sock")),
            "tmp": Service(f"/tmp/torchkata-redteam-{token()}.sock"),
            "abstract": Service(f"\0torchkata-redteam-{token()}")}
    yield made
    for service in made.values():
        service.close()
    os.unlink(made["tmp"].address)


def run(course, worker, tmp_path, addresses):
    source = attack(tmp_path, DIAL.replace("{addresses!r}", repr(addresses)), "got")
    return grade(course, course.get("stable-softmax"), worker, source)


def test_pathname_sockets_of_the_host_are_out_of_reach(course, worker, tmp_path, services):
    needs_namespaces(worker)
    chosen = [services["pathname"], services["tmp"]]
    result = run(course, worker, tmp_path, [s.address for s in chosen])
    earns_nothing(result)
    for service in chosen:
        assert service.connections == 0 and service.secret not in all_text(result)


def test_abstract_sockets_of_the_host_are_out_of_reach(course, worker, tmp_path, services):
    if jail_reason(worker, "network-namespace") and landlock_abi() < 6:
        pytest.skip(f"needs a network namespace ({jail_reason(worker, 'network-namespace')}) or Landlock ABI 6")
    service = services["abstract"]
    result = run(course, worker, tmp_path, [service.address])
    earns_nothing(result)
    assert service.connections == 0 and service.secret not in all_text(result)
