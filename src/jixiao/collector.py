"""Python's cycle collector held off while jixiao makes many objects that live on and almost no cyclic garbage.

Importing a command's stages makes some 300,000 objects (modules, classes, functions) and a build makes millions
(parsed YAML, views) that live until it ends, with some 800 cyclic ones for 200 reports: the collector would scan
them again and again as they pile up (2.5 % of an import's instructions, 5 % of a build's at raised thresholds).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collecting_less(*, for_good: bool = False) -> Iterator[None]:
    """Collection off (forked workers inherit that), what exists already frozen; at the end what survived goes to
    the permanent generation when it lives as long as the process (`for_good`: the imported stages), else to the
    oldest (a build's objects, freed when it ends: collected once that generation has grown by a quarter, never
    scanned all at once by a young-generation pass)."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not for_good:
            gc.unfreeze()
        if enabled:
            gc.enable()


@contextlib.contextmanager
def collected_after() -> Iterator[None]:
    """The cyclic garbage made inside collected as it ends, and only that: what existed before is frozen meanwhile,
    so the collection scans the new objects alone, then goes back to the oldest generation. For the few steps that
    do make cycles: WeasyPrint's boxes point at their parents, and with the collector off for the build a PDF build
    kept every report's layout until it ended (some 40 MB a report: 1.2 GB for 20 reports in one process)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()
