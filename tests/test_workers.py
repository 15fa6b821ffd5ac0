"""Forked workers (riskmap.workers) and `riskmap assess` writing its files beside the history (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from riskmap import workers
from riskmap.errors import WorkerError
from riskmap.workers import Worker, can_fork

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="no fork on this platform: the command writes in threads there")


def test_a_worker_returns_what_its_job_returns():
    marker = ["made in the parent"]  # reaches the child without being pickled
    worker = Worker(lambda: [os.getpid(), marker[0]], name="riskmap-test")
    pid, text = worker.result()
    assert pid != os.getpid() and text == "made in the parent"


def test_the_jobs_exception_is_raised_in_the_parent_with_the_childs_traceback():
    def job():
        raise FileExistsError("risk_register.xlsx: 文件已存在")

    with pytest.raises(FileExistsError, match="文件已存在") as caught:
        Worker(job, name="riskmap-register").result()
    assert any("riskmap-register" in note and "job" in note for note in caught.value.__notes__)


def test_a_child_that_dies_is_an_error_not_a_hang():
    with pytest.raises(WorkerError, match="riskmap-layers.*exit code 3"):
        Worker(lambda: os._exit(3), name="riskmap-layers").result()


def test_a_result_that_does_not_pickle_comes_back_as_its_text():
    with pytest.raises(WorkerError, match="lock"):
        Worker(lambda: __import__("threading").Lock(), name="riskmap-test").result()


def test_a_cancelled_worker_leaves_no_temporary_file(tmp_path):
    from riskmap.atomic import exit_on_sigterm, replacing

    target = tmp_path / "accidents.geojson"

    def job():
        exit_on_sigterm()  # as `riskmap` does for itself: the child inherits it
        with replacing(target) as tmp:
            tmp.write_text("{")
            time.sleep(60)

    worker = Worker(job, name="riskmap-layers")
    deadline = time.monotonic() + 30
    while not [p for p in tmp_path.glob(".*.part*") if p.stat().st_size] and time.monotonic() < deadline:
        time.sleep(0.02)  # until the child is writing
    assert list(tmp_path.glob(".*.part*")), "the child never started writing"
    worker.cancel()
    assert list(tmp_path.iterdir()) == []


def test_no_fork_once_polars_is_loaded_or_when_memory_is_short(monkeypatch):
    monkeypatch.setattr(workers, "memory_mb", lambda: (1_000.0, 10_000.0))
    monkeypatch.delitem(sys.modules, "polars", raising=False)
    assert can_fork(2)
    assert not can_fork(0)
    monkeypatch.setitem(sys.modules, "polars", object())
    assert not can_fork(2)
    monkeypatch.delitem(sys.modules, "polars")
    monkeypatch.setattr(workers, "memory_mb", lambda: (6_000.0, 10_000.0))
    assert can_fork(1) and not can_fork(2)


def _assess(ws: Path, out: Path, processes: int, history: int = 1) -> subprocess.CompletedProcess:
    env = dict(os.environ, RISKMAP_WRITE_PROCESSES=str(processes), RISKMAP_HISTORY_PROCESSES=str(history))
    return subprocess.run([sys.executable, "-m", "riskmap.cli", "assess", str(ws), "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)


def test_the_forked_command_writes_the_same_files_as_the_threads(demo_path, tmp_path):
    forked, threads = _assess(demo_path, tmp_path / "forked", 2), _assess(demo_path, tmp_path / "threads", 0, 0)
    assert forked.returncode == 0 and threads.returncode == 0, forked.stderr + threads.stderr
    assert "in 2 processes, beside the history" in forked.stderr
    assert "the earlier period ends and the forecast in a process" in forked.stderr
    assert "in 2 processes" not in threads.stderr and "in a process" not in threads.stderr
    names = sorted(p.name for p in (tmp_path / "threads").iterdir())
    assert sorted(p.name for p in (tmp_path / "forked").iterdir()) == names
    assert "summary.json" in names and "warnings.csv" in names and "risk_register.xlsx" in names
    for name in names:
        if name != "risk_register.xlsx":  # its parts hold the moment it was made
            assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "threads" / name).read_bytes(), name
    assert forked.stdout.splitlines()[:-1] == threads.stdout.splitlines()[:-1]  # the last line names the folder


def test_a_writer_that_fails_in_its_process_fails_the_command(demo_path, tmp_path):
    out = tmp_path / "out"
    (out / "risk_register.xlsx").mkdir(parents=True)  # the register cannot replace a folder
    result = _assess(demo_path, out, 2)
    assert result.returncode == 1
    assert "risk_register.xlsx" in result.stderr and "riskmap-register" in result.stderr
    assert not list(out.glob(".*.part*"))
    assert not (out / "summary.json").exists()


def _history_numbers(history) -> list:
    """Everything a history graded, as arrays: per period end and the forecast (compare with
    ``np.testing.assert_equal``, for which NaN equals NaN)."""
    return [(graded.end, graded.known_until, graded.ranks, graded.epdo, graded.county, graded.lifecycle,
             graded.region) for graded in [*history.periods, history.outlook]]


@pytest.fixture
def forking(monkeypatch):
    """Let the history fork inside the test process (polars, loaded by other tests, is not used by grading);
    lists what each fork returned (a worker, or None)."""
    from riskmap import history as history_module

    started = []
    real = history_module._fork_periods

    def fork_periods(*args):
        started.append(real(*args))
        return started[-1]

    monkeypatch.setattr(workers, "can_fork", lambda *a, **k: True)
    monkeypatch.setattr(history_module, "_fork_periods", fork_periods)
    return started


def test_the_history_graded_in_a_child_equals_the_history_graded_here(demo_path, forking):
    from riskmap.history import build_history

    forked = build_history(demo_path, fork=True)
    assert len(forking) == 1 and forking[0] is not None
    here = build_history(demo_path, fork=False)
    assert len(forking) == 1  # no child without fork
    np.testing.assert_equal(_history_numbers(forked), _history_numbers(here))
    pd.testing.assert_frame_equal(forked.counties, here.counties)
    pd.testing.assert_frame_equal(forked.warnings, here.warnings)


def test_a_history_child_that_dies_leaves_the_parent_to_grade(demo_path, forking, monkeypatch):
    from riskmap import history as history_module
    from riskmap.history import build_history

    monkeypatch.setattr(history_module, "_earlier_and_outlook", lambda *a: os._exit(9))
    survived = build_history(demo_path, fork=True, warnings=False)
    assert forking and forking[0] is not None
    monkeypatch.undo()
    np.testing.assert_equal(_history_numbers(survived), _history_numbers(build_history(demo_path, warnings=False)))


def test_no_history_child_when_the_setting_is_zero(demo_path, forking, monkeypatch):
    from riskmap.history import build_history
    from riskmap.runtime import settings

    monkeypatch.setattr(settings, "history_processes", 0)
    build_history(demo_path, fork=True, warnings=False)
    assert forking == [None]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the allocator is tuned on glibc only")
def test_freed_memory_is_reused_while_the_process_is_small_and_returned_once_it_is_large(monkeypatch):
    from riskmap import memory

    thresholds = []
    monkeypatch.setattr(memory, "_threshold", lambda libc, value: thresholds.append(value) or True)
    monkeypatch.setattr(memory, "memory_mb", lambda: (1_000.0, 20_000.0))
    monkeypatch.setattr(memory, "_TUNED", [])
    assert memory.fit_allocator() == "none" and thresholds == []  # a process that did not opt in (the app)
    assert memory.tune_allocator() and thresholds == [memory.MMAP_THRESHOLD]
    thresholds.clear()
    assert memory.fit_allocator() == "reuse" and thresholds == [memory.REUSE_MMAP_THRESHOLD]
    monkeypatch.setattr(memory, "memory_mb", lambda: (3_000.0, 20_000.0))  # more than an eighth
    assert memory.fit_allocator() == "return" and thresholds == [memory.REUSE_MMAP_THRESHOLD]
    monkeypatch.setattr(memory, "memory_mb", lambda: (0.0, float("inf")))  # no /proc: nothing known
    assert memory.fit_allocator() == "none"
