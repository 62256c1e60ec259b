"""Load an engine output folder (Parquet tables written by the Ray engine) into a store."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NewsgraphError
from ..store import Store

BATCH = 200


@dataclass
class MergeReport:
    analyses: int = 0          # rows read from analyses/
    stored: int = 0            # newly stored (documents already in the store are kept as they are)
    skipped: int = 0           # inputs the run reported as skipped
    corpus: dict[str, Any] | None = None
    run_id: int | None = None
    manifest: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"analyses": self.analyses, "stored": self.stored, "duplicates": self.analyses - self.stored,
                "skipped": self.skipped, "run_id": self.run_id, "corpus": self.corpus}


def merge(out: str | os.PathLike, *, db: str | os.PathLike, corpus: bool = True,
          claims: bool = True) -> MergeReport:
    """Store the analyses of the engine output ``out`` in ``db`` (documents already stored are
    left alone), record the skipped inputs, and, with ``corpus``, rebuild the corpus events
    (``newsgraph.corpus.build``; ``claims``: also claim corroboration)."""
    import pyarrow.dataset as pads

    out = Path(out)
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        raise NewsgraphError("not_found", f"{out} is not a newsgraph engine output (no manifest.json)",
                             "run `newsgraph ingest ... --engine ray --out DIR` first")
    report = MergeReport(manifest=json.loads(manifest_path.read_text(encoding="utf-8")))
    with Store(db) as store:
        report.run_id = store.start_run(command="merge", options={"out": str(out)})
        # (a run whose inputs held no document has no analyses/ folder)
        analyses = (pads.dataset(out / "analyses", format="parquet", partitioning="hive")
                    .to_batches(columns=["doc_hash", "analysis"], batch_size=BATCH)
                    if (out / "analyses").is_dir() else [])
        for batch in analyses:
            objs = [json.loads(a) for a in batch.column("analysis").to_pylist()]
            report.analyses += len(objs)
            report.stored += store.add_analyses(objs, run_id=report.run_id)
        if (out / "skipped").is_dir():
            skipped = pads.dataset(out / "skipped", format="parquet", partitioning="hive")
            for batch in skipped.to_batches(columns=["origin", "code", "reason"], batch_size=BATCH):
                rows = batch.to_pylist()
                store.add_skipped(report.run_id, rows)
                report.skipped += len(rows)
        store.finish_run(report.run_id, stats=report.to_dict())
        if corpus:
            from .. import corpus as cp
            report.corpus = cp.build(store, claims=claims).to_dict()
    return report
