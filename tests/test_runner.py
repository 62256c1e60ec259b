"""The ingest job through the library: parallel workers give the same records as one process."""

import pytest

from conftest import SAMPLES
from newsgraph.runner import ingest
from newsgraph.store import Store

pytestmark = pytest.mark.model


def _stored(db):
    with Store(db, readonly=True) as store:
        return {a["document"]["hash"]: a for a in store.iter_analyses()}


def test_two_workers_store_the_same_analyses_as_one(tmp_path, nlp, valid):
    inputs = [SAMPLES / "jsonl", SAMPLES / "html"]
    ticks = []
    one = ingest(inputs, db=tmp_path / "one.db", jobs=1, progress=ticks.append)
    two = ingest(inputs, db=tmp_path / "two.db", jobs=2)
    assert one.stored == two.stored >= 15
    assert not one.skipped and not two.skipped
    assert ticks and ticks[-1].stored == one.stored
    a, b = _stored(tmp_path / "one.db"), _stored(tmp_path / "two.db")
    assert a.keys() == b.keys()
    for key in a:
        assert a[key]["actors"] == b[key]["actors"]
        assert a[key]["document"] == b[key]["document"]
        valid(a[key])


def test_same_document_twice_in_one_run_is_stored_once(tmp_path, nlp):
    src = tmp_path / "in"
    src.mkdir()
    body = "Title: Ceasefire\n\nThe Taliban announced a three-day ceasefire for Eid, a spokesman said.\n"
    (src / "a.txt").write_text(body, encoding="utf-8")
    (src / "b.txt").write_text(body, encoding="utf-8")
    report = ingest([src], db=tmp_path / "s.db")
    assert (report.seen, report.stored, report.duplicates) == (2, 1, 1)
