"""The template time limit counts the template's own work (its thread's CPU time), not trusted one-off work it
triggers (matplotlib building its font cache on a project's first chart made a fresh build fail with 「运行超过 5 秒」 on
a loaded machine), nor the time its thread waits for a core."""

from __future__ import annotations

import time

import pytest
from jinja2.exceptions import SecurityError

from jixiao import render


def work(seconds: float) -> None:
    """Keep this thread busy for `seconds` of its CPU time (what a template that works too long does)."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_paused_work_does_not_count_against_the_time_limit(monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.05)
    with render.limits():
        with render.paused_deadline():
            work(0.1)  # twice the limit, paused
        render.check_deadline()  # not over: the pause moved the deadline on


def test_unpaused_work_still_exceeds_it(monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.05)
    with render.limits(), pytest.raises(SecurityError, match="运行超过 0.05 秒"):
        work(0.1)
        render.check_deadline()


def test_time_the_thread_waits_for_a_core_does_not_count(monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.05)
    with render.limits():
        time.sleep(0.1)  # twice the limit of waiting (a loaded machine's other processes), no work
        render.check_deadline()  # not over


def counted_clock(monkeypatch) -> list[float]:
    """render.clock replaced by one that notes each reading of the thread's CPU time (a system call, ~3 µs)."""
    readings: list[float] = []

    def clock() -> float:
        readings.append(time.thread_time())
        return readings[-1]

    monkeypatch.setattr(render, "clock", clock)
    return readings


def test_checks_within_the_limit_read_the_cpu_clock_only_when_the_render_starts(monkeypatch):
    # a page checks the limit some 470 times (every call, binary operation and loop item of its templates); the
    # CPU time cannot have passed the limit before the wall clock has, so the wall clock is looked at instead
    readings = counted_clock(monkeypatch)
    with render.limits():
        for _ in range(1000):
            render.check_deadline()
    assert len(readings) == 1


class Clocks:
    """The two clocks render reads, moved by hand (a loaded machine may stall a thread between two lines for longer
    than a short limit): the wall clock (`time.perf_counter`) and the thread's CPU time (`time.thread_time`)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 100.0
        self.cpu_reads = 0

    def perf_counter(self) -> float:
        return self.wall

    def thread_time(self) -> float:
        self.cpu_reads += 1
        return self.cpu

    def advance(self, wall: float, cpu: float) -> None:
        self.wall += wall
        self.cpu += cpu


def test_once_the_wall_clock_passes_the_limit_the_cpu_clock_is_read_and_the_next_look_put_off(monkeypatch):
    clocks = Clocks()
    monkeypatch.setattr(render, "time", clocks)  # render's name for the time module: no other module sees these
    monkeypatch.setattr(render, "TIME_LIMIT", 5.0)
    with render.limits():
        clocks.advance(wall=6, cpu=1)  # waited for a core: 6 s of wall time, 1 s of work
        render.check_deadline()
        assert clocks.cpu_reads == 2  # when the render started, and now: not over, 4 s of CPU time left
        clocks.advance(wall=3.9, cpu=3.9)
        render.check_deadline()
        assert clocks.cpu_reads == 2  # 4 s of CPU time cannot have gone in 3.9 s of wall time: not read again
        clocks.advance(wall=0.2, cpu=0.2)
        with pytest.raises(SecurityError, match="运行超过 5 秒"):
            render.check_deadline()
    assert clocks.cpu_reads == 3
