"""Known disinformation narratives: import a list of them and link the claims that repeat one.

A narrative is one known disinformation message: an id, a title that states the message
("The US interfered in Russia's internal affairs through protest rallies") and optional
metadata (date, countries, keywords, languages, outlets). The list comes from the user:
EUvsDisinfo's ``posts.csv`` (columns ``date,id,title,countries,keywords,languages,outlets``,
list items joined by ``+``; its terms keep it out of the repository, so users import their
own copy) or any CSV/TSV file with at least ``id`` and ``title`` columns.

Matching is by meaning: titles and claim texts are embedded by ``newsgraph.embed``
(all-MiniLM-L6-v2, unit vectors), and a claim's similarity to every narrative is one
matrix product. A claim is linked to its best ``top`` narratives whose cosine similarity
reaches ``threshold``. The default threshold was chosen on a hand-labelled sample of
claim/narrative pairs (``eval/narratives.py``, ``docs/narratives.md``), which also gives its
precision and recall.

This module holds the library functions: parsing (``read_narratives``), embedding
(``embed_narratives``), matching (``NarrativeIndex``) and the store-level steps
(``import_narratives``, ``match_store``). The CLI wraps them; nothing here prints.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from .errors import NewsgraphError

EXTRACTOR_VERSION = "narratives/0.1"
POSTS_COLUMNS = ("date", "id", "title", "countries", "keywords", "languages", "outlets")
LIST_COLUMNS = ("countries", "keywords", "languages", "outlets")
OPTIONAL_COLUMNS = ("date", "url") + LIST_COLUMNS
REQUIRED_COLUMNS = ("id", "title")

# Chosen on data/eval/narratives_gold.jsonl (eval/narratives.py, docs/narratives.md): the
# similarity of the sweep (steps of 0.025) at which the labelled sample's F1 is highest.
DEFAULT_THRESHOLD = 0.725
DEFAULT_TOP = 3            # at most this many narratives linked to one claim
MIN_WORDS = 4              # claims shorter than this are not matched (fragments, "he said")
EMBED_BATCH = 256          # texts per call to the encoder (progress granularity)
MATCH_ROWS = 512           # claim rows per matrix product (bounds memory: rows x narratives floats)
MAX_TITLE_CHARS = 2000

_LIST_SPLIT = re.compile(r"\s*[+;|]\s*")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Narrative:
    """One known disinformation message."""

    id: str
    title: str
    url: str | None = None
    date: str | None = None
    countries: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url, "date": self.date,
                "countries": list(self.countries), "keywords": list(self.keywords),
                "languages": list(self.languages), "outlets": list(self.outlets)}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row of a narrative file that was skipped (``skipped``) or kept with a change."""

    line: int
    reason: str
    skipped: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason, "skipped": self.skipped}


@dataclass
class NarrativeFile:
    """What ``read_narratives`` found in one file."""

    origin: str
    format: str                       # "euvsdisinfo", "csv" or "tsv"
    narratives: list[Narrative] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0                     # data rows read (blank lines not counted)

    @property
    def skipped(self) -> list[RowProblem]:
        return [p for p in self.problems if p.skipped]


# ---------------------------------------------------------------- parsing


def _hint_columns() -> str:
    return ("give a header line with at least the columns id and title (comma- or tab-separated); "
            "EUvsDisinfo's posts.csv has date,id,title,countries,keywords,languages,outlets; "
            "see docs/narratives.md")


def _split_list(value: str) -> tuple[str, ...]:
    items = (item.strip() for item in _LIST_SPLIT.split(value.strip())) if value.strip() else ()
    return tuple(dict.fromkeys(item for item in items if item))


def parse_narratives(text: str, origin: str = "<narratives>") -> NarrativeFile:
    """The narratives of one file's text.

    The first non-blank line is the header: tab-separated if it holds a tab, else
    comma-separated (CSV quoting rules). It must name ``id`` and ``title`` (any case, any
    order); ``date``, ``url``, ``countries``, ``keywords``, ``languages`` and ``outlets`` are
    read when present, other columns are ignored. A wrong header raises
    ``NewsgraphError("bad_record")``; a bad data row is skipped and reported in ``problems``
    with its line number (empty id or title, a wrong number of fields, an id seen before in
    the file). A date that is not YYYY-MM-DD is dropped and reported, the row kept.
    """
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise NewsgraphError("empty", f"{origin} holds no narratives", _hint_columns())
    delimiter = "\t" if "\t" in lines[first] else ","
    body = "".join(lines[first:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter,
                        quoting=csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise NewsgraphError("bad_record", f"{origin}:{first + 1}: the header cannot be read ({exc})",
                             _hint_columns()) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        shown = ", ".join(repr(h) for h in header[:8]) + (", ..." if len(header) > 8 else "")
        raise NewsgraphError("bad_record",
                             f"{origin}:{first + 1}: the header has no {' and no '.join(missing)} "
                             f"column (found {shown})", _hint_columns())
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise NewsgraphError("bad_record", f"{origin}:{first + 1}: the header repeats the "
                             f"column(s) {', '.join(repeated)}", _hint_columns())
    column = {n: i for i, n in enumerate(names)}
    fmt = ("euvsdisinfo" if tuple(names) == POSTS_COLUMNS
           else "tsv" if delimiter == "\t" else "csv")
    result = NarrativeFile(origin=origin, format=fmt)
    seen: dict[str, int] = {}
    offset = first  # reader.line_num counts from the header line
    start_line = offset + reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The csv module cannot go on after a malformed row (an unclosed quote at the end
            # of the file, a NUL byte): the rest of the file is reported, not silently lost.
            result.problems.append(RowProblem(start_line, f"the file cannot be read from this "
                                              f"line on: {exc}"))
            break
        line = start_line
        start_line = offset + reader.line_num + 1
        if not row or all(not cell.strip() for cell in row):
            continue
        result.rows += 1
        if len(row) != len(names):
            result.problems.append(RowProblem(
                line, f"{len(row)} fields, the header has {len(names)}"
                      + (" (an unquoted comma or a quote left open?)" if delimiter == "," else "")))
            continue
        get = lambda name: row[column[name]].strip() if name in column else ""  # noqa: E731
        nid, title = get("id"), " ".join(get("title").split())
        if not nid:
            result.problems.append(RowProblem(line, "empty id"))
            continue
        if not title:
            result.problems.append(RowProblem(line, f"empty title (id {nid})"))
            continue
        if len(title) > MAX_TITLE_CHARS:
            result.problems.append(RowProblem(line, f"title of {len(title)} characters, more than "
                                              f"{MAX_TITLE_CHARS} (id {nid}): not a message"))
            continue
        if nid in seen:
            result.problems.append(RowProblem(line, f"id {nid} already on line {seen[nid]}; the "
                                              "first row is kept"))
            continue
        seen[nid] = line
        date = get("date") or None
        if date is not None and not _DATE.match(date):
            result.problems.append(RowProblem(line, f"date {date!r} is not YYYY-MM-DD; kept "
                                              "without a date", skipped=False))
            date = None
        url = get("url") or (nid if _URL.match(nid) else None)
        result.narratives.append(Narrative(
            id=nid, title=title, url=url, date=date,
            **{name: _split_list(get(name)) for name in LIST_COLUMNS}))
    return result


def read_narratives(path: str | Path) -> NarrativeFile:
    """Read and parse a narrative file (UTF-8, optional BOM); see ``parse_narratives``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NewsgraphError("not_found", f"no narrative file {path}", "check the path") from None
    except IsADirectoryError:
        raise NewsgraphError("unreadable", f"{path} is a directory, not a narrative file",
                             "pass a CSV or TSV file, e.g. EUvsDisinfo's posts.csv") from None
    except OSError as exc:
        raise NewsgraphError("unreadable", f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\x00" in data[:4096]:
        raise NewsgraphError("binary", f"{path} is binary, not a CSV or TSV file",
                             "pass EUvsDisinfo's posts.csv or a UTF-8 CSV/TSV with id and title")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise NewsgraphError("encoding", f"{path}:{line}: not valid UTF-8 ({exc.reason})",
                             "convert the file to UTF-8 (iconv -t UTF-8)") from None
    return parse_narratives(text, str(path))


# ---------------------------------------------------------------- embedding and matching


Encode = Callable[[Sequence[str]], np.ndarray]


def default_encode(texts: Sequence[str]) -> np.ndarray:
    """``newsgraph.embed.encode``: (n, 384) float32 unit rows."""
    from .embed import encode
    return encode(texts)


def model_id() -> str:
    from .embed import MODEL_ID
    return MODEL_ID


def embed_texts(texts: Sequence[str], *, encode: Encode | None = None, batch: int = EMBED_BATCH,
                progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Unit vectors of ``texts`` in batches of ``batch``; ``progress(done)`` after each batch."""
    encode = encode or default_encode
    parts: list[np.ndarray] = []
    for start in range(0, len(texts), batch):
        vectors = np.asarray(encode(list(texts[start:start + batch])), dtype=np.float32)
        parts.append(vectors)
        if progress is not None:
            progress(min(start + batch, len(texts)))
    if not parts:
        return np.zeros((0, 0), dtype=np.float32)
    return _unit(np.concatenate(parts))


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.clip(norms, 1e-12, None)).astype(np.float32)


def embed_narratives(narratives: Sequence[Narrative], **kwargs: Any) -> np.ndarray:
    """Unit vectors of the narratives' titles (the message is what a claim repeats)."""
    return embed_texts([n.title for n in narratives], **kwargs)


@dataclass(frozen=True, slots=True)
class Match:
    narrative_id: str
    similarity: float
    rank: int            # 1 = the claim's best match

    def to_dict(self) -> dict[str, Any]:
        return {"narrative": self.narrative_id, "similarity": self.similarity, "rank": self.rank}


class NarrativeIndex:
    """Narrative vectors in one matrix; ``match`` is a matrix product over all of them."""

    def __init__(self, ids: Sequence[str], vectors: np.ndarray):
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids but vectors of shape {vectors.shape}")
        self.ids = list(ids)
        self.vectors = _unit(vectors) if len(ids) else vectors

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, narratives: Sequence[Narrative], **kwargs: Any) -> "NarrativeIndex":
        return cls([n.id for n in narratives], embed_narratives(narratives, **kwargs))

    def similarities(self, claim_vectors: np.ndarray) -> np.ndarray:
        """(claims, narratives) cosine similarities of unit claim vectors."""
        return np.asarray(claim_vectors, dtype=np.float32) @ self.vectors.T

    def match(self, claim_vectors: np.ndarray, *, threshold: float = DEFAULT_THRESHOLD,
              top: int = DEFAULT_TOP) -> list[list[Match]]:
        """For each claim vector, its best ``top`` narratives with similarity >= threshold,
        best first (ties by narrative order)."""
        if top < 1:
            raise NewsgraphError("bad_option", f"top must be at least 1, got {top}")
        claim_vectors = np.asarray(claim_vectors, dtype=np.float32)
        out: list[list[Match]] = [[] for _ in range(len(claim_vectors))]
        if not len(self.ids) or not len(claim_vectors):
            return out
        k = min(top, len(self.ids))
        for start in range(0, len(claim_vectors), MATCH_ROWS):
            sims = self.similarities(claim_vectors[start:start + MATCH_ROWS])
            if k < sims.shape[1]:
                best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            else:
                best = np.broadcast_to(np.arange(sims.shape[1]), (sims.shape[0], sims.shape[1]))
            for row in range(sims.shape[0]):
                cols = sorted(best[row], key=lambda c: (-sims[row, c], c))
                kept = [c for c in cols if sims[row, c] >= threshold]
                out[start + row] = [Match(self.ids[c], round(float(sims[row, c]), 4), rank)
                                    for rank, c in enumerate(kept, 1)]
        return out

    def match_texts(self, texts: Sequence[str], *, encode: Encode | None = None,
                    threshold: float = DEFAULT_THRESHOLD, top: int = DEFAULT_TOP) -> list[list[Match]]:
        """Embed ``texts`` and match them (see ``match``)."""
        return self.match(embed_texts(list(texts), encode=encode), threshold=threshold, top=top)


def vector_to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def blob_to_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


# ---------------------------------------------------------------- the store steps


@dataclass
class ImportReport:
    """What ``import_narratives`` did."""

    path: str
    format: str
    rows: int
    new: int
    updated: int
    unchanged: int
    embedded: int
    problems: list[RowProblem]
    run_id: int | None = None

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "rows": self.rows,
                "imported": self.imported, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "embedded": self.embedded,
                "skipped": sum(p.skipped for p in self.problems),
                "problems": [p.to_dict() for p in self.problems], "run": self.run_id}


def import_narratives(store: Any, path: str | Path, *, encode: Encode | None = None,
                      progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Read a narrative file and upsert its narratives into ``store`` (by id).

    Only titles that are new, changed, or embedded by another encoder are embedded again,
    so importing the same file twice stores nothing new and embeds nothing. Skipped rows
    are recorded as the run's skipped inputs (origin ``file:line``).
    ``progress(done, total)`` is called while titles are embedded.
    """
    parsed = read_narratives(path)
    model = model_id() if encode is None else getattr(encode, "model_id", "custom")
    stored = store.narrative_fingerprints([n.id for n in parsed.narratives])
    to_embed = [n for n in parsed.narratives if stored.get(n.id) != (n.title, model)]
    run_id = store.start_run(command="narratives import",
                             options={"path": str(path), "format": parsed.format, "model": model})
    total = len(to_embed)
    vectors = embed_narratives(
        to_embed, encode=encode,
        progress=(lambda done: progress(done, total)) if progress is not None else None)
    blobs = {n.id: vector_to_blob(v) for n, v in zip(to_embed, vectors)}
    rows = [{**n.to_dict(), "source": Path(path).name, "model": model, "vector": blobs.get(n.id)}
            for n in parsed.narratives]
    new, updated, unchanged = store.upsert_narratives(rows, run_id=run_id)
    store.add_skipped(run_id, [{"origin": f"{path}:{p.line}", "code": "bad_record", "reason": p.reason}
                               for p in parsed.problems if p.skipped])
    report = ImportReport(str(path), parsed.format, parsed.rows, new, updated, unchanged,
                          len(to_embed), parsed.problems, run_id)
    store.finish_run(run_id, stats={k: v for k, v in report.to_dict().items() if k != "problems"})
    return report


def load_index(store: Any, *, model: str | None = None) -> NarrativeIndex:
    """The stored narratives as an index; refuses vectors made by another encoder."""
    ids: list[str] = []
    blobs: list[bytes] = []
    models: set[str] = set()
    for nid, nmodel, blob in store.iter_narrative_vectors():
        ids.append(nid)
        blobs.append(blob)
        models.add(nmodel)
    wanted = model or model_id()
    if models - {wanted}:
        raise NewsgraphError("store_version",
                             f"the stored narratives were embedded by {', '.join(sorted(models - {wanted}))}, "
                             f"not by the encoder in use ({wanted})",
                             "import the narrative file again: newsgraph narratives import FILE --db DB")
    if not ids:
        return NarrativeIndex([], np.zeros((0, 0), dtype=np.float32))
    return NarrativeIndex(ids, np.stack([blob_to_vector(b) for b in blobs]))


@dataclass
class MatchReport:
    """What ``match_store`` did."""

    narratives: int
    documents: int            # documents matched in this call
    claims: int               # claims embedded and compared
    short: int                # claims under MIN_WORDS words, not compared
    linked_claims: int        # claims with at least one link
    links: int
    up_to_date: int           # documents already matched with the same narratives and settings
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"narratives": self.narratives, "documents": self.documents, "claims": self.claims,
                "short": self.short, "linked_claims": self.linked_claims, "links": self.links,
                "up_to_date": self.up_to_date, "settings": self.settings}


def match_store(store: Any, *, threshold: float = DEFAULT_THRESHOLD, top: int = DEFAULT_TOP,
                min_words: int = MIN_WORDS, redo: bool = False, batch_docs: int = 200,
                encode: Encode | None = None,
                progress: Callable[[int, int], None] | None = None) -> MatchReport:
    """Link the stored claims to the stored narratives.

    Documents are matched in batches of ``batch_docs``, each batch's links written in one
    transaction (a stopped run resumes where it stopped). A document already matched
    against the same narratives with the same settings is left as it is, unless ``redo``;
    otherwise its links are replaced. ``progress(done, total)`` counts documents.
    """
    if not 0.0 <= threshold <= 1.0:
        raise NewsgraphError("bad_option", f"threshold must be between 0 and 1, got {threshold}")
    if top < 1 or min_words < 0 or batch_docs < 1:
        raise NewsgraphError("bad_option", "top and batch_docs must be at least 1, min_words not negative")
    model = model_id() if encode is None else getattr(encode, "model_id", "custom")
    index = load_index(store, model=model)
    settings = {"threshold": threshold, "top": top, "min_words": min_words, "model": model,
                "narratives": store.narratives_revision(), "version": EXTRACTOR_VERSION}
    key = json.dumps(settings, sort_keys=True)
    if not len(index):
        raise NewsgraphError("not_stored", "the store holds no narratives",
                             "import a list first: newsgraph narratives import posts.csv --db DB")
    pending = store.documents_to_match(None if redo else key)
    total_docs = store.counts()["documents"]
    report = MatchReport(len(index), 0, 0, 0, 0, 0, total_docs - len(pending), settings)
    for start in range(0, len(pending), batch_docs):
        hashes = pending[start:start + batch_docs]
        claims = store.claims_of(hashes)
        usable = [c for c in claims if len(c["text"].split()) >= min_words]
        report.short += len(claims) - len(usable)
        # the same sentence in several reports (wire copy) is embedded once
        texts = list(dict.fromkeys(c["text"] for c in usable))
        by_text = dict(zip(texts, index.match_texts(texts, encode=encode, threshold=threshold, top=top)))
        matches = [by_text[c["text"]] for c in usable]
        links = [(c["doc_hash"], c["claim_id"], m.narrative_id, m.similarity, m.rank)
                 for c, ms in zip(usable, matches) for m in ms]
        store.replace_narrative_links(hashes, links, key)
        report.documents += len(hashes)
        report.claims += len(usable)
        report.linked_claims += sum(1 for ms in matches if ms)
        report.links += len(links)
        if progress is not None:
            progress(report.documents, len(pending))
    return report
