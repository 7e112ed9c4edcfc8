"""Clocks: real time for a live lane, simulated time for replays faster than real time.

``SimClock`` advances only when told: human delays and door motions by ``sleep``, compute by
``wait`` on a job, which moves the clock to the job's simulated finish (its start plus its measured
wall time), so work that runs in parallel with a human step costs no lane time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class SimClock:
    def __init__(self, start: float = 0.0) -> None:
        self._t = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._t

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._t += max(0.0, seconds)

    def advance_to(self, t: float) -> None:
        with self._lock:
            self._t = max(self._t, t)


@dataclass
class Job(Generic[T]):
    """Work submitted to the pool, with its clock start and measured compute time."""

    future: Future[tuple[T, float]]
    started: float  # clock time at submission
    accounted: bool = False  # its compute already added to a stage (a job may be awaited twice)

    def wait(self, clock: RealClock | SimClock, timeout_s: float | None = None) -> T:
        """The result; on a SimClock the clock moves to the job's simulated finish."""
        value, wall_s = self.future.result(timeout=timeout_s)
        if isinstance(clock, SimClock):
            clock.advance_to(self.started + wall_s)
        return value

    def compute_s(self) -> float:
        return self.future.result()[1] if self.future.done() else 0.0

    def finished(self) -> bool:
        """Done with a result (not pending, not cancelled, not failed): ``future.result()`` will not raise."""
        return self.future.done() and not self.future.cancelled() and self.future.exception() is None

    def take_compute_s(self) -> float:
        """Its compute time the first time it is asked for, then 0: each job counts once in a stage."""
        if self.accounted or not self.finished():
            return 0.0
        self.accounted = True
        return self.compute_s()


def submit(pool: ThreadPoolExecutor, clock: RealClock | SimClock, fn: Callable[..., T], *args: Any) -> Job[T]:
    """Run ``fn(*args)`` in the pool, timing its compute."""

    def timed() -> tuple[T, float]:
        start = time.perf_counter()
        value = fn(*args)
        return value, time.perf_counter() - start

    return Job(pool.submit(timed), clock.now())
