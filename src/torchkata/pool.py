"""Grading processes that share one warm worker: how `kata grade` and `kata validate` go parallel.

The main process imports torch (while the worker imports it too) but never runs a torch
operation: with one thread and no pool started, forking it stays safe, and every grading
process inherits torch already imported instead of importing it again. Each grading process is
forked from it, gets a connection of its own to the worker,
opens one pytest session (specs collected once) and then takes items from a queue until
there are none left. A grading process that dies has its item put back once, and a
fresh process takes its place.
"""
from __future__ import annotations

import multiprocessing
import queue as queue_module
import traceback
from typing import Any, Callable, Iterable

from torchkata.launcher import Worker

Body = Callable[[Worker, Callable[[], Any], Callable[[Any, Any], None], tuple[int, int]], None]


class ItemFailed(Exception):
    """An item could not be handled; the message says why."""


def run_pool(items: Iterable[Any], key: Callable[[Any], str], jobs: int, worker: Worker, body: Body,
             on_result: Callable[[Any, Any], None]) -> None:
    """Hand every item to ``body`` in ``jobs`` forked processes; ``on_result(item, result)`` runs here.

    ``body(worker, take, give, (number, count))`` runs in each process: ``take()`` returns the next
    item (None when there are no more), ``give(item, result)`` sends a result back; ``number`` is
    the process's place among the ``count`` started together. A result is an :class:`ItemFailed`
    when the item could not be handled.
    """
    pending = {key(item): item for item in items}
    if not pending:
        return
    _import_torch_once()
    context = multiprocessing.get_context("fork")
    tasks, results = context.Queue(), context.Queue()
    for item in pending.values():
        tasks.put(item)
    attempts: dict[str, int] = {}
    in_flight: dict[int, str] = {}
    processes: dict[int, Any] = {}

    def start(number: int) -> None:
        client = worker.new_client()
        process = context.Process(target=_serve, args=(worker, client, body, tasks, results, key, number, count),
                                  daemon=True)
        process.start()
        client.close()
        processes[number] = process

    count = max(1, min(jobs, len(pending)))
    for number in range(count):
        start(number)
    for _ in range(count):
        tasks.put(None)
    next_number = count
    while pending:
        try:
            kind, number, item_key, payload = results.get(timeout=0.5)
        except queue_module.Empty:
            next_number = _replace_dead(processes, in_flight, pending, attempts, tasks, on_result, start, next_number)
            continue
        if kind == "start":
            in_flight[number] = item_key
        elif item_key in pending:
            in_flight.pop(number, None)
            on_result(pending.pop(item_key), payload)
    for process in processes.values():
        process.join(timeout=30)
        if process.is_alive():
            process.kill()


def _import_torch_once() -> None:
    import torch

    torch.set_num_threads(1)   # no thread pool exists until an operation runs; none will here


def _replace_dead(processes, in_flight, pending, attempts, tasks, on_result, start, next_number) -> int:
    for number, process in list(processes.items()):
        if process.is_alive() or process.exitcode == 0:
            continue
        del processes[number]
        lost = in_flight.pop(number, None)
        if lost is not None and lost in pending:
            attempts[lost] = attempts.get(lost, 0) + 1
            if attempts[lost] >= 2:
                on_result(pending.pop(lost), ItemFailed(f"the grading process died twice (exit code {process.exitcode})"))
            else:
                tasks.put(pending[lost])
        if pending:
            start(next_number)
            tasks.put(None)
            next_number += 1
    return next_number


def _serve(worker: Worker, client, body: Body, tasks, results, key, number: int, count: int) -> None:
    worker.use_client(client)

    def take():
        item = tasks.get()
        if item is not None:
            results.put(("start", number, key(item), None))
        return item

    def give(item, result) -> None:
        results.put(("done", number, key(item), result))

    try:
        body(worker, take, give, (number, count))
    except BaseException:  # noqa: BLE001 — the parent notices the exit and re-queues the item in flight
        traceback.print_exc()
        raise SystemExit(70)
