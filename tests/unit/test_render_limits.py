"""The template time limit counts the template's own work, not trusted one-off work it triggers (matplotlib building
its font cache on a project's first chart made a fresh build fail with 「运行超过 5 秒」 on a loaded machine)."""

from __future__ import annotations

import time

import pytest
from jinja2.exceptions import SecurityError

from jixiao import render


def test_paused_work_does_not_count_against_the_time_limit(monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.05)
    with render.limits():
        with render.paused_deadline():
            time.sleep(0.1)  # twice the limit, paused
        render.check_deadline()  # not over: the pause moved the deadline on


def test_unpaused_work_still_exceeds_it(monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.05)
    with render.limits(), pytest.raises(SecurityError, match="运行超过 0.05 秒"):
        time.sleep(0.1)
        render.check_deadline()
