"""Attack: outlast a test's time limit by answering a byte at a time.

The trusted side reads a child's reply with the test's deadline. If the deadline bounded each read
rather than the whole reply, a child could announce a frame and then send one byte before every
read timed out: the test (and a class's grading, or a Gradescope run) would wait as long as the
child liked, with the child asleep, its CPU limit untouched. Every descriptor of the child gets a
frame header and then a byte every half second, forever: the call must end as a timeout at the
deadline, and the child with it.
"""
from __future__ import annotations

from torchkata.implementations import Job, LearnerRunner
from torchkata.launcher import Call, Limits

TRICKLE = """
import os
import time


def f():
    descriptors = []
    for fd in range(3, 64):
        try:
            os.fstat(fd)
            descriptors.append(fd)
        except OSError:
            pass
    for fd in descriptors:                      # one of them is the channel to the trusted side
        try:
            os.write(fd, (4096).to_bytes(4, "big"))
        except OSError:
            pass
    while True:
        time.sleep(0.5)
        for fd in descriptors:
            try:
                os.write(fd, b" ")
            except OSError:
                pass
"""


def test_a_reply_sent_a_byte_at_a_time_ends_at_the_deadline(worker):
    job = Job(module="trickle", file_name="trickle.py", timeout=2, limits=Limits(timeout=2))
    runner = LearnerRunner(worker, TRICKLE.encode(), job, fresh_per_test=False, tests=1)
    try:
        runner.begin_test()
        outcome = runner.call(Call.make("f", (), {}))
        assert outcome.status == "timeout", (outcome.status, outcome.info)
        runner.end_test()
        assert runner.process.dead                  # ended with the test, not left sending
    finally:
        runner.close()
