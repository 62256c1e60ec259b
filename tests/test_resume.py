"""A killed ingest (SIGKILL) finishes the job when started again; a second run adds nothing."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PTC_UNLABELED, needs_shared

pytestmark = [pytest.mark.model, pytest.mark.shared]

NEWSGRAPH = [sys.executable, "-m", "newsgraph.cli"]


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


@needs_shared(PTC_UNLABELED)
def test_sigkill_then_restart_stores_every_real_article_once(tmp_path):
    db = tmp_path / "ptc.db"
    cmd = NEWSGRAPH + ["ingest", str(PTC_UNLABELED), "--db", str(db), "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while _count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "ingest finished before it could be killed: " + proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db)
    assert 0 < partial < 165

    done = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert _count(db) == 165
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(DISTINCT hash) FROM documents").fetchone()[0] == 165
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    again = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert '"stored": 0' in again.stdout
    assert _count(db) == 165
