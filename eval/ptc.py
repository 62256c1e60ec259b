"""Propaganda detection on the real gold data (PTC, SemEval-2020 Task 11, 308 articles).

    .venv/bin/python eval/ptc.py                          # 5-fold cross-validation by article
    .venv/bin/python eval/ptc.py --cache /tmp/ptc-enc     # reuse encoder outputs between runs
    .venv/bin/python eval/ptc.py --cache /tmp/ptc-enc --encoder-layers 3   # encoder cut after 3 layers
    .venv/bin/python eval/ptc.py --cache /tmp/ptc-enc --tc-encoder-layers 6   # TC on another layer of the pass
    .venv/bin/python eval/ptc.py --cache /tmp/ptc-enc --si-head mlp   # propaganda/0.3's SI head

The shipped recipe fine-tunes a tagger (RECIPE["si_head"] "tagger") and needs PyTorch:
`.venv/bin/pip install torch==2.13.0` (about 40 minutes on two cores: five trainings).

Reads ../shared/data/claims/ptc (relative to the repository) and skips with a message where
it is absent. Needs scikit-learn (the `train` extra), and PyTorch for the tagger.

Cross-validation: 5 folds by article (shuffled with a fixed seed); on each fold the model is
trained on the other four with exactly the recipe of scripts/train_propaganda.py (``fit``,
including its gate and threshold tuning on an inner hold-out of the training articles only)
and applied to the held-out articles.

Printed:
- SI (span identification): precision, recall and F1 with partial overlap as in SemEval-2020
  Task 11 (``train_propaganda.si_scores``; gold spans of all techniques merged per article).
- The lexical gate's cost: SI for the shipped gate share (RECIPE["gate_share"], the main
  figures), no gate (every sentence encoded) and the shares of GATE_SWEEP, each with the
  fold's head and with the gate threshold and decoding re-tuned on the fold's inner hold-out.
- TC (technique classification): micro-F1 (= accuracy) of the technique predicted for each
  gold span, 14 classes, and precision/recall/F1 per technique.
- Baselines for orientation: SI flagging every sentence holding a word of the loaded-language
  lexicon; TC always answering the most frequent training technique.

Depths: ``--encoder-layers K`` sets the span identification's depth (RECIPE["encoder_layers"]),
``--tc-encoder-layers K`` the technique classifier's (RECIPE["tc_encoder_layers"]; where
neither the recipe nor the option sets it, it follows the span identification's). Both hold for
the whole evaluation; the header names both encoders.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

PTC = ROOT.parent / "shared" / "data" / "claims" / "ptc"
FOLDS = 5
SEED = 13
GATE_SWEEP = (0.45, 0.3)   # gate shares printed beside the shipped one (0.6) and no gate


def folds_by_article(n: int, k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    order = np.random.RandomState(seed).permutation(n)
    return [order[i::k] for i in range(k)]


def lexicon_baseline(arts) -> dict:
    from newsgraph import propaganda as pg
    lex = pg.load_lexicon()
    pred = {}
    for a in arts:
        spans = []
        for s, e, toks, _ in a["chunks"]:
            if any(pg.in_lexicon(a["text"][x:y], lex) for x, y in toks):
                spans.append((s, e))
        pred[a["id"]] = spans
    return pred


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=PTC)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=FOLDS)
    ap.add_argument("--encoder-layers", type=int, choices=range(1, 7), metavar="K",
                    help="run the recipe with the encoder cut after K layers (1-6) instead of "
                         "the recipe's own (to compare depths); technique classification keeps the "
                         "recipe's own depth where it has one (RECIPE['tc_encoder_layers'])")
    ap.add_argument("--tc-encoder-layers", type=int, choices=range(1, 7), metavar="K",
                    help="technique classification on the output of layer K (1-6) of the same "
                         "encoder pass instead of the recipe's own (to compare depths)")
    ap.add_argument("--si-head", choices=("tagger", "mlp", "logreg"),
                    help="span identification by another head than the recipe's (RECIPE['si_head'])")
    args = ap.parse_args(argv)
    if not (args.data / "articles").is_dir():
        print(f"skipped: the PTC data is absent ({args.data})")
        return 0
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*converge.*")
    import train_propaganda as tp
    from newsgraph import propaganda as pg
    from newsgraph.embed import model_id
    if args.encoder_layers:
        tp.RECIPE["encoder_layers"] = args.encoder_layers   # every evaluation below uses it
    if args.tc_encoder_layers:
        tp.RECIPE["tc_encoder_layers"] = args.tc_encoder_layers
    if args.si_head:
        tp.RECIPE["si_head"] = args.si_head
    if tp.RECIPE["si_head"] == "tagger" and args.encoder_layers:
        ap.error("the tagger tunes the layers above the TC depth: set --tc-encoder-layers instead")
    layers = tp.si_layers(tp.RECIPE)
    tc_layers = tp.tc_layers(tp.RECIPE)

    t0 = time.time()
    arts = tp.load_ptc(args.data)
    tp.encode_articles(arts, args.cache, log=None, layers=layers, tc_layers_=tc_layers)
    tagged = tp.RECIPE["si_head"] == "tagger"
    if tagged:
        tp.encode_pieces(arts, tc_layers, args.cache, log=None)
    for a in arts:
        tp.prepare(a)
    tcr = {a["id"]: tp.tc_rows(a) for a in arts}
    print(f"PTC: {len(arts)} articles, {sum(len(a['spans']) for a in arts)} gold spans, "
          f"{sum(len(a['y']) for a in arts)} tokens; SI {tp.RECIPE['si_head']} on {model_id(layers)} ({layers} layers), "
          f"TC on {model_id(tc_layers)} ({tc_layers} layers); "
          f"features in {time.time() - t0:.0f} s")
    gold = {a["id"]: tp.merge_spans((s, e) for _, s, e in a["spans"]) for a in arts}
    shipped_share = tp.RECIPE["gate_share"]
    shares = sorted({1.0, shipped_share, *GATE_SWEEP}, reverse=True)
    pred: dict = {}
    sweep = {sh: {"pred": {}, "kept": 0, "total": 0} for sh in shares}
    tc_true, tc_pred, tc_base = [], [], []
    for k, test_idx in enumerate(folds_by_article(len(arts), args.folds)):
        t1 = time.time()
        test_set = set(int(i) for i in test_idx)
        train = [a for i, a in enumerate(arts) if i not in test_set]
        test = [arts[i] for i in sorted(test_set)]
        inner_out: dict = {}
        config, weights = tp.fit(train, log=None, inner_out=inner_out)
        tagger = inner_out.get("tagger")
        gp = dict(inner_out["gate"])
        gp.update(tp.gate_probs(weights, test))
        inner = inner_out["inner"]
        for sh in shares:
            if sh == shipped_share:
                gthr, (thr, gap, peak) = config["gate_threshold"], (config["threshold"], config["gap"], config["peak"])
            else:   # the same head, the gate threshold and decoding re-tuned on the same inner hold-out
                gthr = tp.share_threshold(inner, gp, sh)
                keeps = [gp[a["id"]] >= gthr for a in inner]
                thr, gap, peak, _ = tp.tune_decoding(
                    inner, [tp.si_probs(weights, a, gp[a["id"]], kp, tagger) for a, kp in zip(inner, keeps)], keeps)
            for a in test:
                keep = gp[a["id"]] >= gthr
                p = tp.si_probs(weights, a, gp[a["id"]], keep, tagger)
                sweep[sh]["pred"][a["id"]] = tp.decode_article(a, p, keep, thr, gap, peak, config["min_tokens"])
                sweep[sh]["kept"] += int(a["sizes"][keep].sum())
                sweep[sh]["total"] += int(a["sizes"].sum())
        for a in test:
            pred[a["id"]] = sweep[shipped_share]["pred"][a["id"]]
            F, y = tcr[a["id"]]
            if len(y):
                tc_true.extend(y.tolist())
                tc_pred.extend(np.argmax(pg.forward(weights, "tc.", F), axis=1).tolist())
        majority = Counter(int(v) for a in train for v in tcr[a["id"]][1]).most_common(1)[0][0]
        tc_base.extend([majority] * sum(len(tcr[a["id"]][1]) for a in test))
        fp, fr, ff = tp.si_scores({a["id"]: pred[a["id"]] for a in test}, {a["id"]: gold[a["id"]] for a in test})
        print(f"fold {k + 1}: gate {config['gate_threshold']:.3f} threshold {config['threshold']} gap {config['gap']} "
              f"peak {config['peak']} SI P {fp:.3f} R {fr:.3f} F1 {ff:.3f} ({time.time() - t1:.0f} s)", flush=True)

    p, r, f = tp.si_scores(pred, gold)
    bp, br, bf = tp.si_scores(lexicon_baseline(arts), gold)
    tc_true, tc_pred = np.array(tc_true), np.array(tc_pred)
    micro = float((tc_true == tc_pred).mean())
    base_micro = float((tc_true == np.array(tc_base)).mean())
    print()
    print(f"{args.folds}-fold cross-validation by article, {len(arts)} articles")
    print(f"SI  (partial overlap)   P {p:.3f}  R {r:.3f}  F1 {f:.3f}   "
          f"[{sum(len(v) for v in pred.values())} predicted / {sum(len(v) for v in gold.values())} gold spans]")
    print(f"SI  baseline (sentences with a lexicon word)  P {bp:.3f}  R {br:.3f}  F1 {bf:.3f}")
    print(f"\n  lexical gate sweep (same folds and head; gate threshold and decoding tuned on the inner hold-out)")
    print(f"  {'gate share':<16} {'tokens encoded':>15} {'SI P':>6} {'R':>6} {'F1':>6}")
    for sh in shares:
        sp, sr, sf = tp.si_scores(sweep[sh]["pred"], gold)
        name = "no gate" if sh >= 1.0 else f"{sh:.2f}" + (" (shipped)" if sh == shipped_share else "")
        print(f"  {name:<16} {sweep[sh]['kept'] / max(1, sweep[sh]['total']):>15.1%} {sp:6.3f} {sr:6.3f} {sf:6.3f}")
    print()
    print(f"TC  micro-F1 on gold spans {micro:.3f}   baseline (majority class) {base_micro:.3f}")
    print()
    print(f"{'technique':40s} {'n':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for c, name in enumerate(pg.TECHNIQUES):
        tp_ = int(((tc_pred == c) & (tc_true == c)).sum())
        npred, ngold = int((tc_pred == c).sum()), int((tc_true == c).sum())
        cp = tp_ / npred if npred else 0.0
        cr = tp_ / ngold if ngold else 0.0
        cf = 2 * cp * cr / (cp + cr) if cp + cr else 0.0
        print(f"{name:40s} {ngold:5d} {cp:6.3f} {cr:6.3f} {cf:6.3f}")
    print(f"\ntotal {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
