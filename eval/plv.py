"""PLOVER event-type accuracy on the real gold data (plv_dev, 1,050 news sentences).

    .venv/bin/python eval/plv.py                   # 5-fold cross-validation of the shipped recipe
    .venv/bin/python eval/plv.py --model shipped   # the shipped weights (trained on this data!)
    .venv/bin/python eval/plv.py --extractor       # + actor/recipient agreement of the whole extractor
    .venv/bin/python eval/plv.py --gsr             # + held-out type accuracy and actor codes on the PLOVER GSR

Reads ../shared/data/events/plv_dev.tsv (relative to the repository) and skips with a message
where it is absent. Each sentence comes with its gold source and target marked; the figures
measure the event-type classifier alone, not actor finding.

Cross-validation: 5 folds stratified by gold type with a fixed seed, and grouped by sentence
(a sentence with several pairs stays in one fold); the model is retrained on each fold's
training part with exactly the recipe of scripts/train_event_types.py (``fit``), extra data
included in training folds only. Needs the ``train`` extra (scikit-learn).

Printed: PLOVER root macro-F1 (15 classes: plv_dev's YIELD stands for CONCEDE + RETREAT),
quad-class macro-F1 (the quad class of the predicted root, via newsgraph.ontology, against
the gold gold_penta), and precision/recall/F1 per class.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

PLV = ROOT.parent / "shared" / "data" / "events" / "plv_dev.tsv"


def quad_of_root(label: str) -> int:
    """Quad class of a plv_dev root label (YIELD, CONCEDE + RETREAT, is 2 in plv_dev)."""
    from newsgraph.extract.event_types import QUAD
    if label == "YIELD":
        return 2
    if label == "NONE":   # "no event": no quad class
        return 0
    try:
        from newsgraph.ontology import quad_of
    except ImportError:
        return QUAD[label]
    return quad_of(label)


def per_class(gold: list, pred: list) -> dict:
    """label -> (precision, recall, F1, support)."""
    out = {}
    for label in sorted(set(gold) | set(pred), key=str):
        tp = sum(1 for g, p in zip(gold, pred) if g == label and p == label)
        n_pred = sum(1 for p in pred if p == label)
        n_gold = sum(1 for g in gold if g == label)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[label] = (prec, rec, f1, n_gold)
    return out


def macro_f1(gold: list, pred: list) -> float:
    """Macro-F1 over the gold classes (scikit-learn's f1_score(labels=sorted(set(gold)),
    average='macro')): a prediction outside them, such as NONE ("no event"), counts as a
    miss of its gold class and a false positive of no class."""
    table = per_class(gold, pred)
    return float(np.mean([table[l][2] for l in set(gold)]))


def report(title: str, gold: list, pred: list, gold_quad: list) -> dict:
    pred_quad = [quad_of_root(p) for p in pred]
    root = macro_f1(gold, pred)
    quad = macro_f1(gold_quad, pred_quad)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    print(f"\n{title}")
    print(f"  PLOVER root macro-F1  {root:.3f}   (accuracy {acc:.3f}, n={len(gold)})")
    print(f"  quad-class macro-F1   {quad:.3f}")
    print(f"\n  {'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for label, (p, r, f, n) in per_class(gold, pred).items():
        print(f"  {label:<10} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    print(f"\n  {'quad':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for label, (p, r, f, n) in per_class(gold_quad, pred_quad).items():
        print(f"  {label!s:<10} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}")
    return {"root_macro_f1": root, "quad_macro_f1": quad, "accuracy": acc}


def cross_validate(rows, views, folds: int, seed: int, recipe=None):
    """Out-of-fold predicted labels for every row, retraining ``fit`` per fold."""
    import train_event_types as tr
    from newsgraph.extract import event_types as et
    from sklearn.model_selection import StratifiedGroupKFold

    recipe = recipe or tr.RECIPE
    labels = [r["label"] for r in rows]
    groups = [r["text"] for r in rows]
    extra_views, extra_labels, extra_w = [], [], []
    if recipe["extra"]:
        from newsgraph.nlp import load_nlp
        for name in recipe["extra"]:
            extra = tr.EXTRA_READERS[name]()
            extra_views += tr.views_for(extra, load_nlp())
            extra_labels += [r["label"] for r in extra]
            extra_w += [tr.extra_weight(recipe, name)] * len(extra)
    # one encoder pass over every text; the folds reuse it
    from functools import partial

    from newsgraph.embed import encode as embed_encode
    raw_encode = partial(embed_encode, layers=recipe.get("encoder_layers", 6))
    cache: dict[tuple, tuple] = {}

    def encode(texts, spans=None):
        keys = [(t, tuple(s) if spans is not None else None)
                for t, s in zip(texts, spans if spans is not None else [None] * len(texts))]
        missing = list(dict.fromkeys(k for k in keys if k not in cache))
        if missing:
            if spans is not None:
                vecs, span_vecs = raw_encode([k[0] for k in missing], spans=[k[1] for k in missing])
            else:
                vecs, span_vecs = raw_encode([k[0] for k in missing]), [None] * len(missing)
            for k, v, sv in zip(missing, vecs, span_vecs):
                cache[k] = (v, sv)
        vecs = np.stack([cache[k][0] for k in keys])
        return (vecs, [cache[k][1] for k in keys]) if spans is not None else vecs

    pred = [None] * len(rows)
    gated = np.zeros(len(rows), dtype=bool)
    stages = {"gate": [None] * len(rows), "encoder": [None] * len(rows)}  # each stage's own probabilities
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for k, (train, test) in enumerate(splitter.split(np.zeros(len(rows)), labels, groups)):
        tv = [views[i] for i in train] + extra_views
        tl = [labels[i] for i in train] + extra_labels
        weight = None
        if extra_views:
            weight = np.array([1.0] * len(train) + extra_w)
        config, weights = tr.fit(tv, tl, recipe, encode=encode, sample_weight=weight)
        model = et.EventTypeModel.from_parts(config, weights)
        probs, sure = model.proba([views[i] for i in test], encode)
        for i, p, g in zip(test, probs, sure):
            pred[i] = model.labels[int(p.argmax())]
            gated[i] = g
        if model.gate is not None:
            tv = [views[i] for i in test]
            for name, m in (("gate", model.gate), ("encoder", model)):
                for i, p in zip(test, m.predict_proba(m.featurize(tv, encode))):
                    stages[name][i] = (model.labels, p)
        print(f"  fold {k + 1}/{folds}: trained on {len(tl)}, tested on {len(test)}", file=sys.stderr)
    return pred, gated, stages


def gate_sweep(gold, gold_quad, stages) -> None:
    """Cascade figures for other gate thresholds, from the same out-of-fold probabilities."""
    labels = stages["gate"][0][0]
    gp = np.stack([p for _, p in stages["gate"]])
    ep = np.stack([p for _, p in stages["encoder"]])
    print(f"\n  {'gate threshold':<16} {'gated':>6} {'root F1':>8} {'quad F1':>8}   (same folds)")
    for tau in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01):
        sure = gp.max(axis=1) >= tau
        pred = [labels[int((g if s else e).argmax())] for g, e, s in zip(gp, ep, sure)]
        name = "gate only" if tau == 0.0 else "encoder only" if tau > 1 else f"{tau:.2f}"
        print(f"  {name:<16} {sure.mean():>6.1%} {macro_f1(gold, pred):>8.3f} "
              f"{macro_f1(gold_quad, [quad_of_root(p) for p in pred]):>8.3f}")


def _overlaps(mentions, span) -> bool:
    return span is not None and any(m["start"] < span[1] and m["end"] > span[0] for m in mentions)


def extractor_eval(rows, nlp) -> None:
    """The whole document extractor on each sentence (as a one-sentence document): how often it
    finds an event whose actor / recipient mentions overlap the marked source / target."""
    from newsgraph.model import Document
    from newsgraph.pipeline import analyze_documents

    docs = [Document.create(r["text"], id=f"plv{i}") for i, r in enumerate(rows)]
    n = Counter()
    gold, pred = [], []
    for r, a in zip(rows, analyze_documents(docs, nlp=nlp)):
        obj = a.to_dict()
        mentions = {x["id"]: x["mentions"] for x in obj["actors"]}
        events = obj["events"]
        n["sentences"] += 1
        n["with an event"] += bool(events)
        src = [e for e in events if any(_overlaps(mentions[i], r["source_span"]) for i in e["actor"])]
        tgt = [e for e in events if any(_overlaps(mentions[i], r["target_span"]) for i in e["recipient"])]
        both = [e for e in src if e in tgt]
        n["source found as an event actor"] += bool(src)
        n["target found as an event recipient"] += bool(tgt) if r["target_span"] else 0
        n["sentences with a marked target"] += r["target_span"] is not None
        n["source and target in one event"] += bool(both)
        if both:
            t = both[0]["type"]
            gold.append(r["label"])
            pred.append("YIELD" if t in ("CONCEDE", "RETREAT") else t)
    total = n["sentences"]
    print(f"\nWhole extractor (actors + events) on each sentence alone, {total} sentences:")
    for key in ("with an event", "source found as an event actor", "source and target in one event"):
        print(f"  {key:<38} {n[key]:>5}  {n[key] / total:.1%}")
    k = n["sentences with a marked target"]
    print(f"  {'target found as an event recipient':<38} {n['target found as an event recipient']:>5}  "
          f"{n['target found as an event recipient'] / max(k, 1):.1%} of {k} with a marked target")
    if gold:
        acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
        print(f"  type of the matched event: accuracy {acc:.3f}, root macro-F1 {macro_f1(gold, pred):.3f} "
              f"(n={len(gold)}; NOT a fair type estimate: the shipped classifier was trained on plv_dev)")


def gsr_eval(rows, views, nlp) -> None:
    """Held out: the shipped recipe trained on plv_dev ONLY (no GSR), tested on the PLOVER gold
    standard records (CAMEO manual examples recoded in PLOVER, old type names mapped), with the
    gold source/target spans; then the whole extractor on each GSR text: the code of the actor
    it resolves where the gold source/target is, against the gold CAMEO actor code."""
    import json

    import train_event_types as tr
    from newsgraph.extract import event_types as et
    from newsgraph.model import Document
    from newsgraph.pipeline import analyze_documents

    if not tr.GSR.is_file():
        print(f"\nskipped GSR: {tr.GSR} is absent")
        return
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("\nskipped GSR: training the held-out model needs scikit-learn (pip install -e '.[train]')")
        return
    recipe = dict(tr.RECIPE, extra=[])
    config, weights = tr.fit(views, [r["label"] for r in rows], recipe)
    model = et.EventTypeModel.from_parts(config, weights)
    gsr = tr.read_gsr()
    gviews = tr.views_for(gsr, nlp)
    preds = et.predictions(model, gviews, model.proba(gviews)[0])
    gold = [r["label"] for r in gsr]
    pred = [et.root_of(p) for p in preds]
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    print(f"\nGSR (held out; recipe trained on plv_dev only): {len(gsr)} events, type accuracy {acc:.3f}, "
          f"root macro-F1 {macro_f1(gold, pred):.3f}")
    extractor_types(gsr, model, nlp)

    records = [r for r in json.loads(tr.GSR.read_text(encoding="utf-8"))
               if r.get("text") and r.get("event") != "DOCUMENT"]
    docs = [Document.create(r["text"], id=r["id"]) for r in records]
    n = Counter()
    for rec, a in zip(records, analyze_documents(docs, nlp=nlp)):
        obj = a.to_dict()
        for role in ("source", "target"):
            for actor in rec.get(role) or ():
                if not isinstance(actor, dict) or not actor.get("code") or not actor.get("actorText"):
                    continue
                at = rec["text"].find(actor["actorText"])
                if at < 0:
                    continue
                span = (at, at + len(actor["actorText"]))
                found = [x for x in obj["actors"] if _overlaps(x["mentions"], span)]
                code = (found[0]["code"] or "") if found else ""
                gold_code = actor["code"].upper()
                n[role] += 1
                n[role + " resolved"] += bool(found)
                n[role + " code exact"] += code == gold_code
                n[role + " country"] += bool(code) and code[:3] == gold_code[:3]
    print("Whole extractor on the GSR texts: actor codes where the gold source/target is")
    for role in ("source", "target"):
        k = max(n[role], 1)
        print(f"  {role:<7} n={n[role]:>4}  resolved {n[role + ' resolved'] / k:.1%}  "
              f"code exact {n[role + ' code exact'] / k:.1%}  same first 3 letters {n[role + ' country'] / k:.1%}")


def extractor_types(gsr, model, nlp) -> None:
    """The whole extractor's event types on the GSR texts with the held-out model: actors and
    candidates found by the extractor (not the gold spans), then the classifier and the
    CAMEO dictionary together as in a real run (events.DICTIONARY_SHARE, curated verbs)."""
    from newsgraph.extract import events as ev
    from newsgraph.extract.actors import extract_actors
    from newsgraph.ingest import document_from_text

    def root(t):
        return "YIELD" if t in ("CONCEDE", "RETREAT") else t

    n = Counter()
    documents = [document_from_text(r["text"]) for r in gsr]
    for row, document, doc in zip(gsr, documents, nlp.pipe(d.text for d in documents)):
        found = extract_actors(doc, document)
        events = ev.extract_events(doc, document, found.actors, found.places, model=model)
        n["all"] += 1
        n["none"] += not events
        n["any"] += any(root(e.type) == row["label"] for e in events)
        if events:
            top = max(events, key=lambda e: e.confidence)
            n["top"] += root(top.type) == row["label"]
    k = max(n["all"], 1)
    print(f"Whole extractor's event types on the GSR texts (held-out model, DICTIONARY_SHARE "
          f"{ev.DICTIONARY_SHARE}): an event of the gold type {n['any'] / k:.1%}, the most "
          f"confident event of the gold type {n['top'] / k:.1%}, no event {n['none'] / k:.1%}")


def written_eval(rows, views, nlp, folds: int = 5, seed: int = 13) -> None:
    """The event sentences written for newsgraph (data/training/event_sentences.tsv), each
    scored by a model that never saw it: 5-fold CV over them, every fold trained on plv_dev +
    the GSR + the other written folds (the shipped recipe); beside it, the recipe without the
    written data. What the written rows teach: verbs and constructions plv_dev lacks."""
    import train_event_types as tr
    from newsgraph.extract import event_types as et
    from sklearn.model_selection import StratifiedKFold

    if not tr.WRITTEN.is_file():
        print(f"\nskipped written: {tr.WRITTEN} is absent")
        return
    written = tr.read_written()
    wviews = tr.views_for(written, nlp)
    wgold = [r["label"] for r in written]
    gsr = tr.read_gsr()
    base_v = views + tr.views_for(gsr, nlp)
    base_l = [r["label"] for r in rows] + [r["label"] for r in gsr]
    base_w = [1.0] * len(rows) + [tr.extra_weight(tr.RECIPE, "gsr")] * len(gsr)
    config, weights = tr.fit(base_v, base_l, tr.RECIPE, sample_weight=np.array(base_w))
    without = et.EventTypeModel.from_parts(config, weights)
    pred_without = [without.labels[int(p.argmax())] for p in without.proba(wviews)[0]]
    pred_with = [None] * len(written)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(written)), wgold):
        tw = base_w + [tr.extra_weight(tr.RECIPE, "written")] * len(train)
        config, weights = tr.fit(base_v + [wviews[i] for i in train], base_l + [wgold[i] for i in train],
                                 tr.RECIPE, sample_weight=np.array(tw))
        model = et.EventTypeModel.from_parts(config, weights)
        for i, p in zip(test, model.proba([wviews[i] for i in test])[0]):
            pred_with[i] = model.labels[int(p.argmax())]
    print(f"\nWritten event sentences ({len(written)}), each scored by a model that never saw it:")
    for name, pred in (("shipped recipe (other written folds in training)", pred_with),
                       ("recipe without the written data", pred_without)):
        acc = sum(g == p for g, p in zip(wgold, pred)) / len(wgold)
        print(f"  {name:<50} accuracy {acc:.3f}, root macro-F1 {macro_f1(wgold, pred):.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="PLOVER event-type accuracy on plv_dev")
    ap.add_argument("--model", choices=("cv", "shipped"), default="cv",
                    help="cv: cross-validate the shipped recipe (default); shipped: the shipped weights")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--extractor", action="store_true",
                    help="also run the whole document extractor on each sentence and report how often "
                         "its events' actor/recipient match the marked source/target")
    ap.add_argument("--gsr", action="store_true",
                    help="also evaluate on plover_gsr_cameo.json, held out (recipe trained on plv_dev only), "
                         "and the whole extractor's actor codes there")
    ap.add_argument("--written", action="store_true",
                    help="also score the sentences written for newsgraph (data/training), each by a "
                         "model that never saw it")
    ap.add_argument("--no-extra", action="store_true",
                    help="cross-validate the recipe without its extra training data (plv_dev only)")
    ap.add_argument("--encoder-layers", type=int, choices=range(1, 7), metavar="K",
                    help="run the recipe with the encoder cut after K layers (1-6) instead of "
                         "the recipe's own (to compare depths)")
    ap.add_argument("--dictionary-share", type=float, default=None, metavar="X",
                    help="with --gsr: the whole extractor's types with events.DICTIONARY_SHARE = X")
    args = ap.parse_args(argv)
    if not PLV.is_file():
        print(f"skipped: {PLV} is absent (the shared data lies beside the repository)")
        return 0
    import train_event_types as tr
    from newsgraph.extract import event_types as et
    from newsgraph.nlp import load_nlp
    if args.encoder_layers:
        tr.RECIPE["encoder_layers"] = args.encoder_layers   # every evaluation below uses it
    if args.dictionary_share is not None:
        from newsgraph.extract import events as ev
        ev.DICTIONARY_SHARE = args.dictionary_share

    t0 = time.time()
    rows = tr.read_plv(PLV)
    nlp = load_nlp()
    views = tr.views_for(rows, nlp)
    gold = [r["label"] for r in rows]
    gold_quad = [int(r["gold_penta"]) for r in rows]
    found = Counter((r["source_span"] is not None, r["target_span"] is not None) for r in rows)
    print(f"plv_dev: {len(rows)} sentences; marked source in {found[(True, True)] + found[(True, False)]}, "
          f"target in {found[(True, True)] + found[(False, True)]} (gold spans; this evaluation "
          "does not find actors)")
    if args.model == "shipped":
        model = et.shipped_model()
        probs, gated = model.proba(views)
        preds = et.predictions(model, views, probs)
        pred = [et.root_of(p) for p in preds]
        title = ("SHIPPED model on plv_dev. NOT a fair estimate: the shipped model was trained on "
                 "these very sentences;\nsee the cross-validated figures (run without --model).")
    else:
        try:
            import sklearn  # noqa: F401
        except ImportError:
            print("skipped: cross-validation needs scikit-learn (pip install -e '.[train]')")
            return 0
        recipe = dict(tr.RECIPE, extra=[]) if args.no_extra else tr.RECIPE
        pred, gated, stages = cross_validate(rows, views, args.folds, args.seed, recipe)
        title = (f"{args.folds}-fold cross-validation (stratified, grouped by sentence, seed {args.seed}) "
                 f"of the shipped recipe{' WITHOUT its extra data' if args.no_extra else ''}: {recipe}")
    report(title, gold, pred, gold_quad)
    if gated.any():
        print(f"\n  typed by the lexical gate alone (no encoder): {gated.mean():.1%} of the pairs "
              f"(accuracy there {np.mean([g == p for g, p, s in zip(gold, pred, gated) if s]):.3f})")
    if args.model == "cv" and stages["gate"][0] is not None:
        gate_sweep(gold, gold_quad, stages)
    if args.extractor:
        extractor_eval(rows, nlp)
    if args.gsr:
        gsr_eval(rows, views, nlp)
    if args.written:
        written_eval(rows, views, nlp)
    print(f"\n({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
