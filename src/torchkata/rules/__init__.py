"""Rules decided from the learner's source, on the trusted side: nothing here runs learner code.

- :mod:`torchkata.rules.routes`: the forbidden-API rule, an allow-list analysis of the whole file;
- :mod:`torchkata.rules.loops`: the structural half of "no Python loop over the batch", which reads
  the graded functions with :mod:`torchkata.rules.interpreter` over :mod:`torchkata.rules.values`;
- :mod:`torchkata.rules.library`: what library names refer to (resolved with the real torch);
- :mod:`torchkata.rules.scopes`: which binding a name refers to (Python's scoping rules);
- :mod:`torchkata.rules.findings`: what a rule found, told in both languages with its line.
"""
from functools import lru_cache

from torchkata.rules.findings import Finding
from torchkata.rules.loops import argument, find_batch_loops
from torchkata.rules.routes import find_routes

__all__ = ["Finding", "argument", "find_batch_loops", "find_routes", "routes_of"]


@lru_cache(maxsize=64)
def routes_of(source: str, forbidden: tuple[str, ...], harness: bool = False) -> tuple[Finding, ...]:
    """find_routes, remembered: a rule test may ask several times about the same file."""
    return tuple(find_routes(source, forbidden, harness))
