"""The command line: thin wrappers over library functions that return data.

JSON goes to stdout; reports, progress and errors go to stderr/stdout as rich
text for a person. Every error has the one JSON shape of ``errors.NewsgraphError``.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import __version__
from .errors import NewsgraphError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="newsgraph: evidence-linked events, actors and claims from news articles.")
out = Console()
err = Console(stderr=True)

DEFAULT_DB = "newsgraph.db"


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def _dumps(obj: Any, *, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent)


def _fail(exc: NewsgraphError, fmt: Format = Format.text) -> None:
    if fmt is Format.text:
        err.print(f"[bold red]error[/]: {exc.message}" + (f"\n  hint: {exc.hint}" if exc.hint else ""),
                  markup=True, highlight=False)
    else:
        sys.stderr.write(_dumps(exc.to_dict()) + "\n")
    raise typer.Exit(2)


def _report_skip(skipped, fmt: Format) -> None:
    if fmt is Format.text:
        err.print(f"skipped {skipped.origin}: {skipped.reason} [{skipped.code}]",
                  markup=False, highlight=False, style="yellow")
    else:
        sys.stderr.write(_dumps({"skipped": skipped.to_dict()}) + "\n")


def _version(value: bool) -> None:
    if value:
        out.print(f"newsgraph {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """newsgraph reads news articles and turns them into evidence-linked records."""


def _use_registry(files: List[Path], signals: bool = False) -> None:
    from .pipeline import enable
    enable("signals", signals)
    if files:
        from .reliability import use_registry
        use_registry(files)


@app.command()
def analyze(
    paths: List[str] = typer.Argument(..., help="Files, directories, or - for standard input."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text (a report), json or jsonl."),
    outlet: Optional[str] = typer.Option(None, help="Outlet for inputs whose metadata names none."),
    date: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) for inputs without one."),
    max_bytes: Optional[int] = typer.Option(None, help="Refuse files larger than this."),
    no_language_check: bool = typer.Option(False, help="Analyse non-English input instead of skipping it."),
    outlet_registry: List[Path] = typer.Option([], "--outlet-registry", help="An outlet registry file "
                                               "(docs/reliability.md) read after the shipped one; repeatable."),
    signals: bool = typer.Option(False, "--signals", help="Also mark propaganda techniques (slower: "
                                 "about 0.3 s per 1,000 words; see the propaganda model card)."),
) -> None:
    """Analyse articles and print the analysis; nothing is stored.

    --format json prints one object for one document; for several it prints
    {"analyses": [...], "skipped": [...]}. jsonl prints one object per line.
    """
    from .ingest import DEFAULT_MAX_BYTES, iter_documents
    from .model import Document, Skipped
    from .pipeline import analyze_documents
    from .report import analysis_report

    try:
        _use_registry(outlet_registry, signals)
        inputs = iter_documents(paths, outlet=outlet, date=date, max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                                check_language=not no_language_check)
        skipped: list[Skipped] = []

        def documents() -> Iterator[Document]:
            for item in inputs:
                if isinstance(item, Skipped):
                    skipped.append(item)
                    _report_skip(item, fmt)
                else:
                    yield item

        collected: list[dict[str, Any]] = []
        analysed = 0
        for result in analyze_documents(documents()):
            if isinstance(result, Skipped):
                skipped.append(result)
                _report_skip(result, fmt)
                continue
            analysed += 1
            obj = result.to_dict()
            if fmt is Format.jsonl:
                sys.stdout.write(_dumps(obj) + "\n")
                sys.stdout.flush()
            elif fmt is Format.json:
                collected.append(obj)
            else:
                out.print(analysis_report(obj))
        if fmt is Format.json:
            if len(collected) == 1 and not skipped:
                sys.stdout.write(_dumps(collected[0], indent=2) + "\n")
            else:
                sys.stdout.write(_dumps({"analyses": collected,
                                         "skipped": [s.to_dict() for s in skipped]}, indent=2) + "\n")
    except NewsgraphError as exc:
        _fail(exc, fmt)
    if skipped and not analysed:
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: List[str] = typer.Argument(..., help="Files, directories, or - for standard input."),
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store (created if missing)."),
    outlet: Optional[str] = typer.Option(None, help="Outlet for inputs whose metadata names none."),
    date: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) for inputs without one."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes for the analysis."),
    max_bytes: Optional[int] = typer.Option(None, help="Refuse files larger than this."),
    no_language_check: bool = typer.Option(False, help="Analyse non-English input instead of skipping it."),
    outlet_registry: List[Path] = typer.Option([], "--outlet-registry", help="An outlet registry file "
                                               "(docs/reliability.md) read after the shipped one; repeatable."),
    signals: bool = typer.Option(False, "--signals", help="Also mark propaganda techniques (slower: "
                                 "about 0.3 s per 1,000 words; see the propaganda model card)."),
    progress: bool = typer.Option(True, help="Show a progress line."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json for the final summary."),
    engine: Engine = typer.Option(Engine.local, help="local: this machine's processes (--jobs); ray: "
                                  "Ray Data, locally or on a cluster (--address), writing Parquet to --out "
                                  "(docs/scale.md)."),
    address: Optional[str] = typer.Option(None, help="Ray: the cluster to use (ray://HOST:10001 or "
                                          "auto); default a local Ray with --jobs CPUs."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Ray: the new folder for the Parquet "
                                           "tables (required with --engine ray)."),
    merge: bool = typer.Option(True, help="Ray: load the output into --db and build the corpus "
                               "events afterwards (else: newsgraph merge OUT --db FILE)."),
) -> None:
    """Analyse articles and store them; print what was stored, skipped and why, and a summary."""
    from .ingest import DEFAULT_MAX_BYTES
    from .report import summary_report
    from .runner import ingest as run_ingest
    from .store import Store

    if engine is Engine.ray:
        _ingest_ray(paths, db=db, outlet=outlet, date=date, jobs=jobs, max_bytes=max_bytes,
                    check_language=not no_language_check, registries=outlet_registry,
                    signals=signals, address=address, out_dir=out_dir, merge=merge, fmt=fmt)
        return

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=None),
                   TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), console=err,
                   transient=True, disable=not progress or fmt is not Format.text)
    try:
        _use_registry(outlet_registry, signals)
        with bar:
            task = bar.add_task("ingesting", total=None, stats="")

            def tick(report) -> None:
                bar.update(task, stats=f"{report.stored} stored, {report.duplicates} known, "
                                       f"{len(report.skipped)} skipped, {report.words:,} words")

            report = run_ingest(paths, db=db, outlet=outlet, date=date, jobs=jobs,
                                max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                                check_language=not no_language_check, progress=tick)
        with Store(db, readonly=True) as store:
            summary = store.summary()
    except NewsgraphError as exc:
        _fail(exc, fmt)
    run = report.to_dict()
    if fmt is Format.text:
        out.print(summary_report(summary, run))
    else:
        sys.stdout.write(_dumps({"run": run, "summary": summary}, indent=2) + "\n")


def _ingest_ray(paths, *, db, outlet, date, jobs, max_bytes, check_language, registries, signals,
                address, out_dir, merge, fmt) -> None:
    from .ingest import DEFAULT_MAX_BYTES
    from .scale import merge as merge_output
    from .scale.ray_engine import run

    try:
        if out_dir is None:
            raise NewsgraphError("bad_option", "--engine ray writes Parquet tables: give --out DIR",
                                 "e.g. --out out/run-2019-09")
        report = run(paths, out=out_dir, address=address, jobs=None if address and jobs == 1 else jobs,
                     outlet=outlet, date=date, max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                     check_language=check_language, signals=signals, registries=registries)
        merged = merge_output(out_dir, db=db) if merge else None
    except NewsgraphError as exc:
        _fail(exc, fmt)
    data = {"run": report.to_dict(), "merge": merged.to_dict() if merged else None}
    if fmt is not Format.text:
        sys.stdout.write(_dumps(data, indent=2) + "\n")
        return
    r = data["run"]
    out.print(f"ray: {r['shards']} shards, {r['documents']} documents analysed, {r['skipped']} skipped, "
              f"{r['words']:,} words in {r['seconds']:.1f} s on {r['workers']} workers -> {r['out']}",
              markup=False, highlight=False)
    if merged:
        _say_merged(data["merge"], db, corpus=True)


def _say_merged(m: dict, db: Path, *, corpus: bool) -> None:
    out.print(f"{m['analyses']} analyses read: {m['stored']} stored, {m['duplicates']} already in "
              f"{db}; {m['skipped']} skipped inputs recorded" + ("; corpus events rebuilt" if corpus else ""),
              markup=False, highlight=False)


@app.command("merge")
def merge_command(
    out_dir: Path = typer.Argument(..., help="An output folder of `ingest --engine ray`."),
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store (created if missing)."),
    corpus: bool = typer.Option(True, help="Rebuild the corpus events afterwards."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Load the Parquet output of a Ray run into a store and rebuild the corpus events."""
    from .scale import merge as merge_output

    try:
        report = merge_output(out_dir, db=db, corpus=corpus)
    except NewsgraphError as exc:
        _fail(exc, fmt)
    data = report.to_dict()
    if fmt is not Format.text:
        sys.stdout.write(_dumps(data, indent=2) + "\n")
        return
    _say_merged(data, db, corpus=corpus)


@app.command()
def show(
    key: str = typer.Argument(..., help="Document id, content hash, or a unique hash prefix."),
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Print one stored analysis."""
    from .report import analysis_report
    from .store import Store

    try:
        with Store(_existing(db), readonly=True) as store:
            obj = store.get_analysis(key)
        if obj is None:
            raise NewsgraphError("not_stored", f"no stored document matches {key!r}")
    except NewsgraphError as exc:
        _fail(exc, fmt)
    if fmt is Format.text:
        out.print(analysis_report(obj))
    else:
        sys.stdout.write(_dumps(obj, indent=2 if fmt is Format.json else None) + "\n")


@app.command()
def summary(
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    top: int = typer.Option(10, min=1, help="How many top actors and event types."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Counts of documents, actors, events and claims, and the top actors and event types."""
    from .report import summary_report
    from .store import Store

    try:
        with Store(_existing(db), readonly=True) as store:
            data = store.summary(top=top)
    except NewsgraphError as exc:
        _fail(exc, fmt)
    if fmt is Format.text:
        out.print(summary_report(data))
    else:
        sys.stdout.write(_dumps(data, indent=2) + "\n")


@app.command()
def search(
    query: str = typer.Argument(..., help="Full-text query over titles and texts."),
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    limit: int = typer.Option(20, min=1),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or jsonl."),
) -> None:
    """Full-text search over stored documents."""
    from rich.table import Table
    from rich.text import Text

    from .store import Store

    try:
        with Store(_existing(db), readonly=True) as store:
            hits = store.search(query, limit=limit)
    except NewsgraphError as exc:
        _fail(exc, fmt)
    if fmt is Format.text:
        table = Table(title=f"{len(hits)} documents", title_justify="left")
        for col in ("id", "outlet", "published", "title", "snippet"):
            table.add_column(col)
        for h in hits:
            table.add_row(*(Text(str(h.get(k) or "")) for k in ("id", "source", "published", "title", "snippet")))
        out.print(table)
    else:
        for h in hits:
            sys.stdout.write(_dumps(h) + "\n")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the analysis object."""
    from .schema import analysis_schema
    sys.stdout.write(_dumps(analysis_schema(), indent=2) + "\n")


def _counting_bar(label: str, show: bool) -> Progress:
    """A transient "label [bar] done/total elapsed" line on stderr (hidden unless ``show``)."""
    return Progress(TextColumn(label), BarColumn(bar_width=None), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=err, transient=True, disable=not show)


narratives_app = typer.Typer(no_args_is_help=True, help="Known disinformation narratives: import "
                              "a list (EUvsDisinfo's posts.csv or your own CSV/TSV), link stored "
                              "claims to it, list the links. See docs/narratives.md.")
app.add_typer(narratives_app, name="narratives")


@narratives_app.command("import")
def narratives_import(
    path: Path = typer.Argument(..., help="posts.csv (EUvsDisinfo) or a CSV/TSV with id and title columns."),
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store (created if missing)."),
    progress: bool = typer.Option(True, help="Show a progress line while titles are embedded."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Import (upsert by id) a list of known narratives; print how many were imported and skipped."""
    from .narratives import import_narratives
    from .store import Store

    bar = _counting_bar("embedding narrative titles", progress and fmt is Format.text)
    try:
        with bar, Store(db) as store:
            task = bar.add_task("embed", total=None)
            report = import_narratives(store, path,
                                       progress=lambda done, total: bar.update(task, completed=done,
                                                                               total=total))
    except NewsgraphError as exc:
        _fail(exc, fmt)
    data = report.to_dict()
    if fmt is not Format.text:
        sys.stdout.write(_dumps(data, indent=2) + "\n")
        return
    for p in report.problems:
        err.print(f"{'skipped' if p.skipped else 'note'} {path}:{p.line}: {p.reason}", soft_wrap=True,
                  markup=False, highlight=False, style="yellow" if p.skipped else None)
    out.print(f"{report.imported} narratives imported from {path} ({report.format}): {report.new} new, "
              f"{report.updated} updated, {report.unchanged} unchanged; {data['skipped']} rows skipped; "
              f"{report.embedded} titles embedded", markup=False, highlight=False, soft_wrap=True)


@narratives_app.command("match")
def narratives_match(
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0,
                                              help="Least cosine similarity for a link "
                                                   "(default: the measured one, see docs/narratives.md)."),
    top: Optional[int] = typer.Option(None, min=1, help="At most this many narratives per claim."),
    min_words: Optional[int] = typer.Option(None, min=0, help="Leave out claims shorter than this "
                                            "many words (default 4)."),
    redo: bool = typer.Option(False, "--all", help="Match every document again, not only those "
                              "not yet matched with these narratives and settings."),
    progress: bool = typer.Option(True, help="Show a progress line."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Link the claims of the stored documents to the imported narratives; print a summary."""
    from . import narratives as nv
    from .store import Store

    bar = _counting_bar("matching documents", progress and fmt is Format.text)
    try:
        with bar, Store(_existing(db)) as store:
            task = bar.add_task("match", total=None)
            report = nv.match_store(
                store, threshold=nv.DEFAULT_THRESHOLD if threshold is None else threshold,
                top=top or nv.DEFAULT_TOP, min_words=nv.MIN_WORDS if min_words is None else min_words,
                redo=redo, progress=lambda done, total: bar.update(task, completed=done, total=total))
            summary = store.narrative_summary()
    except NewsgraphError as exc:
        _fail(exc, fmt)
    if fmt is not Format.text:
        sys.stdout.write(_dumps({"run": report.to_dict(), "summary": summary}, indent=2) + "\n")
        return
    out.print(f"matched {report.documents} documents ({report.up_to_date} already up to date): "
              f"{report.claims} claims against {report.narratives} narratives "
              f"({report.short} claims under {report.settings['min_words']} words left out), "
              f"threshold {report.settings['threshold']}; {report.linked_claims} claims linked, "
              f"{report.links} links", markup=False, highlight=False, soft_wrap=True)
    out.print(f"store: {summary['linked_claims']} linked claims in {summary['linked_documents']} of "
              f"{summary['documents']} documents", markup=False, highlight=False, soft_wrap=True)
    for n in summary["top_narratives"]:
        out.print(f"  {n['claims']:>4} claims  {n['best']:.2f}  {n['title']}  {n['url'] or n['id']}",
                  markup=False, highlight=False, soft_wrap=True)


@narratives_app.command("list")
def narratives_list(
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    limit: int = typer.Option(50, min=1, help="At most this many links."),
    min_similarity: float = typer.Option(0.0, min=0.0, max=1.0, help="Only links at least this similar."),
    narrative: Optional[str] = typer.Option(None, help="Only this narrative's links (its id or case URL)."),
    document: Optional[str] = typer.Option(None, help="Only this document's links (its id or hash)."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or jsonl."),
) -> None:
    """Show the linked claims, most similar first: speaker, claim, narrative, similarity, case URL."""
    from .store import Store

    try:
        with Store(_existing(db), readonly=True) as store:
            links = store.narrative_links(limit=limit, min_similarity=min_similarity,
                                          narrative=narrative, document=document)
    except NewsgraphError as exc:
        _fail(exc, fmt)
    if fmt is not Format.text:
        for link in links:
            sys.stdout.write(_dumps(link) + "\n")
        return
    out.print(f"{len(links)} linked claims, most similar first", markup=False, highlight=False)
    for link in links:
        doc, claim, narrative = link["document"], link["claim"], link["narrative"]
        sp = claim["speaker"]
        speaker = sp["name"] or sp["kind"]
        speaker += " (unnamed source)" if sp["kind"] == "unnamed" else " (the outlet)" if sp["kind"] == "author" else ""
        where = ", ".join(x for x in (doc["source"], doc["published"]) if x)
        out.print(f"\n{link['similarity']:.2f}  {speaker} in {doc['id']}" + (f" [{where}]" if where else ""),
                  markup=False, highlight=False, soft_wrap=True)
        out.print(f"      claim      {claim['text']}", markup=False, highlight=False, soft_wrap=True)
        out.print(f"      narrative  {narrative['title']}", markup=False, highlight=False, soft_wrap=True)
        out.print(f"      case       {narrative['url'] or narrative['id']}", markup=False, highlight=False,
                  soft_wrap=True)


corpus_app = typer.Typer(no_args_is_help=True, help="Across documents: corpus events (one event "
                         "from many reports), claim corroboration. See docs/corpus.md.")
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("build")
def corpus_build(
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    threshold: Optional[float] = typer.Option(None, min=0.0, max=1.0, help="Least merge score "
                                              "(default 0.72, see docs/corpus.md)."),
    window_days: Optional[int] = typer.Option(None, "--window-days", min=0, help="Largest gap in "
                                              "days between two reports' dates (default 3)."),
    claims: bool = typer.Option(True, help="Also compute claim corroboration (embeds claims)."),
    top: int = typer.Option(5, min=0, help="How many corpus events with the most outlets to print."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """(Re)compute corpus events, their disagreements and claim corroboration; print a summary."""
    from . import corpus as cp
    from .store import Store

    try:
        with Store(_existing(db)) as store:
            report = cp.build(store, threshold=cp.DEFAULT_THRESHOLD if threshold is None else threshold,
                              window_days=cp.DEFAULT_WINDOW_DAYS if window_days is None else window_days,
                              claims=claims, top=top)
    except NewsgraphError as exc:
        _fail(exc, fmt)
    data = report.to_dict()
    if fmt is not Format.text:
        sys.stdout.write(_dumps(data, indent=2) + "\n")
        return
    say = lambda line: out.print(line, markup=False, highlight=False, soft_wrap=True)  # noqa: E731
    say(f"{data['reports']} event reports -> {data['corpus_events']} corpus events "
        f"({data['multi_report_events']} with several reports, {data['multi_outlet_events']} with several "
        f"outlets); threshold {data['settings']['threshold']}, window {data['settings']['window_days']} days; "
        f"{data['copies']} documents are near-copies of another")
    if data["claims"]:
        c = data["claims"]
        say(f"claims: {c['claims']}: {c['corroborated']} corroborated, {c['contested']} contested, "
            f"{c['claims'] - c['corroborated'] - c['contested']} unverified ({c['embedded']} distinct texts embedded)")
    for ev in data["top"]:
        _print_event(ev, say)


def _print_event(ev: dict, say) -> None:
    lo, hi = ev["date"]
    when = lo if lo == hi else f"{lo}..{hi}"
    say(f"\n{ev['id']}  {ev['type']}  {when}  {ev.get('place') or '-'}  {len(ev['outlets'])} outlets, "
        f"{len(ev['reports'])} reports, first reported {ev.get('first_reported') or '-'}")
    for r in ev["reports"]:
        merge = r.get("merge")
        score = f"  (merged at {merge['score']:.2f})" if merge else ""
        say(f"  {r['outlet'] or '-'} [{r['published'] or '-'}] {r['status']}, date {r['date'] or '-'}, "
            f"place {r['place'] or '-'}{score}: {r['evidence']['text'][:140]}")
    for d in ev["disagreements"]:
        values = "; ".join(f"{v}: {', '.join(o)}" for v, o in d["values"].items())
        say(f"  disagreement ({d['field']}, {d['kind']}): {values}")


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


@app.command()
def query(
    what: str = typer.Argument("events", help="events (corpus events with their reports), claims or documents."),
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    actor: Optional[str] = typer.Option(None, help="Actor id, CAMEO code or name."),
    recipient: Optional[str] = typer.Option(None, help="Recipient id, code or name (events)."),
    type: Optional[str] = typer.Option(None, "--type", help="PLOVER event type."),
    status: Optional[str] = typer.Option(None, help="Event status (events) or corroboration (claims)."),
    outlet: Optional[str] = typer.Option(None, help="Outlet name."),
    since: Optional[str] = typer.Option(None, help="From this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, help="Up to this date (YYYY-MM-DD)."),
    place: Optional[str] = typer.Option(None, help="Place name or ISO3 country."),
    text: Optional[str] = typer.Option(None, help="Full-text search of the documents (FTS5)."),
    min_reports: Optional[int] = typer.Option(None, min=1, help="Events with at least this many reports."),
    limit: int = typer.Option(20, min=1),
    fmt: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="table, json or jsonl."),
) -> None:
    """Filter corpus events, claims or documents (run `newsgraph corpus build` first for events)."""
    from rich.table import Table
    from rich.text import Text

    from .query import query as run_query
    from .store import Store

    efmt = Format.text if fmt is QueryFormat.table else Format.json
    try:
        with Store(_existing(db), readonly=True) as store:
            rows = run_query(store, what, actor=actor, recipient=recipient, type=type, status=status,
                             outlet=outlet, since=since, until=until, place=place, text=text,
                             min_reports=min_reports, limit=limit)
    except NewsgraphError as exc:
        _fail(exc, efmt)
    if fmt is QueryFormat.json:
        sys.stdout.write(_dumps({what: rows}, indent=2) + "\n")
        return
    if fmt is QueryFormat.jsonl:
        for row in rows:
            sys.stdout.write(_dumps(row) + "\n")
        return
    table = Table(title=f"{len(rows)} {what}", title_justify="left")
    if what == "events":
        cols = ("id", "type", "date", "place", "reports", "outlets", "actors", "disagreements")
        cells = [(e["id"], e["type"], e["date"][0] if e["date"][0] == e["date"][1] else "..".join(e["date"]),
                  e["place"] or "", str(e["n_reports"]), ", ".join(e["outlets"]),
                  ", ".join(a["name"] or a["id"] for a in e["actors"] + e["recipients"]),
                  "; ".join(f"{d['field']}: {' / '.join(d['values'])}" for d in e["disagreements"]))
                 for e in rows]
    elif what == "claims":
        cols = ("document", "outlet", "published", "speaker", "corroboration", "text")
        cells = [(c["document"], c["outlet"] or "", c["published"] or "",
                  c["speaker"]["name"] or c["speaker"]["kind"], c["corroboration"], c["text"]) for c in rows]
    else:
        cols = ("id", "outlet", "published", "title", "events", "claims")
        cells = [(d["id"], d["outlet"] or "", d["published"] or "", d["title"] or "", str(d["events"]),
                  str(d["claims"])) for d in rows]
    for col in cols:
        table.add_column(col)
    for row in cells:
        table.add_row(*(Text(str(x)) for x in row))
    out.print(table)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    plover = "plover"
    gdelt = "gdelt"
    csv = "csv"
    parquet = "parquet"
    ftm = "ftm"
    gexf = "gexf"
    graphml = "graphml"


@app.command("export")
def export_cmd(
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="jsonl, plover, gdelt, csv, parquet, "
                                     "ftm, gexf or graphml (docs/export.md)."),
    out_path: Path = typer.Option(..., "--out", "-o", help="The file to write; a folder for gdelt, csv "
                                  "and parquet."),
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store."),
    since: Optional[str] = typer.Option(None, help="First publication date (YYYY-MM-DD); for gexf "
                                        "and graphml, first event date."),
    until: Optional[str] = typer.Option(None, help="Last date (YYYY-MM-DD), inclusive."),
) -> None:
    """Export the stored records (events, actors, claims...) with a provenance manifest."""
    from .export import export, manifest_path
    from .store import Store

    try:
        with Store(_existing(db), readonly=True) as store:
            manifest = export(store, fmt.value, out_path, since=since, until=until)
    except NewsgraphError as exc:
        _fail(exc)
    counts = ", ".join(f"{v} {k}" for k, v in manifest["counts"].items())
    out.print(f"exported {fmt.value} to {out_path}: {counts or 'nothing'}; manifest "
              f"{manifest_path(fmt.value, out_path)}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def serve(
    db: Path = typer.Option(Path(DEFAULT_DB), help="The SQLite store (created if missing, unless "
                            "--read-only)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind. The default serves this machine "
                             "only; another address (0.0.0.0: every interface) exposes the API, which "
                             "has no authentication, to the network."),
    port: int = typer.Option(8765, min=1, max=65535, help="Port to listen on."),
    read_only: bool = typer.Option(False, "--read-only", help="Refuse POST /api/v1/analyze?store=true "
                                   "(never write to the store)."),
    signals: bool = typer.Option(False, "--signals", help="Also mark propaganda techniques in the "
                                 "articles posted to /api/v1/analyze (the UI's Analyse view)."),
) -> None:
    """Serve the web UI (docs/ui.md) at http://HOST:PORT/ and the HTTP JSON API (docs/api.md) at
    /api/v1 over a store."""
    import uvicorn

    from .api import create_app

    try:
        _use_registry([], signals)
        api = create_app(_existing(db) if read_only else db, allow_store=not read_only)
    except NewsgraphError as exc:
        _fail(exc)
    err.print(f"newsgraph on http://{host}:{port}/ (web UI), API at /api/v1 (schema: "
              f"/api/v1/openapi.json), store {db}", markup=False, highlight=False)
    uvicorn.run(api, host=host, port=port, log_level="info")


def _existing(db: Path) -> Path:
    if not db.exists():
        raise NewsgraphError("not_found", f"no store at {db}", "ingest some articles first: newsgraph ingest PATH --db FILE")
    return db


def main() -> None:
    app()


if __name__ == "__main__":
    main()
