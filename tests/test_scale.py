"""The Ray engine (newsgraph.scale): a local Ray instance with 2 CPUs, the sample corpus.

The same inputs analysed by the local engine and by Ray give the same stored records; the
Parquet output reads in DuckDB with the local store's counts; a worker killed in the middle of
a batch is restarted and its batch retried, with no document lost or written twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the Ray engine needs the `ray` extra (pip install -e '.[ray]')")

from newsgraph.scale import merge  # noqa: E402
from newsgraph.scale.ray_engine import FAULT_ENV, run  # noqa: E402
from newsgraph.store import Store  # noqa: E402

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [str(ROOT / "samples" / d) for d in ("text", "html", "jsonl")]
FAULT_DOC = "scale-test-07"


@pytest.fixture(scope="module")
def local_ray(tmp_path_factory):
    marker = tmp_path_factory.mktemp("fault") / "died"
    os.environ[FAULT_ENV] = f"{marker}:{FAULT_DOC}"   # read by the workers (runtime_env)
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=3, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {FAULT_ENV: os.environ[FAULT_ENV]}})
    yield marker
    ray.shutdown()
    os.environ.pop(FAULT_ENV, None)


@pytest.fixture(scope="module")
def both(local_ray, tmp_path_factory):
    """The sample corpus ingested by the local engine and by Ray (then merged)."""
    from newsgraph.runner import ingest

    tmp = tmp_path_factory.mktemp("scale")
    local_db, ray_db, out = tmp / "local.db", tmp / "ray.db", tmp / "out"
    ingest(SAMPLES, db=local_db)
    report = run(SAMPLES, out=out, jobs=2, batch_size=8)
    merged = merge(out, db=ray_db, claims=False)
    with Store(local_db) as store:
        from newsgraph import corpus
        corpus.build(store, claims=False)
    return local_db, ray_db, out, report, merged


def _analyses(db: Path) -> dict[str, dict]:
    with Store(db, readonly=True) as store:
        hashes = [h for (h,) in store.select("SELECT hash FROM documents")]
        return {h: store.get_analysis(h) for h in hashes}


def test_ray_and_local_runs_store_identical_records(both):
    local_db, ray_db, _, report, merged = both
    local, remote = _analyses(local_db), _analyses(ray_db)
    assert len(local) == 40 and report.documents == 40 and merged.stored == 40
    assert set(local) == set(remote)
    for h in local:
        assert remote[h] == local[h], local[h]["document"]["origin"]
    # the corpus-level merge gives the same corpus events
    def corpus_events(db):
        with Store(db, readonly=True) as store:
            rows = store.select("SELECT r.corpus_event_id, r.doc_hash, r.event_id FROM corpus_event_reports r")
        groups: dict[str, set] = {}
        for cid, h, e in rows:
            groups.setdefault(cid, set()).add((h, e))
        return sorted(sorted(g) for g in groups.values())
    assert corpus_events(local_db) == corpus_events(ray_db)


def test_parquet_output_reads_in_duckdb_with_the_local_counts(both):
    duckdb = pytest.importorskip("duckdb")
    local_db, _, out, report, _ = both
    with Store(local_db, readonly=True) as store:
        counts = store.counts()
    con = duckdb.connect()
    def n(table):
        return con.execute(f"SELECT count(*) FROM read_parquet('{out}/{table}/**/*.parquet', "
                           "hive_partitioning = true)").fetchone()[0]
    assert n("documents") == counts["documents"] == 40
    assert n("events") == counts["events"]
    assert n("claims") == counts["claims"]
    assert n("analyses") == 40
    assert con.execute(f"SELECT count(DISTINCT hash) FROM read_parquet('{out}/documents/**/*.parquet', "
                       "hive_partitioning = true)").fetchone()[0] == 40
    # partitioned by publication date, as the export
    months = {r[0] for r in con.execute(
        f"SELECT DISTINCT month FROM read_parquet('{out}/documents/**/*.parquet', hive_partitioning = true)"
        " WHERE year = 2019").fetchall()}
    assert months == {8, 9}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"] == "ray" and manifest["counts"]["documents"] == 40
    assert "claims" in manifest["model_versions"]


def test_a_killed_worker_is_retried_without_losing_or_duplicating_documents(local_ray, tmp_path):
    inputs = tmp_path / "wire.jsonl"
    with inputs.open("w") as f:
        for i in range(12):
            f.write(json.dumps({"id": f"scale-test-{i:02d}", "outlet": "Test Wire", "published": "2019-09-0%d" % (1 + i % 9),
                                "text": f"Police in the capital detained {i + 3} protesters on Monday, "
                                        f"officials said. The rally number {i} was not authorised."}) + "\n")
        f.write("{not json\n")
    out = tmp_path / "out"
    assert not local_ray.exists()
    report = run([inputs], out=out, jobs=2, batch_size=2)
    assert local_ray.exists()            # a worker died on the batch holding scale-test-07
    assert report.documents == 12 and report.skipped == 1
    import pyarrow.dataset as pads
    ids = [json.loads(a)["document"]["id"] for a in
           pads.dataset(out / "analyses", partitioning="hive").to_table().column("analysis").to_pylist()]
    assert sorted(ids) == [f"scale-test-{i:02d}" for i in range(12)]     # each once
    db = tmp_path / "merged.db"
    merged = merge(out, db=db, corpus=False)
    assert merged.stored == 12 and merged.skipped == 1
    with Store(db, readonly=True) as store:
        assert store.counts()["documents"] == 12
        (origin, code), = store.select("SELECT origin, code FROM skipped")
    assert code == "bad_json" and origin.endswith("wire.jsonl:13")


def test_bad_options_are_refused_before_any_work(local_ray, tmp_path):
    from newsgraph.errors import NewsgraphError
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(NewsgraphError, match="not empty"):
        run(SAMPLES, out=tmp_path / "full")
    with pytest.raises(NewsgraphError, match="standard input"):
        run(["-"], out=tmp_path / "o")
    with pytest.raises(NewsgraphError, match="no newsgraph engine output|not a newsgraph engine output"):
        merge(tmp_path / "full", db=tmp_path / "m.db")


def test_cli_ray_engine_then_merge(local_ray, tmp_path):
    from typer.testing import CliRunner

    from newsgraph.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["ingest", SAMPLES[2], "--engine", "ray", "--db", str(tmp_path / "a.db")])
    assert result.exit_code != 0 and "--out" in result.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["ingest", SAMPLES[2], "--engine", "ray", "--out", str(out), "--no-merge",
                                 "--jobs", "2", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["run"]["documents"] == 11 and data["merge"] is None
    result = runner.invoke(app, ["merge", str(out), "--db", str(tmp_path / "m.db"), "--no-corpus"])
    assert result.exit_code == 0, result.output
    assert "11 analyses read: 11 stored" in result.output


def test_a_run_without_documents_merges_to_nothing(local_ray, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.jsonl").write_text("\n")
    report = run([tmp_path / "in"], out=tmp_path / "out", jobs=1)
    assert report.documents == 0 and report.skipped == 0
    merged = merge(tmp_path / "out", db=tmp_path / "m.db", corpus=False)
    assert merged.analyses == 0 and merged.stored == 0
