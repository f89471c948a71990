"""Tables of figures: every entry the page may draw is what the kernel itself draws.

For every explorer, at its starting values and at every scenario, the table the page
gets holds, for each setting of each control (the others held), the figure and the
sentence; applied as the page applies it, each must equal the kernel's own drawing.
The key the page computes for a set of values (explorer.js, run in Node) must equal
the kernel's. The static site's grid is checked the same way.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest

from widgets.ui import tables
from widgets.ui.explorer import all_explorers

EXPLORERS = all_explorers()
FRONT_END = Path(__file__).resolve().parents[1] / "widgets" / "ui" / "explorer.js"


def _check_table(explorer, table):
    checked = 0
    for group, values in tables._entries(explorer, explorer.values):
        if values is None:
            continue
        key = tables.values_key(explorer.controls_by_name, values)
        entry = table["entries"].get(key)
        if key == table["key"]:
            figure, sentence = table["figure"], table["sentence"]
        elif entry is None:
            assert table["answered"].get(group) is False, f"{group} at {key}: no entry"
            continue
        else:
            figure, sentence = (
                tables.apply_patch(table["figure"], entry["patch"]),
                entry["sentence"],
            )
        drawn = explorer.render(values)
        assert figure == drawn["figure"], f"{explorer.explorer_id} at {key}: figure"
        assert sentence == drawn["sentence"], f"{explorer.explorer_id} at {key}: sentence"
        checked += 1
    return checked


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_every_entry_of_every_table_is_the_kernels_figure(cls):
    explorer = cls()
    for scenario in [None, *explorer.scenarios]:
        if scenario:
            explorer.apply_scenario(scenario)
        table = tables.table(explorer, explorer.values)
        assert table["answered"][explorer.main_name] is True, "the main control is in the page"
        assert _check_table(explorer, table) > 1
        go.Figure(table["figure"])  # plotly's own check of every property


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda cls: cls.explorer_id)
def test_the_static_grid_answers_the_main_control_and_fits_the_page(cls):
    explorer = cls()
    grid = tables.grid(explorer)
    assert explorer.main_name not in grid["fixed"]
    assert len(json.dumps(grid)) <= 2 * tables.MAX_GRID_BYTES
    main = explorer.controls_by_name[explorer.main_name]
    for setting in main.settings(explorer.values):
        values = {**explorer.values, explorer.main_name: setting}
        key = tables.values_key(explorer.controls_by_name, values)
        assert key == grid["key"] or key in grid["entries"], key
        if key in grid["entries"]:
            figure = tables.apply_patch(grid["figure"], grid["entries"][key]["patch"])
            assert figure == explorer.render(values)["figure"]


def test_diff_and_patch_round_trip():
    base = {"data": [{"x": [1, 2], "name": "a"}], "layout": {"title": {"text": "t"}, "h": 1}}
    new = {"data": [{"x": [1, 3], "name": "a"}], "layout": {"title": {"text": "u"}}}
    patch = tables.diff(base, new)
    assert [["data", 0, "x"], [1, 3]] in patch and [["layout", "h"], None] in patch
    assert tables.apply_patch(base, patch) == new
    assert tables.apply_patch(base, tables.diff(base, base)) == base


def test_tidy_makes_plain_json_the_page_and_kernel_share():
    import numpy as np

    assert tables.tidy({"y": np.array([0.1 + 0.2, np.nan, 2.0])}) == {"y": [0.3, None, 2]}
    with pytest.raises(TypeError):
        tables.tidy({"y": object()})


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_page_writes_the_same_keys_as_the_kernel(tmp_path):
    module = tmp_path / "explorer.mjs"
    module.write_text(FRONT_END.read_text(encoding="utf-8"), encoding="utf-8")
    cases = []
    rng = random.Random(7)
    for cls in EXPLORERS:
        explorer = cls()
        controls = explorer.controls_by_name
        for _ in range(20):
            name = rng.choice(list(controls))
            setting = rng.choice(controls[name].settings(explorer.values))
            explorer.set(**{name: setting})
            key = tables.values_key(controls, explorer.values)
            cases.append([explorer.widget.spec, explorer.values, key])
    script = (
        f"import {{ keyOf }} from {json.dumps(str(module))};\n"
        "import { readFileSync } from 'node:fs';\n"
        "const cases = JSON.parse(readFileSync(0, 'utf8'));\n"
        "const bad = cases.filter(([spec, values, key]) => keyOf(spec, values) !== key);\n"
        "console.log(JSON.stringify(bad.slice(0, 3)));\n"
    )
    run = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout) == [], run.stdout
