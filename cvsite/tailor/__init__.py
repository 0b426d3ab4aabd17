"""Tailoring: score, filter and order the profile for one job.

A small package:

* `cvsite.tailor.fast` is what builds use: `Index.build` reads the profile once into
  inverted indexes, `tailor_with` scores one job through them (see its docstring).
* `cvsite.tailor.spec` is the plain, eager reference scorer that states the rules; a
  hypothesis test (tests/tailor/test_spec.py) holds the fast path to it.
* `cvsite.weights` holds every scoring constant, read from `cvsite/data/scoring.yaml`.

Import from here; the modules behind it are free to move.
"""

from cvsite.tailor.fast import (
    Index,
    IndexedItem,
    JobTerms,
    tailor,
    tailor_all,
    tailor_with,
)

__all__ = ["Index", "IndexedItem", "JobTerms", "tailor", "tailor_all", "tailor_with"]
