"""Effort numbers against a hand computation on a scripted review session."""

from __future__ import annotations

import json

from click.testing import CliRunner

from workbench.app import operations as ops
from workbench.app.cli import cli
from workbench.store import MachineOutputRecord

from .conftest import SEEDS


def test_effort_matches_a_hand_computation(wb):
    article = wb.import_paths([next(SEEDS.glob("003_*.txt"))]).article_ids[0]
    segs = [s for s in wb.article(article).to_dict()["segments"] if s["kind"] == "body"][:3]
    machine = ["the minister said that relations are strong", "talks were held in Moscow", "both sides agreed"]
    wb.store.add_machine_outputs([
        MachineOutputRecord(article, s["id"], "segment", "en", s["source_text"], text, [], {"model": "m1"})
        for s, text in zip(segs, machine, strict=True)])
    current = {s["id"]: s["targets"]["en"] for s in wb.article(article).to_dict()["segments"] if s["kind"] == "body"}
    rev = {s["id"]: current[s["id"]]["revision_id"] for s in segs}
    # reviewer ann: one word substituted (1 edit), in 30 s; confirms the second unchanged in 4 s
    assert ops.save_unit(wb, article_id=article, unit=segs[0]["id"], language="en", text="the minister said that relations are good", base_revision_id=rev[segs[0]["id"]], author="ann", reviewed=False, seconds_open=30)["ok"]
    assert ops.save_unit(wb, article_id=article, unit=segs[1]["id"], language="en", text=machine[1], base_revision_id=rev[segs[1]["id"]], author="ann", reviewed=False, seconds_open=4)["ok"]
    # reviewer bob: deletes one word ("both sides agreed" → "sides agreed": 1 edit) through the API, untimed
    assert ops.save_unit(wb, article_id=article, unit=segs[2]["id"], language="en", text="sides agreed", base_revision_id=rev[segs[2]["id"]], author="bob", reviewed=False)["ok"]
    result = CliRunner().invoke(cli, ["--home", str(wb.home), "effort", "--by", "reviewer", "--json"])
    rows = {r["reviewer"]: r for r in json.loads(result.output)}
    # TER = edits / reference words: ann 1 / (7 + 5) words = 8.33; bob 1 / 2 = 50.0
    assert rows["ann"]["segments"] == 2 and rows["ann"]["edited"] == 1 and rows["ann"]["edited_share"] == 0.5
    assert rows["ann"]["hter"] == round(100 / 12, 2)
    words = sum(len(s["source_text"].split()) for s in segs[:2])
    assert rows["ann"]["seconds_per_segment"] == 17.0 and rows["ann"]["seconds_per_word"] == round(34 / words, 3)
    assert rows["bob"]["hter"] == 50.0 and rows["bob"]["seconds_per_segment"] is None
    by_model = json.loads(CliRunner().invoke(cli, ["--home", str(wb.home), "effort", "--json"]).output)
    assert by_model == [{"model": "m1", "segments": 3, "edited": 2, "edited_share": 0.667, "hter": round(200 / 14, 2),
                         "seconds_per_segment": 17.0, "seconds_per_word": round(34 / words, 3), "timed_segments": 2}]
