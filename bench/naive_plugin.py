"""The naive baseline for bench/batch_throughput.py: the toy grader the project replaces.

One `pytest` process per learner per kata imports the learner's file next to the
reference and the assertions (no isolation at all). Used only for measuring.
Environment: NAIVE_SUBMISSION, NAIVE_REFERENCE, NAIVE_HARNESS (optional).
"""
import importlib.util
import os

import pytest


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Harness:
    def __init__(self, harness, module):
        self._harness, self._module = harness, module

    def __getattr__(self, name):
        return lambda *args, **kwargs: getattr(self._harness, name)(self._module, *args, **kwargs)


class _Naive:
    def __init__(self, module, harness):
        self._module = module
        self.harness = _Harness(harness, module) if harness else None

    def __getattr__(self, name):
        return getattr(self._module, name)


def pytest_configure(config):
    config.addinivalue_line("markers", "public(points): public spec")
    config.addinivalue_line("markers", "hidden(points): hidden spec")
    config.addinivalue_line("markers", "rule(points): measured rule")


def pytest_generate_tests(metafunc):
    if "device" in metafunc.fixturenames:
        metafunc.parametrize("device", ["cpu"])


@pytest.fixture
def sub():
    harness = os.environ.get("NAIVE_HARNESS")
    return _Naive(_load("submission", os.environ["NAIVE_SUBMISSION"]), _load("harness", harness) if harness else None)


@pytest.fixture
def ref():
    harness = os.environ.get("NAIVE_HARNESS")
    return _Naive(_load("reference", os.environ["NAIVE_REFERENCE"]), _load("harness", harness) if harness else None)
