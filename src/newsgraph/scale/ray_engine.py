"""The ingest job on Ray Data: input shards -> documents -> analyses -> Parquet tables.

    newsgraph ingest INPUTS --engine ray --out DIR [--address ADDRESS] [--jobs N] [--db FILE]

1. **Shards.** Every input file is a shard (a directory gives its files, sorted, hidden entries
   skipped, as in the local engine): text, HTML, JSON, JSON Lines and WARC archives. Shards are
   read in parallel by Ray tasks (``flat_map``), each with ``newsgraph.ingest.iter_documents``,
   so a broken file or record becomes a Skipped row with its reason, exactly as locally.
2. **Analysis.** ``map_batches`` with ``Analyzer``, a class: each of the ``jobs`` actors loads
   the spaCy model and the extractors once and runs ``pipeline.analyze_documents`` (the
   function the local engine runs, ``nlp.pipe`` batches) on batches of documents.
3. **Output.** Each batch is written by the actor that analysed it, as the Parquet tables of
   ``newsgraph export --format parquet`` (documents, events, reports, claims, signals,
   partitioned ``year=/month=`` by date; actors), plus ``analyses`` (the whole contract object
   of each document, for ``newsgraph merge``) and ``skipped``. File names are derived from the
   content hashes of the batch's documents, so a batch retried after a worker died rewrites the
   same files: nothing is lost and nothing is written twice. ``manifest.json`` records the run.
4. **Merge** (``newsgraph merge DIR --db FILE``, or ``--db`` on the ingest): newsgraph.scale.merge.

A worker process that dies (killed, out of memory) is restarted by Ray and its batch retried
(``max_restarts``, ``max_task_retries``). The same input analysed locally and on Ray gives the
same records (tests/test_scale.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .. import __version__
from ..errors import NewsgraphError
from ..model import Document, Skipped

TABLES = ("documents", "events", "reports", "claims", "signals")
RETRIES = 3
BLOCK_BYTES = 4 * 1024 * 1024   # about 400 pickled documents
# For tests only: "MARKER_PATH:DOCUMENT_ID" makes the first actor that meets that document exit
# abruptly (as a killed worker would) after creating MARKER_PATH; later attempts go on.
FAULT_ENV = "NEWSGRAPH_RAY_FAULT"


@dataclass
class RayReport:
    shards: int = 0
    documents: int = 0      # analyses written (copies of one text inside the run included)
    skipped: int = 0
    words: int = 0
    seconds: float = 0.0
    workers: int = 0
    out: str = ""
    address: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    extractors: dict[str, set[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"engine": "ray", "shards": self.shards, "documents": self.documents,
                "skipped": self.skipped, "words": self.words, "seconds": round(self.seconds, 3),
                "workers": self.workers, "out": self.out, "address": self.address,
                "counts": dict(self.counts)}


def shards(paths: Iterable[str | os.PathLike]) -> list[str]:
    """The files to read: named files as they are, directories walked (sorted, hidden skipped).
    A path that does not exist stays in the list, so its shard reports it."""
    out: list[str] = []
    for p in map(os.fspath, paths):
        if p == "-":
            raise NewsgraphError("bad_option", "the Ray engine cannot read standard input",
                                 "write it to a file, or use the local engine")
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
        else:
            out.append(p)
    return out


# --- stage 1: read a shard --------------------------------------------------------------------

def read_shard(row: dict[str, Any], *, outlet: str | None, date: str | None, max_bytes: int,
               check_language: bool) -> Iterator[dict[str, Any]]:
    from ..ingest import iter_documents
    for item in iter_documents([row["path"]], outlet=outlet, date=date, max_bytes=max_bytes,
                               check_language=check_language):
        if isinstance(item, Document):
            yield {"hash": item.hash, "blob": pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL),
                   "skipped": ""}
        else:
            yield {"hash": "", "blob": b"", "skipped": json.dumps(item.to_dict())}


# --- stage 2: analyse and write ---------------------------------------------------------------

class Analyzer:
    """A Ray Data actor: the models are loaded once, in the constructor; each call analyses a
    batch of documents and writes its rows under ``out``; it returns one row of counts."""

    def __init__(self, out: str, signals: bool = False, registries: tuple[str, ...] = ()):
        from ..nlp import load_nlp, one_blas_thread
        from ..pipeline import enable
        one_blas_thread()
        enable("signals", signals)
        if registries:
            from ..reliability import use_registry
            use_registry([Path(r) for r in registries])
        self.out = Path(out)
        self.nlp = load_nlp()
        self.fault = os.environ.get(FAULT_ENV)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        from ..pipeline import analyze_documents
        documents = [pickle.loads(b) for b in batch["blob"] if len(b)]
        skipped = [json.loads(s) for s in batch["skipped"] if s]
        self._maybe_fail(documents)
        analyses: list[dict[str, Any]] = []
        for result in analyze_documents(documents, nlp=self.nlp):
            if isinstance(result, Skipped):
                skipped.append(result.to_dict())
            else:
                analyses.append(result.to_dict())
        name = _batch_name(list(batch["hash"]) + [s["origin"] for s in skipped])
        counts = write_tables(self.out, name, analyses, skipped)
        versions = {k: v for a in analyses for k, v in (a.get("extractors") or {}).items()}
        return {"documents": [len(analyses)], "skipped": [len(skipped)],
                "words": [sum(len(a["document"]["text"].split()) for a in analyses)],
                "counts": [json.dumps(counts)], "extractors": [json.dumps(versions)]}

    def _maybe_fail(self, documents: list[Document]) -> None:
        if not self.fault:
            return
        marker, _, doc_id = self.fault.partition(":")
        if any(d.id == doc_id for d in documents) and not os.path.exists(marker):
            Path(marker).write_text(str(os.getpid()))
            os._exit(1)   # as a killed worker: no exception, no cleanup


def _batch_name(keys: list[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(str(k) for k in keys)).encode("utf-8")).hexdigest()
    return digest[:20]


def write_tables(out: Path, name: str, analyses: list[dict[str, Any]],
                 skipped: list[dict[str, Any]]) -> dict[str, int]:
    """Write one batch's rows as Parquet under ``out`` (the export's tables, ``analyses``,
    ``skipped`` and this batch's actors), each file named after ``name``; return row counts."""
    import pyarrow as pa
    import pyarrow.dataset as pads
    import pyarrow.parquet as pq

    from ..export import _parquet_schemas, _year_month, parquet_rows

    schemas = _parquet_schemas()
    schemas["analyses"] = pa.schema([("doc_hash", pa.string()), ("analysis", pa.string()),
                                     ("year", pa.int16()), ("month", pa.int8())])
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in (*TABLES, "analyses")}
    actors: dict[str, tuple] = {}
    for a in analyses:
        parquet_rows(a, tables, actors, ingested_at=None, event_key=lambda h, e: f"{h}:{e}")
        y, m = _year_month(a["document"].get("published"))
        tables["analyses"].append({"doc_hash": a["document"]["hash"],
                                   "analysis": json.dumps(a, ensure_ascii=False, sort_keys=True),
                                   "year": y, "month": m})
    part = pads.partitioning(pa.schema([("year", pa.int16()), ("month", pa.int8())]), flavor="hive")
    counts: dict[str, int] = {}
    for table, rows in tables.items():
        counts[table] = len(rows)
        if rows:
            pads.write_dataset(pa.Table.from_pylist(rows, schema=schemas[table]), out / table,
                               format="parquet", partitioning=part,
                               basename_template=f"part-{name}-{{i}}.parquet",
                               existing_data_behavior="overwrite_or_ignore")
    if actors:
        ids = sorted(actors)
        cols = list(zip(*(actors[i] for i in ids)))
        (out / "actors").mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table([ids, *map(list, cols)], schema=schemas["actors"]),
                       out / "actors" / f"part-{name}.parquet")
    counts["skipped"] = len(skipped)
    if skipped:
        (out / "skipped").mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(skipped, schema=pa.schema(
            [("origin", pa.string()), ("code", pa.string()), ("reason", pa.string())])),
            out / "skipped" / f"part-{name}.parquet")
    return counts


def compact_actors(out: Path) -> int:
    """One ``actors/actors.parquet`` with each actor once (the batches wrote their own)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..export import _parquet_schemas

    folder = out / "actors"
    parts = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    seen: dict[str, tuple] = {}
    for path in parts:
        for row in pq.read_table(path).to_pylist():
            seen.setdefault(row["id"], (row["name"], row["code"], row["country"], row["sector"], row["kind"]))
    ids = sorted(seen)
    cols = list(zip(*(seen[i] for i in ids))) if ids else [[]] * 5
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table([ids, *map(list, cols)], schema=_parquet_schemas()["actors"]),
                   folder / "actors.parquet")
    for path in parts:
        path.unlink()
    return len(ids)


# --- the job ----------------------------------------------------------------------------------

def run(paths: Iterable[str | os.PathLike], *, out: str | os.PathLike, address: str | None = None,
        jobs: int | None = None, batch_size: int = 16, outlet: str | None = None,
        date: str | None = None, max_bytes: int | None = None, check_language: bool = True,
        signals: bool = False, registries: Iterable[str | os.PathLike] = ()) -> RayReport:
    """Analyse ``paths`` on Ray and write the Parquet tables under ``out`` (which must not hold
    an earlier output). ``address``: a running cluster (``ray://HOST:10001`` or ``auto``);
    without it a local Ray instance with ``jobs`` CPUs is started (or the one this process
    already started is used). ``jobs``: analysis actors (default: the cluster's CPUs)."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise NewsgraphError("no_engine", "the Ray engine needs Ray: pip install 'newsgraph[ray]'",
                             "or use the local engine (--engine local)") from None
    from ..ingest import DEFAULT_MAX_BYTES
    from ..ingest.meta import check_date_option

    check_date_option(date)
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()):
        raise NewsgraphError("bad_option", f"{out} is not empty",
                             "give --out a new or empty folder (each run writes its own tables)")
    out.mkdir(parents=True, exist_ok=True)
    files = shards(paths)
    report = RayReport(shards=len(files), out=str(out), address=address)
    started = time.perf_counter()
    if not ray.is_initialized():
        env = {FAULT_ENV: os.environ[FAULT_ENV]} if os.environ.get(FAULT_ENV) else {}
        # locally: one CPU per analysis actor, and one for the shard readers
        ray.init(address=address, num_cpus=None if address else (jobs or os.cpu_count() or 1) + 1,
                 include_dashboard=False, log_to_driver=False, configure_logging=False,
                 runtime_env={"env_vars": env} if env else None)
    workers = jobs or max(1, int(ray.cluster_resources().get("CPU", 2)) - 1)
    report.workers = workers
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    # small blocks: a single large JSON Lines or WARC shard is still shared by every actor
    ctx.target_max_block_size = BLOCK_BYTES

    if not files:
        report.seconds = time.perf_counter() - started
        _manifest(out, report, paths)
        return report
    ds = ray.data.from_items([{"path": f} for f in files], override_num_blocks=min(len(files), 200))
    # readers ask for a quarter of a CPU, so that actors holding every CPU never starve them
    ds = ds.flat_map(read_shard, fn_kwargs={
        "outlet": outlet, "date": date, "max_bytes": max_bytes or DEFAULT_MAX_BYTES,
        "check_language": check_language}, num_cpus=0.25)
    ds = ds.map_batches(Analyzer, fn_constructor_kwargs={
        "out": str(out), "signals": signals, "registries": tuple(map(str, registries))},
        batch_size=batch_size, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
        max_restarts=RETRIES, max_task_retries=RETRIES)
    for row in ds.iter_rows():
        report.documents += row["documents"]
        report.skipped += row["skipped"]
        report.words += row["words"]
        for k, v in json.loads(row["counts"]).items():
            report.counts[k] = report.counts.get(k, 0) + v
        for k, v in json.loads(row["extractors"]).items():
            report.extractors.setdefault(k, set()).add(v)
    report.counts["actors"] = compact_actors(out)
    report.seconds = time.perf_counter() - started
    _manifest(out, report, paths)
    return report


def _manifest(out: Path, report: RayReport, paths) -> None:
    import ray

    from ..export import Provenance
    prov = Provenance(format="parquet")
    prov.extractors = report.extractors
    data = {**prov.to_dict(), "engine": "ray", "ray_version": ray.__version__,
            "newsgraph_version": __version__, "inputs": [os.fspath(p) for p in paths],
            "run": report.to_dict(), "counts": dict(report.counts),
            "files": [f"{t}/" for t in ("analyses", *TABLES, "actors", "skipped")]}
    (out / "manifest.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")
