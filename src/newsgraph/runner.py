"""The ingest job: inputs -> documents -> analyses -> the store, resumable and parallel.

Documents already stored (same content hash) are neither analysed nor stored
again, so a second run adds nothing and a run killed half-way (even with
SIGKILL) finishes the job when started again: every batch is one transaction.
With ``jobs > 1`` worker processes parse and extract while this process reads
the inputs and is the store's only writer.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from .ingest import DEFAULT_MAX_BYTES, iter_documents
from .model import Document, Skipped
from .pipeline import analyze_documents, preload
from .store import Store

COMMIT_EVERY = 32      # documents per store transaction
CHUNK = 8              # documents per task sent to a worker process


@dataclass
class IngestReport:
    """What one ingest run did. ``skipped`` keeps every reason."""

    run_id: int | None = None
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    words: int = 0
    seconds: float = 0.0
    skipped: list[Skipped] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "seen": self.seen, "stored": self.stored,
                "duplicates": self.duplicates, "skipped": len(self.skipped), "words": self.words,
                "seconds": round(self.seconds, 3),
                "skipped_inputs": [s.to_dict() for s in self.skipped]}


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


# --- worker processes -------------------------------------------------------------

def _worker_init() -> None:
    from .nlp import load_nlp, one_blas_thread
    one_blas_thread()
    load_nlp()


def _worker_analyze(documents: list[Document]) -> list[dict[str, Any] | Skipped]:
    return [r if isinstance(r, Skipped) else r.to_dict() for r in analyze_documents(documents)]


def _analyze_stream(documents: Iterable[Document], jobs: int) -> Iterator[dict[str, Any] | Skipped]:
    if jobs <= 1:
        for result in analyze_documents(documents):
            yield result if isinstance(result, Skipped) else result.to_dict()
        return
    # Chunks are submitted from this thread (not by Pool.imap's feeder thread), so the
    # document stream, which reads the store, stays on the thread that owns the store;
    # at most 2 * jobs chunks are in flight, which keeps memory bounded.
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    if ctx.get_start_method() == "fork":
        preload()   # forked workers share the pipeline and the tables: loaded once, not per worker
    with ctx.Pool(jobs, initializer=_worker_init) as pool:
        in_flight: deque = deque()
        for chunk in _chunks(documents, CHUNK):
            in_flight.append(pool.apply_async(_worker_analyze, (chunk,)))
            while len(in_flight) >= 2 * jobs:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


# --- the job ------------------------------------------------------------------------

def ingest(paths: Iterable[str | os.PathLike], *, db: str | os.PathLike, outlet: str | None = None,
           date: str | None = None, jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES,
           stdin=None, check_language: bool = True,
           progress: Callable[[IngestReport], None] | None = None) -> IngestReport:
    """Ingest ``paths`` into the store at ``db`` and return what happened.

    ``progress`` is called with the running report after each document.
    """
    paths = [os.fspath(p) for p in paths]
    report = IngestReport()
    started = time.perf_counter()
    with Store(db) as store:
        report.run_id = store.start_run(command="ingest", options={
            "paths": paths, "outlet": outlet, "date": date, "jobs": jobs, "max_bytes": max_bytes})
        pending_skips: list[Skipped] = []
        seen_hashes: set[str] = set()

        def new_documents() -> Iterator[Document]:
            inputs = iter_documents(paths, outlet=outlet, date=date, max_bytes=max_bytes,
                                    stdin=stdin, check_language=check_language)
            for chunk in _chunks(inputs, 64):
                docs = [d for d in chunk if isinstance(d, Document)]
                for item in chunk:
                    if isinstance(item, Skipped):
                        pending_skips.append(item)
                known = store.known_hashes(d.hash for d in docs)
                for d in docs:
                    report.seen += 1
                    if d.hash in known or d.hash in seen_hashes:
                        report.duplicates += 1
                        continue
                    seen_hashes.add(d.hash)
                    yield d

        buffer: list[dict[str, Any]] = []

        def flush() -> None:
            if buffer:
                report.stored += store.add_analyses(buffer, run_id=report.run_id)
                buffer.clear()
            if pending_skips:
                store.add_skipped(report.run_id, [s.to_dict() for s in pending_skips])
                report.skipped.extend(pending_skips)
                pending_skips.clear()

        for result in _analyze_stream(new_documents(), jobs):
            if isinstance(result, Skipped):
                pending_skips.append(result)
            else:
                buffer.append(result)
                report.words += len(result["document"]["text"].split())
            if len(buffer) >= COMMIT_EVERY:
                flush()
            if progress is not None:
                progress(report)
        flush()
        report.seconds = time.perf_counter() - started
        store.finish_run(report.run_id, stats={k: v for k, v in report.to_dict().items()
                                                if k != "skipped_inputs"})
    if progress is not None:
        progress(report)
    return report
