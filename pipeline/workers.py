"""Worker processes that end with the process that started them.

A ``ProcessPoolExecutor``'s workers wait on a pipe whose write end they
inherited, so when their parent is killed (``kill -9``, the OOM killer) they
never see it close and live on as orphans holding a parsed corpus in memory.
Each worker therefore asks the kernel to kill it when its parent dies
(``prctl(PR_SET_PDEATHSIG)`` on Linux) or, elsewhere, watches its parent id.

On Linux the workers are forked: what the parent built before the pool (the reading pipelines,
:func:`pipeline.analyze.prepare_forked_workers`) they have without building it again. Elsewhere
they start the platform's default way (spawn on macOS and Windows, where fork is unsafe or
missing) and each builds what it needs.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_WATCH_INTERVAL_S = 0.5


def forks() -> bool:
    """Whether the workers of :func:`process_pool` are forked from this process."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def process_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that die with this process.

    Linux sends the signal when the *thread* that started a worker ends, so the pool is
    used and shut down by the thread that made it (as ``with process_pool(n) as pool:`` does).
    """
    context = multiprocessing.get_context("fork" if forks() else None)
    # With fork and spawn the workers are our children: their parent id must be ours.
    creator = os.getpid() if context.get_start_method() in ("fork", "spawn") else None
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=die_with_parent, initargs=(creator,)
    )


def die_with_parent(creator: int | None = None) -> None:
    """Make this process end when its parent does; ``creator`` is the parent it must have, if known."""
    parent = os.getppid()
    if not _parent_death_signal():
        threading.Thread(target=_watch, args=(parent,), name="kelisim-parent-watch", daemon=True).start()
    # The parent may have died before the signal was asked for: then it never comes.
    if (creator is not None and os.getppid() != creator) or os.getppid() != parent:
        os._exit(1)


def _parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError) as e:  # no libc prctl (musl builds without it, sandboxes)
        _log.debug("prctl(PR_SET_PDEATHSIG) unavailable: %s", e)
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_INTERVAL_S)
    os._exit(1)
