"""Attack: reach the network (the host's loopback services, TCP and UDP) from learner code."""
import socket

import pytest

from tests.red_team.jail_support import attack, earns_nothing, grade, needs_namespaces, token

CALL = """
import socket

reached = []
try:
    with socket.create_connection(("127.0.0.1", {tcp}), timeout=2) as s:
        s.sendall(b"{secret}")
        reached.append("tcp")
except OSError as exc:
    print("tcp", exc)
try:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"{secret}", ("127.0.0.1", {udp}))
        reached.append("udp")
except OSError as exc:
    print("udp", exc)
"""


@pytest.fixture
def listeners():
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    for sock in (tcp, udp):
        sock.setblocking(False)
    yield tcp, udp
    tcp.close()
    udp.close()


def arrived(tcp, udp) -> list[str]:
    seen = []
    try:
        tcp.accept()[0].close()
        seen.append("tcp")
    except OSError:
        pass
    try:
        seen.append(udp.recv(100).decode())
    except OSError:
        pass
    return seen


def test_the_hosts_loopback_is_out_of_reach(course, worker, tmp_path, listeners):
    needs_namespaces(worker)
    tcp, udp = listeners
    secret = token()
    body = CALL.replace("{tcp}", str(tcp.getsockname()[1])).replace("{udp}", str(udp.getsockname()[1])) \
        .replace("{secret}", secret)
    result = grade(course, course.get("stable-softmax"), worker, attack(tmp_path, body, "reached"))
    earns_nothing(result)
    assert arrived(tcp, udp) == []
    assert result.isolation["checks"]["network_unreachable"], result.isolation
    assert "network-namespace" in result.isolation["mechanisms"]
