"""The propaganda detector: the shipped model on hand-written sentences, and the SI metric."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from newsgraph import propaganda as pg
from newsgraph.errors import NewsgraphError

ROOT = Path(__file__).resolve().parent.parent

LOADED = ("These treacherous thugs and corrupt traitors are destroying our great nation! "
          "Only a coward would stand by while this evil, disgusting regime of lunatics "
          "lies to us again and again!\n"
          "Wake up, patriots! The radical mob will never stop until everything we love is gone!")
DRY = "The committee met on Tuesday and approved the budget for the 2024 fiscal year."


def _train_module():
    spec = importlib.util.spec_from_file_location("train_propaganda", ROOT / "scripts" / "train_propaganda.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_propaganda", mod)
    spec.loader.exec_module(mod)
    return mod


needs_model = pytest.mark.skipif(not (pg.MODEL_DIR / pg.WEIGHTS_FILE).is_file(),
                                 reason="the propaganda model is not built")


@needs_model
def test_shipped_model_loads():
    model = pg.shipped_model()
    assert model.techniques == pg.TECHNIQUES
    assert 0.0 < model.config["threshold"] < 1.0
    assert 0.0 < model.config["gate_threshold"] < 1.0 and model.gate_index
    # span identification: the fine-tuned tagger over the layers above the one TC reads
    assert model.is_tagger and model.weights[pg.TAGGER + "head.weight"].shape == (pg.DIM, 1)
    tuned = {k.split(".")[4] for k in model.weights if k.startswith(pg.TAGGER + "encoder.layer.")}
    assert tuned == {str(k) for k in range(model.tc_layers, 6)}


@needs_model
def test_signals_quote_the_text_exactly():
    signals = pg.detect(LOADED)
    assert signals, "a text heavy with loaded language gets at least one signal"
    for s in signals:
        assert set(s) == {"technique", "start", "end", "text", "score"}
        assert 0 <= s["start"] < s["end"] <= len(LOADED)
        assert s["text"] == LOADED[s["start"]:s["end"]]
        assert 0.0 <= s["score"] <= 1.0
        assert s["technique"] in pg.READABLE.values()


@needs_model
def test_dry_sentence_gets_fewer_signals():
    assert len(pg.detect(DRY)) < len(pg.detect(LOADED))


@needs_model
def test_given_sentences_and_offsets_into_the_text():
    text = "Intro line.\n\n" + LOADED
    first = text.index("These")
    sentences = [(0, 11), (first, text.index("\n", first))]
    signals = pg.detect(text, sentences)
    for s in signals:
        assert s["text"] == text[s["start"]:s["end"]]
    assert pg.detect("") == []
    assert pg.detect("   \n  ") == []


def test_missing_model_raises(tmp_path):
    with pytest.raises(NewsgraphError) as err:
        pg.PropagandaModel.load(tmp_path)
    assert err.value.code == "no_model"


def test_split_sentences_offsets():
    text = "First one. Second one!\n\n  Third line?  \nlast"
    spans = pg.split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third line?", "last"]


def test_lexicon():
    assert pg.in_lexicon("Treacherous") and pg.in_lexicon("thugs")
    assert not pg.in_lexicon("budget")


def test_si_metric_exact_partial_none():
    tp = _train_module()
    # exact match
    assert tp.si_scores({"a": [(0, 10)]}, {"a": [(0, 10)]}) == pytest.approx((1.0, 1.0, 1.0))
    # partial: predicted (0, 10) against gold (5, 25): P = 5/10, R = 5/20
    p, r, f = tp.si_scores({"a": [(0, 10)]}, {"a": [(5, 25)]})
    assert (p, r) == pytest.approx((0.5, 0.25))
    assert f == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    # none
    assert tp.si_scores({"a": [(0, 5)]}, {"a": [(10, 20)]}) == (0.0, 0.0, 0.0)
    # no prediction at all, and spans of another article never count
    assert tp.si_scores({}, {"a": [(0, 5)]}) == (0.0, 0.0, 0.0)
    assert tp.si_scores({"b": [(0, 5)]}, {"a": [(0, 5)]}) == (0.0, 0.0, 0.0)
    # two predictions, one exact and one wrong: P = 1/2, R = 1
    assert tp.si_scores({"a": [(0, 5), (8, 9)]}, {"a": [(0, 5)]})[:2] == pytest.approx((0.5, 1.0))
    # overlapping gold spans are merged first: (0, 10) + (5, 20) -> (0, 20)
    assert tp.si_scores({"a": [(0, 20)]}, {"a": [(0, 10), (5, 20)]}) == pytest.approx((1.0, 1.0, 1.0))


# ---------------------------------------------------------------- gate, pooling and decoding, by hand
def test_pool_pieces_means_overlapping_pieces():
    hidden = np.array([[9, 9], [1, 0], [3, 0], [0, 2], [5, 5], [9, 9]], np.float32)
    # [CLS] "do" "n" "'t" "ok" [SEP] against the tokens "don" (0, 3), "'t" (3, 5), "gone" (9, 13)
    offsets = [(0, 0), (0, 2), (2, 3), (3, 5), (6, 8), (0, 0)]
    special = [1, 0, 0, 0, 0, 1]
    out = pg.pool_pieces(hidden, offsets, special, [(0, 3), (3, 5), (9, 13)])
    assert out.tolist() == [[2.0, 0.0], [0.0, 2.0], [0.0, 0.0]]   # no piece: zeros
    # a piece across two tokens counts for both
    both = pg.pool_pieces(hidden, [(0, 0), (0, 4), (0, 0)], [1, 0, 1], [(0, 2), (2, 4)])
    assert both.tolist() == [[1.0, 0.0], [1.0, 0.0]]


def test_token_rows_of_kept_chunks():
    chunks = [(0, 5, [(0, 1), (2, 5)], 0), (6, 9, [(6, 9)], 1), (10, 20, [(10, 12), (13, 15), (16, 20)], 2)]
    assert pg.token_rows(chunks, [True, False, True]).tolist() == [0, 1, 3, 4, 5]
    assert pg.token_rows(chunks, [False, False, False]).tolist() == []


def test_decode_spans_gap_peak_and_edge_punctuation():
    text = "aa bb cc dd ee ff ."
    toks = [(i, i + 2) for i in range(0, 18, 3)] + [(18, 19)]
    chunks = [(0, 19, toks, 0)]
    p = np.array([0.9, 0.1, 0.8, 0.1, 0.1, 0.6, 0.7])
    # gap 1 joins aa..cc; "ff ." stays apart; the trailing "." is trimmed
    assert [(a, b) for a, b, _ in pg.decode_spans(chunks, p, 0.5, 1, text=text)] == [(0, 8), (15, 17)]
    # hysteresis: a run is kept only where one of its tokens reaches the peak
    assert [(a, b) for a, b, _ in pg.decode_spans(chunks, p, 0.5, 1, text=text, peak=0.85)] == [(0, 8)]
    assert pg.decode_spans(chunks, p, 0.95, 3, text=text) == []


def test_gate_units_words_bigrams_and_cues():
    text = "They are EVIL thugs!\nThe budget passed."
    chunks = pg.make_chunks(text)
    units, dense = pg.gate_units(text, chunks)
    assert len(units) == 2 and dense.shape == (2, pg.N_GATE_DENSE)
    assert {"w=evil", "w=thugs", "b=evil_thugs"} <= units[0]
    assert "w=!" not in units[0] and "w=budget" in units[1]
    assert dense[0, 0] > 0 and dense[1, 0] == 0       # lexicon hits
    assert dense[0, 1] == 1.0 and dense[1, 1] == 0.0  # "!"
    assert dense[0, 5] > 0                            # a word in capitals


class _CountingEncoder:
    """Stands in for the MiniLM encoder: records the texts it is asked to encode."""

    def __init__(self):
        self.seen = []

    def encode(self, texts, spans=None):
        self.seen.extend(texts)
        sent = np.ones((len(texts), pg.DIM), np.float32) / np.sqrt(pg.DIM)
        return sent, [np.full((len(s), pg.DIM), 0.1, np.float32) for s in spans]


def _gated_model(gate_bias: float) -> pg.PropagandaModel:
    n_si, n_tc = pg.N_TOKEN_FEATURES, 4 * pg.DIM + pg.N_SPAN_LEX
    weights = {
        "gate.vocab": np.frombuffer("w=evil\nw=thugs".encode(), np.uint8).copy(),
        "gate.w": np.array([4.0, 4.0], np.float32), "gate.dense": np.zeros(pg.N_GATE_DENSE, np.float32),
        "gate.b": np.array([gate_bias], np.float32),
        "si.mean": np.zeros(n_si, np.float32), "si.scale": np.ones(n_si, np.float32),
        "si.W": np.zeros((n_si, 1), np.float32), "si.b": np.array([3.0], np.float32),   # every token in
        "tc.mean": np.zeros(n_tc, np.float32), "tc.scale": np.ones(n_tc, np.float32),
        "tc.W": np.zeros((n_tc, 14), np.float32), "tc.b": np.eye(14, dtype=np.float32)[8],  # Loaded_Language
    }
    config = {"techniques": list(pg.TECHNIQUES), "threshold": 0.5, "gap": 0, "peak": 0.0, "gate_threshold": 0.5}
    return pg.PropagandaModel(config, weights)


def test_gate_sends_only_flagged_sentences_to_the_encoder():
    text = "The budget passed on Tuesday.\nThey are evil thugs.\nThe vote was close."
    model = _gated_model(gate_bias=-2.0)   # a sentence passes with a gate word, not without
    assert (model.gate(text, pg.make_chunks(text)) >= 0.5).tolist() == [False, True, False]
    enc = _CountingEncoder()
    signals = model.detect(text, encoder=enc)
    assert enc.seen == ["They are evil thugs."]
    assert [(s["text"], s["technique"]) for s in signals] == [("They are evil thugs", "Loaded_Language")]
    assert model.gate_share([text]) == pytest.approx(5 / 16)   # 5 of 6 + 5 + 5 tokens
    # without the gate every sentence is encoded and flagged
    enc = _CountingEncoder()
    assert len(model.detect(text, encoder=enc, gate=False)) == 3 and len(enc.seen) == 3
    # a gate that passes nothing: no encoder call at all
    enc = _CountingEncoder()
    assert _gated_model(gate_bias=-20.0).detect(text, encoder=enc) == [] and enc.seen == []
    timings = {}
    model.detect(text, encoder=_CountingEncoder(), timings=timings)
    assert set(timings) == {"sentences+tokens", "gate", "encoder", "features+head", "decode+techniques"}


def test_model_of_other_features_is_refused(tmp_path):
    import json
    (tmp_path / pg.CONFIG_FILE).write_text(json.dumps({"techniques": list(pg.TECHNIQUES)}), encoding="utf-8")
    np.savez(tmp_path / pg.WEIGHTS_FILE, **{"si.mean": np.zeros(10, np.float32)})
    with pytest.raises(NewsgraphError) as err:
        pg.PropagandaModel.load(tmp_path)
    assert err.value.code == "no_model" and "rebuild" in err.value.hint


class _StandInTagger:
    """Stands in for ``embed.Tagger``: records the texts; every token's probability is 0.9 in
    a text with "evil", 0.1 elsewhere; vectors of 0.2."""

    def __init__(self):
        self.seen = []

    def tag(self, texts, spans):
        self.seen.extend(texts)
        return (np.full((len(texts), pg.DIM), 0.2, np.float32),
                [np.full((len(s), pg.DIM), 0.2, np.float32) for s in spans],
                [np.full(len(s), 0.9 if "evil" in t else 0.1, np.float32) for t, s in zip(texts, spans)])


def _tagger_model() -> pg.PropagandaModel:
    """A tagger model (as propaganda/0.4 ships) whose TC head answers Doubt for 0.2 vectors."""
    model = _gated_model(gate_bias=-2.0)
    w = model.weights
    for k in ("si.mean", "si.scale", "si.W", "si.b"):
        del w[k]
    w[pg.TAGGER + "head.weight"] = np.zeros((pg.DIM, 1), np.float32)
    w[pg.TAGGER + "head.bias"] = np.zeros(1, np.float32)
    w["tc.mean"][0], w["tc.W"][0, 5] = 0.15, 100.0    # 0.2 -> Doubt
    return model


def test_tagger_model_tags_the_gated_sentences_in_one_pass(tmp_path):
    import json
    text = "The budget passed on Tuesday.\nThey are evil thugs.\nThe thugs are evil again.\nThugs, evil."
    model = _tagger_model()
    assert model.is_tagger
    enc = _StandInTagger()
    signals = model.detect(text, encoder=enc)
    assert enc.seen == ["They are evil thugs.", "The thugs are evil again.", "Thugs, evil."]   # the gate's
    # spans from the tagger's token probabilities (threshold 0.5), techniques from its vectors
    assert [(s["text"], s["technique"], s["score"]) for s in signals] == [
        ("They are evil thugs", "Doubt", 0.9), ("The thugs are evil again", "Doubt", 0.9), ("Thugs, evil", "Doubt", 0.9)]
    # a tagger whose probabilities stay under the threshold flags nothing
    model.config["threshold"] = 0.95
    assert model.detect(text, encoder=_StandInTagger()) == []
    # saved and loaded: a tagger model; a head of the wrong shape is refused
    (tmp_path / pg.CONFIG_FILE).write_text(json.dumps(model.config), encoding="utf-8")
    np.savez(tmp_path / pg.WEIGHTS_FILE, **model.weights)
    assert pg.PropagandaModel.load(tmp_path).is_tagger
    np.savez(tmp_path / pg.WEIGHTS_FILE, **dict(model.weights, **{pg.TAGGER + "head.weight": np.zeros((10, 1))}))
    with pytest.raises(NewsgraphError) as err:
        pg.PropagandaModel.load(tmp_path)
    assert err.value.code == "no_model" and "tagger head" in err.value.message


# ---------------------------------------------------------------- two depths: SI and TC from one pass
class _TwoDepthEncoder:
    """Stands in for ``embed.get_encoder((6, 3))``: records each call; every vector of the
    depth-6 output is 0.1, of the depth-3 output 0.2."""

    depths = (6, 3)

    def __init__(self):
        self.calls = []

    def encode(self, texts, spans=None, all_depths=False):
        self.calls.append((list(texts), all_depths))
        outs = [(np.full((len(texts), pg.DIM), v, np.float32), [np.full((len(s), pg.DIM), v, np.float32) for s in spans])
                for v in (0.1, 0.2)]
        return outs if all_depths else outs[0]


def _two_depth_model() -> pg.PropagandaModel:
    """A model whose SI head flags tokens only with depth-6 vectors (0.1) and whose TC head
    answers Doubt for depth-3 vectors (0.2), Loaded_Language for depth-6 ones."""
    from newsgraph.embed import model_id
    model = _gated_model(gate_bias=-2.0)
    w = model.weights
    w["si.mean"][0], w["si.W"][0, 0], w["si.b"][:] = 0.15, -100.0, 0.0   # 0.1 -> +5, 0.2 -> -5
    w["tc.mean"][0], w["tc.W"][0, 5] = 0.15, 100.0                       # 0.2 -> Doubt, 0.1 -> Loaded
    model.config.update(encoder=model_id(6), tc_encoder=model_id(3))
    return model


def test_tc_reads_its_own_depth_from_one_pass_per_chunk():
    text = "The budget passed on Tuesday.\nThey are evil thugs.\nThe thugs are evil again."
    model = _two_depth_model()
    assert (model.layers, model.tc_layers) == (6, 3)
    enc = _TwoDepthEncoder()
    signals = model.detect(text, encoder=enc)
    # one call, both depths from it, each passed sentence once (one forward pass each)
    assert enc.calls == [(["They are evil thugs.", "The thugs are evil again."], True)]
    # SI on the depth-6 vectors (every token flagged), TC on the depth-3 ones (Doubt)
    assert [(s["text"], s["technique"]) for s in signals] == [("They are evil thugs", "Doubt"),
                                                              ("The thugs are evil again", "Doubt")]
    # the same model with one depth for both heads reads the first output only, as before
    model.config["tc_encoder"] = model.config["encoder"]
    enc = _TwoDepthEncoder()
    assert {s["technique"] for s in model.detect(text, encoder=enc)} == {"Loaded_Language"}
    assert enc.calls == [(["They are evil thugs.", "The thugs are evil again."], True)]
    # a stand-in without depths feeds both heads (the depth-6 values here)
    assert {s["technique"] for s in model.detect(text, encoder=_CountingEncoder())} == {"Loaded_Language"}


def test_two_depth_vectors_match_each_depth_alone():
    pytest.importorskip("onnxruntime")
    from newsgraph.embed import get_encoder
    text = "They are evil thugs, and they lie to us!\nThe vote was close."
    chunks = pg.make_chunks(text)
    model = _two_depth_model()
    with_counter = get_encoder((6, 3))
    calls = []
    real = with_counter.encode

    def counted(texts, **kw):
        calls.append(list(texts))
        return real(texts, **kw)

    with_counter.encode = counted
    try:
        (s6, t6), (s3, t3) = model.encode(text, chunks)   # the model's own encoder: (6, 3)
    finally:
        del with_counter.encode
    assert calls == [[text[a:b] for a, b, _, _ in chunks]]   # one pass for both depths
    for depth, (sent, tok) in ((6, (s6, t6)), (3, (s3, t3))):
        ref_sent, ref_tok = pg.encode_chunks(text, chunks, get_encoder(depth))
        np.testing.assert_allclose(sent, ref_sent, atol=1e-5)
        for a, b in zip(tok, ref_tok):
            np.testing.assert_allclose(a, b, atol=1e-5)
    assert not np.allclose(s6, s3)
    # a caller's one-depth encoder lacks the TC depth: the model runs its own two-depth encoder
    (x6, _), (x3, _) = model.encode(text, chunks, get_encoder(6))
    np.testing.assert_allclose(x3, s3, atol=1e-6)


def test_tc_encoder_is_validated(tmp_path):
    import json
    from newsgraph.embed import model_id
    model = _gated_model(gate_bias=-2.0)
    config = dict(model.config, encoder=model_id(6), tc_encoder="some-other-encoder")
    (tmp_path / pg.CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
    np.savez(tmp_path / pg.WEIGHTS_FILE, **model.weights)
    with pytest.raises(NewsgraphError) as err:
        pg.PropagandaModel.load(tmp_path)
    assert err.value.code == "no_model" and "some-other-encoder" in err.value.message
    config["tc_encoder"] = model_id(3)
    (tmp_path / pg.CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
    assert pg.PropagandaModel.load(tmp_path).tc_layers == 3
    del config["tc_encoder"]   # absent: the SI encoder's depth
    (tmp_path / pg.CONFIG_FILE).write_text(json.dumps(config), encoding="utf-8")
    assert pg.PropagandaModel.load(tmp_path).tc_layers == 6


def test_tagger_weights_are_stored_in_int8_without_changing_the_run_time_model():
    rng = np.random.RandomState(3)
    weights = {"encoder.layer.5.output.dense.weight": rng.randn(16, 4).astype(np.float32) * 0.05,
               "encoder.layer.5.output.dense.bias": rng.randn(4).astype(np.float32),
               "head.weight": np.zeros((16, 1), np.float32)}
    stored = pg.pack_tagger(weights)
    assert stored["encoder.layer.5.output.dense.weight"].dtype == np.int8
    assert stored["encoder.layer.5.output.dense.bias"].dtype == np.float32   # vectors stay float32
    back = pg.unpack_tagger(stored)
    assert set(back) == set(weights)
    w, b = weights["encoder.layer.5.output.dense.weight"], back["encoder.layer.5.output.dense.weight"]
    step = stored["encoder.layer.5.output.dense.weight" + pg.SCALE]
    assert np.all(np.abs(w - b) <= step / 2 + 1e-7)            # within half a step per column
    assert np.array_equal(np.abs(stored["encoder.layer.5.output.dense.weight"]).max(axis=0), [127] * 4)
    assert not back["head.weight"].any()                         # an all-zero column survives
    # stored again, the unpacked weights give the same int8 (what the run-time quantiser derives)
    again = pg.pack_tagger(back)
    assert all(np.array_equal(again[k], stored[k]) for k in stored if stored[k].dtype == np.int8)
