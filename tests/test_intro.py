"""Lesson 00: the science functions and the three explorers, driven headlessly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import intro, science
from widgets.science.published import (
    GRAFT_SOURCES,
    NEUTROPHIL_RECOVERY_MEDIAN_DAYS,
    PLATELET_RECOVERY_MEDIAN_DAYS,
)
from widgets.ui.assets import load_toml

PARENTS = {"hsc": None, "a": "hsc", "b": "hsc", "a1": "a", "a2": "a"}


def test_lineage_path_runs_from_the_stem_cell():
    assert science.lineage_path(PARENTS, "a2") == ["hsc", "a", "a2"]
    assert science.lineage_path(PARENTS, "hsc") == ["hsc"]


def test_lineage_path_rejects_unknown_cells_and_loops():
    with pytest.raises(ValueError, match="cell must be one of"):
        science.lineage_path(PARENTS, "z")
    with pytest.raises(ValueError, match="loop"):
        science.lineage_path({"x": "y", "y": "x"}, "x")


def test_tree_positions_put_parents_above_the_middle_of_their_children():
    pos = science.tree_positions(PARENTS)
    assert pos["hsc"][1] == 0 and pos["a"][1] == -1 and pos["a1"][1] == -2
    assert pos["a"][0] == (pos["a1"][0] + pos["a2"][0]) / 2
    assert len({p[0] for k, p in pos.items() if k in ("a1", "a2", "b")}) == 3


def test_tree_positions_need_one_root():
    with pytest.raises(ValueError, match="exactly one root"):
        science.tree_positions({"x": None, "y": None})


def test_course_lineage_is_a_tree_whose_leaves_all_descend_from_the_stem_cell():
    cells = load_toml("lineage.toml")
    parents = {k: c.get("parent") for k, c in cells.items()}
    for cell in cells:
        assert science.lineage_path(parents, cell)[0] == "hsc"


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (0, "Pre-engraftment"),
        (29.9, "Pre-engraftment"),
        (30, "Early post-engraftment"),
        (99, "Early post-engraftment"),
        (100, "Late"),
        (365, "Late"),
    ],
)
def test_infection_phases_follow_tomblyn_2009(day, phase):
    assert science.infection_phase(day).name == phase


@pytest.mark.parametrize(
    ("day", "engraftment_day", "phase"),
    [
        (13, 14, "Pre-engraftment"),
        (14, 14, "Early post-engraftment"),
        (16, 14, "Early post-engraftment"),
        (16, 19, "Pre-engraftment"),
        (29, 24, "Early post-engraftment"),
        (99, 24, "Early post-engraftment"),
        (100, 24, "Late"),
        (110, 120, "Pre-engraftment"),
        (120, 120, "Late"),
    ],
)
def test_pre_engraftment_ends_on_the_engraftment_day(day, engraftment_day, phase):
    got = science.infection_phase(day, engraftment_day)
    assert got.name == phase
    assert got.start_day <= day and (got.end_day is None or day < got.end_day)


def test_one_definition_of_the_phases_for_lessons_00_and_04():
    for engraft in (9, 14, 19, 23, 24, 45):
        bounds = science.infection_phase_bounds(engraft)
        assert bounds[0] == (0.0, engraft) and bounds[1][0] == engraft
        assert bounds[1][1] == max(100, engraft) and bounds[2] == (max(100, engraft), None)
        timeline = science.infection_timeline(engraft, gvhd=False)
        assert [(p.start_day, p.end_day) for p in timeline.phases[:2]] == list(bounds[:2])
    never = science.infection_phase_bounds(None)
    assert never[0] == (0.0, None) and never[1] == never[2] == (None, None)
    with pytest.raises(ValueError, match="engraftment_day must be >= 0"):
        science.infection_phase_bounds(-1)


@pytest.mark.parametrize("source", list(GRAFT_SOURCES))
@pytest.mark.parametrize("day", [1, 10, 14, 16, 19, 23, 24, 29, 60, 200])
def test_the_journey_never_says_neutrophils_are_back_before_engraftment(source, day):
    state = science.journey_day(day, source)
    assert state.neutrophils_recovered == (state.phase.name != "Pre-engraftment")


@pytest.mark.parametrize(
    ("source", "neutrophils", "platelets"),
    [
        ("peripheral_blood", 14, 18),
        ("bone_marrow", 19, 25),
        ("double_cord_blood", 23, None),
        ("haploidentical_marrow", 24, 29),
    ],
)
def test_published_recovery_medians(source, neutrophils, platelets):
    assert NEUTROPHIL_RECOVERY_MEDIAN_DAYS[source].value == neutrophils
    got = PLATELET_RECOVERY_MEDIAN_DAYS.get(source)
    assert (got.value if got else None) == platelets


@given(day=st.floats(0, 3650), source=st.sampled_from(GRAFT_SOURCES))
def test_journey_day_is_consistent_over_the_whole_range(day, source):
    state = science.journey_day(day, source)
    assert state.neutrophils_recovered == (day >= state.neutrophil_median_day)
    assert state.phase.start_day <= day


@pytest.mark.parametrize(("day", "source"), [(-1, "bone_marrow"), (5, "kidney")])
def test_journey_day_rejects_bad_input(day, source):
    with pytest.raises(ValueError, match=r"day|graft_source"):
        science.journey_day(day, source)


@pytest.mark.parametrize(
    ("in_stem_cells", "own_healthy", "donor", "kind"),
    [
        (False, True, False, "autologous"),
        (False, True, True, "autologous"),
        (True, False, True, "allogeneic"),
        (True, True, True, "allogeneic"),
        (True, False, False, "allogeneic (alternative donor)"),
        (False, False, True, "allogeneic"),
        (False, False, False, "allogeneic (alternative donor)"),
    ],
)
def test_choose_transplant(in_stem_cells, own_healthy, donor, kind):
    choice = science.choose_transplant(
        disease_in_stem_cells=in_stem_cells, own_cells_healthy=own_healthy, matched_donor=donor
    )
    assert choice.kind == kind
    assert choice.path[0] == "disease"
    # the path is the one the figure's tree draws: each answer leads down its branch
    answers = {"disease": in_stem_cells, "own_cells": own_healthy, "donor": donor}
    for question, then in zip(choice.path, choice.path[1:], strict=False):
        assert then == science.TRANSPLANT_QUESTIONS[question][0 if answers[question] else 1]


def test_choose_transplant_rejects_non_booleans():
    with pytest.raises(ValueError, match=r"matched_donor must be True or False"):
        science.choose_transplant(
            disease_in_stem_cells=True, own_cells_healthy=False, matched_donor="yes"
        )


# -- explorers, headless ----------------------------------------------------------


def _trace_xy(trace):
    return list(trace["x"]), list(trace["y"])


def test_lineage_explorer_highlights_the_chosen_cell():
    explorer = intro.LineageExplorer()
    before = _trace_xy(explorer.trace("path to your cell"))
    explorer.set(cell="t_cell")
    after = _trace_xy(explorer.trace("path to your cell"))
    assert before != after and len(after[0]) == 4
    assert explorer.readout_text.startswith("T cell: Stem cell → Multipotent progenitor → Lymphoid")
    assert "SCID" in explorer.readout_text


def test_journey_explorer_moves_the_day_line_and_changes_source_markers():
    explorer = intro.JourneyExplorer()
    explorer.set(day=45)
    assert list(explorer.trace("your day")["x"]) == [45, 45]
    assert "Early post-engraftment" in explorer.readout_text
    explorer.set(graft_source="double_cord_blood", day=20)
    assert list(explorer.trace("median recovery day")["x"]) == [23.0]
    assert "still below 500/µL" in explorer.readout_text


def test_transplant_choice_explorer_follows_the_answers():
    explorer = intro.TransplantChoiceExplorer()
    assert explorer.readout_text.startswith("Fits: AUTOLOGOUS")
    explorer.set(disease_in_stem_cells=True)
    assert explorer.readout_text.startswith("Fits: ALLOGENEIC (ALTERNATIVE DONOR)")
    explorer.set(matched_donor=True)
    assert explorer.readout_text.startswith("Fits: ALLOGENEIC.")
    assert len(explorer.trace("this patient's path")["x"]) == 3


def test_the_lesson_names_every_node_of_the_decision_tree():
    nodes = set(science.TRANSPLANT_QUESTIONS).union(*science.TRANSPLANT_QUESTIONS.values())
    labels = intro.TransplantChoiceExplorer.content()["nodes"]
    assert set(labels) == nodes and all(labels.values())
    figure = intro.TransplantChoiceExplorer().figure
    shown = [text for trace in figure["data"] for text in trace.get("text") or []]
    assert sorted(shown) == sorted(labels.values())


@pytest.mark.parametrize(
    "cls", [intro.LineageExplorer, intro.JourneyExplorer, intro.TransplantChoiceExplorer]
)
def test_every_scenario_and_reset(cls):
    explorer = cls()
    start = explorer.readout_text
    for name in explorer.scenarios:
        explorer.apply_scenario(name)
        assert explorer.scenario == name
        assert "Cannot show" not in explorer.readout_text
    explorer.reset()
    assert explorer.readout_text == start


def test_recovery_summary_prints_the_medians(capsys):
    intro.print_recovery_summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "Bone marrow (sibling donor): neutrophils day 19, platelets day 25"
