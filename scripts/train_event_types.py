"""Build the event-type model in src/newsgraph/data/models/event_type/ from the shared data.

    .venv/bin/python scripts/train_event_types.py            # table + weights (about 1 minute)
    .venv/bin/python scripts/train_event_types.py --table    # only cameo_verbs.tsv

Needs the `train` extra (scikit-learn) and ../shared/data/events (relative to the repository).
Steps, all deterministic (SEED):

1. ``cameo_verbs.tsv``: the PETRARCH-2 verb dictionary (CAMEO.2.0.txt, MIT) as a table of
   verb lemma, CAMEO code, PLOVER type (cameo2plover.txt, CC BY-SA 4.0), pre-verb and
   post-verb noun slots.
2. The training rows: plv_dev (1,050 sentences with marked source and target, research
   use), plus the extra sets named in RECIPE["extra"].
3. Features (``newsgraph.extract.event_types.build_features``) and the head named in
   RECIPE, trained with scikit-learn; its weights are exported to ``weights.npz`` and the
   forward pass at run time is numpy only.

``eval/plv.py`` cross-validates exactly this recipe (``fit`` below) and prints the figures
that MODEL_CARD.md reports.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsgraph.embed import model_id  # noqa: E402
from newsgraph.extract import event_types as et  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "events"
PLV = SHARED / "plv_dev.tsv"
CAMEO_DICT = SHARED / "dictionaries" / "CAMEO.2.0.txt"
CAMEO2PLOVER = SHARED / "cameo2plover.txt"
GSR = SHARED / "plover_gsr_cameo.json"
CAMEO_CODES = SHARED / "cameo_codes.csv"
OUT = ROOT / "src" / "newsgraph" / et.MODEL_DIR
SEED = 13

# The shipped recipe (eval/plv.py cross-validates this one).
RECIPE = {
    # the encoder: all-MiniLM-L6-v2 cut after its third layer (newsgraph.embed, layers=3); in
    # cross-validation as good as all six layers (eval/plv.py) at half the encoder's time
    "encoder_layers": 3,
    # embedded texts (PairView fields): the sentence with the source and target masked (A, B)
    "texts": ["masked"],
    # contextual vectors of the predicate, A and B in the masked sentence (same encoder pass)
    "span_vectors": ["masked"],
    # one-hot lexical blocks (see event_types.lexical_items)
    "lexical": ["predicate", "cameo", "path", "frame", "cameo_votes"],
    "min_count": 2,            # lexical items seen fewer times in training are dropped
    "head": "logreg",          # logreg | mlp
    "C": 0.1,                  # inverse L2 strength of the logistic regression
    "hidden": 256,             # mlp only
    "alpha": 1e-3,             # mlp only
    "extra": ["gsr", "written"],  # extra training sets (EXTRA_READERS): gsr, written, cameo_examples, ngec
    "extra_weight": {"gsr": 0.5, "written": 0.25},  # sample weight of an extra row (plv_dev: 1)
    # the cascade's first stage: the same lexical blocks without the encoder (logistic
    # regression, C); its answer stands where its top probability reaches the threshold
    # and only the other pairs are embedded (eval/plv.py --gate-sweep compares thresholds)
    "gate": {"C": 0.1, "threshold": 0.7},
}


# ------------------------------------------------------------------ CAMEO dictionary

def cameo_to_plover(path: Path = CAMEO2PLOVER) -> dict[str, str]:
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        code, rest = line.split(":", 1)
        plover = rest.split(",")[0].strip()
        if code.strip().isdigit() and plover:
            table.setdefault(code.strip(), plover)
    # CAMEO 02 (appeal) is a request in PLOVER; 01 (public statement) is no event.
    table.setdefault("02", "REQUEST")
    return table


def plover_of(code: str, table: dict[str, str]) -> str:
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return ""


def _plurals(word: str, plural: bool) -> list[str]:
    if not plural or " " in word:
        return [word]
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return [word, word[:-1] + "ies"]
    if word.endswith("ss"):
        return [word, word + "es"]
    return [word, word + "s"]


def read_cameo_dictionary(path: Path = CAMEO_DICT):
    """-> (synsets, blocks): blocks are (block code, [(verb, own code, extra words)], [patterns]),
    a pattern being (pre slots, post slots, code)."""
    synsets: dict[str, list[str]] = {}
    blocks = []
    current_syn = None
    in_verbs = False
    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if raw.startswith("####### VERB PATTERNS"):
            in_verbs = True
            current_syn = None
            continue
        if not line.strip():
            current_syn = None
            continue
        if not in_verbs:
            if line.startswith("&"):
                current_syn = line.strip()
                synsets[current_syn.rstrip("_")] = []
                synsets[current_syn.rstrip("_")].append("<noplural>" if current_syn.endswith("_") else "<plural>")
            elif line.startswith("+") and current_syn:
                synsets[current_syn.rstrip("_")].append(line[1:].strip())
            continue
        if line.startswith("---"):
            m = re.search(r"\[([^\]]*)\]", line)
            blocks.append((m.group(1).strip() if m else "---", [], []))
            continue
        if line.startswith("~") or not blocks:
            continue
        if line.startswith("-"):
            m = re.search(r"\[([^\]]*)\]", line)
            if not m:
                continue
            body = line[1:m.start()].strip()
            if "*" not in body:
                continue
            pre, post = body.split("*", 1)
            blocks[-1][2].append((_slots(pre, synsets), _slots(post, synsets), m.group(1).strip()))
            continue
        # a verb line: WORD {forms} [code] or +ASK_FOR {...} [code] or WIRE_+TAP
        m = re.search(r"\[([^\]]*)\]", line)
        code = m.group(1).strip() if m else ""
        head = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", line).strip()
        if not head:
            continue
        parts = head.split()[0].lower().split("_")
        verb_idx = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
        verb = parts[verb_idx].lstrip("+")
        extra_pre = [p.lstrip("+") for p in parts[:verb_idx] if p]
        extra_post = [p.lstrip("+") for p in parts[verb_idx + 1:] if p]
        blocks[-1][1].append((verb, code, extra_pre, extra_post))
    return synsets, blocks


def synset_words(name: str, synsets) -> list[str]:
    entries = synsets.get(name, [])
    plural = not entries or entries[0] != "<noplural>"
    alts = []
    for e in entries[1:]:
        w = e.lower().replace("_", " ").split()[-1] if e.strip("_") else ""
        if w:
            alts += _plurals(w, plural and not e.endswith("_"))
    return list(dict.fromkeys(alts))


def _slot_alternatives(word: str, synsets) -> list[str]:
    word = word.strip("{}()")
    if word.startswith("&"):
        return [word.lower()] if word in synsets else []
    w = word.lower()
    return _plurals(w, True) if w.isalpha() else []


def _slots(text: str, synsets) -> list[list[str]]:
    """Noun slots of one side of a pattern: the head word of each noun phrase and each
    preposition; actor markers ($ + % ^) and empty phrases are skipped."""
    slots = []
    for group in re.findall(r"\([^)]*\)|\{[^}]*\}|\S+", text):
        if group.startswith("("):
            inner = group[1:-1].split(None, 1)
            if inner:
                slots.append([inner[0].lower()])
                if len(inner) > 1:
                    words = re.findall(r"\{[^}]*\}|\S+", inner[1])
                    for w in words:
                        head = w.strip("{}").split()[-1] if w.strip("{}").split() else ""
                        alts = _slot_alternatives(head, synsets) if head and head[0] not in "$+%^" else []
                        if alts:
                            slots.append(alts)
            continue
        head = group.strip("{}").split()[-1] if group.strip("{}").split() else ""
        if not head or head[0] in "$+%^":
            continue
        alts = _slot_alternatives(head, synsets)
        if alts:
            slots.append(alts)
    return slots


def build_cameo_table(out: Path = OUT / et.CAMEO_FILE) -> int:
    table = cameo_to_plover()
    synsets, blocks = read_cameo_dictionary()
    lines: list[str] = []
    n_patterns = 0

    def coded(code: str) -> tuple[str, str]:
        code = next((c.strip() for c in code.split(":") if c.strip() and c.strip() != "---"), "")
        if not code.isdigit():
            return "", ""
        plover = plover_of(code, table)
        return (code, plover) if plover else ("", "")

    def slots(parts) -> str:
        return " ".join("|".join(dict.fromkeys(s)) for s in parts)

    for b, (block_code, verbs, patterns) in enumerate(blocks):
        seen = set()
        for pre, post, code in patterns:
            code, plover = coded(code)
            key = (slots(pre), slots(post))
            if not plover or key in seen:   # the dictionary's first pattern for the same words wins
                continue
            seen.add(key)
            lines.append(f"@{b}\t{code}\t{plover}\t{key[0]}\t{key[1]}")
            n_patterns += 1
        for verb, own, extra_pre, extra_post in verbs:
            code, plover = coded(own or block_code)
            lines.append(f"{verb}\t{code}\t{plover}\t{' '.join(extra_pre)}\t{' '.join(extra_post)}\t@{b}")
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# cameo_verbs.tsv: verb lemma -> CAMEO code -> PLOVER type, with the noun slots a pattern needs.\n"
        "# Derived by scripts/train_event_types.py from the PETRARCH-2 verb dictionary CAMEO.2.0.txt\n"
        "# (openeventdata/petrarch2 @676801c, MIT License, Copyright (c) 2015 Open Event Data Alliance)\n"
        "# and the CAMEO->PLOVER table cameo2plover.txt (openeventdata/PLOVER @5e0c24f, CC BY-SA 4.0;\n"
        "# this table is shared under the same licence). CAMEO 02x (appeal) -> REQUEST; 01x dropped.\n"
        "# Rows: '&name<TAB>words' a synonym set (words |-separated);\n"
        "#   '@block<TAB>code<TAB>plover<TAB>pre-verb slots<TAB>post-verb slots' a pattern of a verb block;\n"
        "#   'verb<TAB>code<TAB>plover<TAB>extra pre words<TAB>extra post words<TAB>@block' a verb of a block,\n"
        "#   with its own code (empty: none) and the words of a multi-word verb (ask_for: 'for').\n"
        "# Slots are space-separated, alternatives within a slot |-separated; a verb gets every pattern of\n"
        "# its block (with its extra words added) and the most specific match wins.\n")
    used = sorted({a for ln in lines if ln.startswith("@") for part in ln.split("\t")[3:5]
                   for slot in part.split() for a in slot.split("|") if a.startswith("&")})
    with out.open("w", encoding="utf-8") as f:
        f.write(header)
        for name in used:
            f.write(name + "\t" + "|".join(synset_words(name.upper(), synsets)) + "\n")
        for ln in lines:
            f.write(ln + "\n")
    et.cameo_verbs.cache_clear()
    return n_patterns


# ------------------------------------------------------------------ data

def read_plv(path: Path = PLV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for r in rows:
        text, sources, targets = et.parse_marked(r["marked_sentence"])
        r["text"] = text
        r["source_span"] = sources[0] if sources else None
        r["target_span"] = targets[0] if targets else None
        r["label"] = r["gold_root"]
    return rows


def views_for(rows: list[dict], nlp) -> list[et.PairView]:
    docs = nlp.pipe([r["text"] for r in rows], batch_size=64)
    views = []
    for r, doc in zip(rows, docs):
        _, pair = et.view_marked(nlp, r["text"], r["source_span"], r["target_span"], doc=doc)
        views.append(et.view_pair(doc, pair))
    return views


_OLD_NAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT",
              "INVESTIGATE": "ACCUSE", "CONCEDE": "YIELD", "RETREAT": "YIELD"}


def read_gsr(path: Path = GSR) -> list[dict]:
    """PLOVER gold standard records (CAMEO manual examples), CC BY-SA 4.0."""
    out = []
    for rec in json.loads(path.read_text(encoding="utf-8")):
        ev = rec.get("event", "")
        text = rec.get("text") or ""
        label = _OLD_NAMES.get(ev, ev)
        if label not in et.QUAD or not text:
            continue

        def span(key):
            for actor in rec.get(key) or ():
                if not isinstance(actor, dict):
                    continue
                name = actor.get("actorText") or ""
                at = text.find(name) if name else -1
                if at >= 0:
                    return (at, at + len(name))
            return None

        out.append({"text": text, "label": label,
                    "source_span": span("source"), "target_span": span("target")})
    return out


def read_cameo_examples(path: Path = CAMEO_CODES) -> list[dict]:
    """Example sentences of the CAMEO manual (cameo_codes.csv, MIT), labelled by cameo2plover."""
    table = cameo_to_plover()
    out = []
    with path.open(encoding="cp1252", errors="replace", newline="") as f:
        for r in csv.DictReader(f):
            ex = (r.get("example") or "").strip()
            if not ex or ex == "NA":
                continue
            label = plover_of(r["code"].strip(), table)
            label = _OLD_NAMES.get(label, label)
            if label in et.QUAD:
                out.append({"text": ex, "label": label, "source_span": None, "target_span": None})
    return out


NGEC = SHARED / "ngec_synthetic_events.csv.zip"
_FIRST_SENTENCE = re.compile(r"^(.{20,400}?[.!?])(?:\s+[A-Z\"]|\s*$)", re.S)


def read_ngec(path: Path = NGEC, per_label: int = 120) -> list[dict]:
    """First sentences of NGEC's LLM-written synthetic stories (research use), labelled with
    the story's PLOVER pseudo-label; ``per_label`` per type, evenly spaced through the file
    (which is ordered by type and mode)."""
    import io
    import zipfile
    by_label: dict[str, list[dict]] = {}
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith(".csv"))
        with z.open(name) as f:
            for r in csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")):
                label = _OLD_NAMES.get(r["label"], r["label"])
                text = " ".join(r["text"].split())
                m = _FIRST_SENTENCE.match(text)
                if label in et.QUAD and m:
                    by_label.setdefault(label, []).append(
                        {"text": m.group(1), "label": label, "source_span": None, "target_span": None})
    out = []
    for label in sorted(by_label):
        items = by_label[label]
        step = max(1, len(items) / per_label)
        out += [items[int(i * step)] for i in range(min(per_label, len(items)))]
    return out


WRITTEN = ROOT / "data" / "training" / "event_sentences.tsv"


def read_written(path: Path = WRITTEN, with_none: bool = False) -> list[dict]:
    """Sentences written for newsgraph (data/training/event_sentences.tsv, MIT): a marked pair
    and its PLOVER type (CONCEDE and RETREAT count as YIELD, as in plv_dev); with
    ``with_none`` also the rows labelled NONE, pairs that are no political event."""
    out = []
    with path.open(encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            text, sources, targets = et.parse_marked(r["marked_sentence"])
            label = _OLD_NAMES.get(r["label"], r["label"])
            if label == "NONE" and not with_none:
                continue
            out.append({"text": text, "label": label, "source_span": sources[0] if sources else None,
                        "target_span": targets[0] if targets else None})
    return out


EXTRA_READERS = {"gsr": read_gsr, "cameo_examples": read_cameo_examples, "ngec": read_ngec,
                 "written": read_written,
                 # the written rows with their 105 NONE ("no event") rows: tried, not shipped
                 # (MODEL_CARD.md)
                 "written_none": lambda: read_written(with_none=True)}


# ------------------------------------------------------------------ training

def extra_weight(recipe: dict, name: str) -> float:
    w = recipe["extra_weight"]
    return float(w[name] if isinstance(w, dict) else w)


def make_vocab(views, names, min_count):
    vocab = {}
    for name in names:
        c = Counter(w for v in views for w in et.lexical_items(v, name))
        vocab[name] = sorted(w for w, n in c.items() if n >= min_count)
    return vocab


def fit(views, labels, recipe=RECIPE, encode=None, sample_weight=None, X=None):
    """Train the head on views (and the lexical gate where the recipe names one); returns
    (config, weights). ``X`` may be given precomputed (it must then come from
    ``features(views, config)`` with the returned vocabulary)."""
    config, weights = _fit_one(views, labels, recipe, encode, sample_weight, X)
    if recipe.get("gate"):
        gate_recipe = dict(recipe, texts=[], span_vectors=[], head="logreg", C=recipe["gate"]["C"])
        gconfig, gweights = _fit_one(views, labels, gate_recipe, None, sample_weight, None)
        del gconfig["encoder"]
        gconfig["threshold"] = recipe["gate"]["threshold"]
        config["gate"] = gconfig
        weights.update({f"gate.{k}": v for k, v in gweights.items()})
    return config, weights


def _fit_one(views, labels, recipe, encode=None, sample_weight=None, X=None):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    vocab_lists = make_vocab(views, recipe["lexical"], recipe["min_count"])
    labels_sorted = sorted(set(labels))
    config = {"labels": labels_sorted, "texts": list(recipe["texts"]),
              "span_vectors": list(recipe.get("span_vectors", [])),
              "lexical": list(recipe["lexical"]), "vocab": vocab_lists,
              "encoder": model_id(recipe.get("encoder_layers", 6)), "head": recipe["head"]}
    vocab = {n: {w: i for i, w in enumerate(ws)} for n, ws in vocab_lists.items()}
    if X is None:
        X = et.build_features(views, config, vocab, encode)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    Z = (X - mean) / scale
    y = np.array([labels_sorted.index(l) for l in labels])
    if recipe["head"] == "mlp":
        clf = MLPClassifier(hidden_layer_sizes=(recipe["hidden"],), alpha=recipe["alpha"],
                            max_iter=300, early_stopping=False, random_state=SEED)
        if sample_weight is not None:
            clf.fit(Z, y, sample_weight=sample_weight)
        else:
            clf.fit(Z, y)
        weights = {"W1": clf.coefs_[0], "b1": clf.intercepts_[0],
                   "W2": clf.coefs_[1], "b2": clf.intercepts_[1]}
    else:
        clf = LogisticRegression(C=recipe["C"], max_iter=3000, random_state=SEED)
        clf.fit(Z, y, sample_weight=sample_weight)
        weights = {"W": clf.coef_.T, "b": clf.intercept_}
    weights = {k: v.astype(np.float32) for k, v in weights.items()}
    weights["mean"] = mean.astype(np.float32)
    weights["scale"] = scale.astype(np.float32)
    return config, weights


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", action="store_true", help="only rebuild cameo_verbs.tsv")
    args = ap.parse_args(argv)
    if not PLV.is_file():
        print(f"skipped: {PLV} is absent (the shared data sits beside the repository)")
        return 0
    n = build_cameo_table()
    print(f"cameo_verbs.tsv: {n} patterns")
    if args.table:
        return 0
    from newsgraph.nlp import load_nlp
    nlp = load_nlp()
    rows = read_plv()
    views = views_for(rows, nlp)
    labels = [r["label"] for r in rows]
    weight = None
    weights_list = [1.0] * len(rows)
    for name in RECIPE["extra"]:
        extra = EXTRA_READERS[name]()
        views += views_for(extra, nlp)
        labels += [r["label"] for r in extra]
        weights_list += [extra_weight(RECIPE, name)] * len(extra)
    if RECIPE["extra"]:
        weight = np.array(weights_list)
    config, weights = fit(views, labels, RECIPE, sample_weight=weight)
    config["trained_on"] = {"plv_dev": len(rows), **{n: sum(1 for _ in EXTRA_READERS[n]()) for n in RECIPE["extra"]}}
    config["recipe"] = RECIPE
    config["seed"] = SEED
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / et.CONFIG_FILE).write_text(json.dumps(config, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    np.savez_compressed(OUT / et.WEIGHTS_FILE, **weights)
    size = (OUT / et.WEIGHTS_FILE).stat().st_size
    print(f"weights.npz: {size / 1e6:.2f} MB; labels {config['labels']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
