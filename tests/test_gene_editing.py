"""Lesson 03: the gene-editing science functions and the three explorers, driven headlessly."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import gene_editing, science
from widgets.science import gene_editing as ge
from widgets.ui.assets import bibliography

fractions = st.floats(0.0, 1.0, allow_nan=False)
lifespans = st.floats(0.5, 365.0, allow_nan=False)
advantages = st.floats(0.0, 10.0, allow_nan=False)
months = st.floats(0.0, 600.0, allow_nan=False)


# -- 1. edited alleles ------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "unedited", "one", "both"),
    [
        (0.0, 1.0, 0.0, 0.0),
        (0.5, 0.25, 0.5, 0.25),
        (0.8, 0.04, 0.32, 0.64),  # the ~80 % of Frangoul 2021
        (0.68, 0.1024, 0.4352, 0.4624),  # Newby 2021, mice at 16 weeks
        (0.9, 0.01, 0.18, 0.81),
        (1.0, 0.0, 0.0, 1.0),
    ],
)
def test_edited_allele_distribution_hand_computed(p, unedited, one, both):
    assert science.edited_allele_distribution(p) == pytest.approx((unedited, one, both))


def test_allele_record_adds_at_least_one():
    record = science.allele_distribution(0.8)
    assert record.at_least_one == pytest.approx(0.96)
    assert record.allele_editing_fraction == 0.8


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, math.inf, "80", True, None])
def test_edited_allele_distribution_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="allele_editing_fraction"):
        science.edited_allele_distribution(bad)


@given(p=fractions)
def test_allele_shares_are_fractions_that_add_up_and_match_the_allele_share(p):
    shares = science.edited_allele_distribution(p)
    assert all(0.0 <= s <= 1.0 and math.isfinite(s) for s in shares)
    assert sum(shares) == pytest.approx(1.0)
    # the mean number of edited copies per cell is 2p (independence)
    assert shares[1] + 2 * shares[2] == pytest.approx(2 * p)


@given(p=fractions, q=fractions)
def test_more_editing_never_means_fewer_fully_edited_cells(p, q):
    low, high = sorted((p, q))
    assert science.edited_allele_distribution(high)[2] >= science.edited_allele_distribution(low)[2]
    assert science.edited_allele_distribution(high)[0] <= science.edited_allele_distribution(low)[0]


# -- 2. how many corrected cells are enough ---------------------------------------------


def test_default_lifespans_are_the_sourced_values():
    assert ge.NORMAL_RBC_LIFESPAN_DAYS.value == 120.0
    assert ge.SICKLE_RBC_LIFESPAN_DAYS.value == 14.0
    assert ge.SICKLE_RBC_LIFESPAN_DAYS.source == "franco1998"
    assert science.donor_red_cell_fraction(0.2) == science.donor_red_cell_fraction(
        0.2, donor_rbc_lifespan_days=120.0, recipient_rbc_lifespan_days=14.0
    )


@pytest.mark.parametrize(
    ("d", "donor_days", "recipient_days", "expected"),
    [
        (0.2, 120, 14, 24 / (24 + 11.2)),  # 0.6818: Fitzhugh's 20 %
        (0.3, 120, 14, 36 / (36 + 9.8)),  # 0.7860: Magnani's 30 %
        (0.5, 120, 14, 60 / (60 + 7)),  # 0.8955: Magnani's 50 %
        (0.3, 49, 14, 14.7 / (14.7 + 9.8)),  # corrected cells living like F cells
        (0.5, 100, 100, 0.5),  # equal lifespans: the blood mirrors the marrow
        (0.0, 120, 14, 0.0),
        (1.0, 120, 14, 1.0),
    ],
)
def test_donor_red_cell_fraction_hand_computed(d, donor_days, recipient_days, expected):
    got = science.donor_red_cell_fraction(
        d, donor_rbc_lifespan_days=donor_days, recipient_rbc_lifespan_days=recipient_days
    )
    assert got == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"myeloid_chimerism": 1.2}, "myeloid_chimerism"),
        ({"myeloid_chimerism": -0.1}, "myeloid_chimerism"),
        ({"myeloid_chimerism": 0.2, "donor_rbc_lifespan_days": 0}, "donor_rbc_lifespan_days"),
        ({"myeloid_chimerism": 0.2, "donor_rbc_lifespan_days": -5}, "donor_rbc_lifespan_days"),
        (
            {"myeloid_chimerism": 0.2, "recipient_rbc_lifespan_days": 0},
            "recipient_rbc_lifespan_days",
        ),
        (
            {"myeloid_chimerism": 0.2, "recipient_rbc_lifespan_days": math.inf},
            "recipient_rbc_lifespan_days",
        ),
    ],
)
def test_donor_red_cell_fraction_rejects_bad_input(kwargs, field):
    with pytest.raises(ValueError, match=field):
        science.donor_red_cell_fraction(**kwargs)


@given(d=fractions, donor=lifespans, recipient=lifespans)
def test_red_cell_share_is_a_fraction_over_every_control_range(d, donor, recipient):
    share = science.donor_red_cell_fraction(
        d, donor_rbc_lifespan_days=donor, recipient_rbc_lifespan_days=recipient
    )
    assert 0.0 <= share <= 1.0 and math.isfinite(share)
    if donor >= recipient:  # longer-lived healthy cells are over-represented in the blood
        assert share >= d - 1e-12


@given(d1=fractions, d2=fractions, donor=lifespans, recipient=lifespans)
def test_more_corrected_cells_never_lower_the_healthy_share(d1, d2, donor, recipient):
    low, high = sorted((d1, d2))
    kw = {"donor_rbc_lifespan_days": donor, "recipient_rbc_lifespan_days": recipient}
    assert science.donor_red_cell_fraction(high, **kw) >= science.donor_red_cell_fraction(low, **kw)


@given(donor=lifespans, recipient=lifespans)
def test_the_curve_matches_the_function(donor, recipient):
    x, y = science.donor_red_cell_curve(donor, recipient, points=11)
    assert len(x) == len(y) == 11
    for d, share in zip(x, y, strict=True):
        assert share == pytest.approx(
            science.donor_red_cell_fraction(
                float(d), donor_rbc_lifespan_days=donor, recipient_rbc_lifespan_days=recipient
            )
        )


@pytest.mark.parametrize(
    ("d", "reached"),
    [(0.0, 0), (0.19, 0), (0.2, 1), (0.29, 1), (0.3, 2), (0.49, 2), (0.5, 3), (1.0, 3)],
)
def test_chimerism_thresholds_reached(d, reached):
    assert science.chimerism_thresholds_reached(d) == reached


@pytest.mark.parametrize("bad", [-0.1, 1.2, math.nan, "0.3"])
def test_chimerism_thresholds_reached_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="myeloid_chimerism"):
        science.chimerism_thresholds_reached(bad)


def test_one_patient_on_the_red_cell_curve():
    got = science.red_cell_chimerism(0.3, 100.0, 20.0)
    kw = {"donor_rbc_lifespan_days": 100.0, "recipient_rbc_lifespan_days": 20.0}
    assert got.healthy_share == science.donor_red_cell_fraction(0.3, **kw)
    assert got.thresholds_reached == 2
    assert got.verdict == ge.CHIMERISM_VERDICTS[2] and "Magnani 2020" in got.verdict
    assert np.array_equal(got.curve[1], science.donor_red_cell_curve(**kw)[1])
    with pytest.raises(ValueError, match="recipient_rbc_lifespan_days"):
        science.red_cell_chimerism(0.3, 100.0, 0.0)


def test_the_published_thresholds_rise_and_say_what_they_achieved():
    values = [t.value for t, _ in ge.MYELOID_CHIMERISM_THRESHOLDS]
    assert values == sorted(values) == [0.2, 0.3, 0.5]
    assert [t.source for t, _ in ge.MYELOID_CHIMERISM_THRESHOLDS] == [
        "fitzhugh2017",
        "magnani2020",
        "magnani2020",
    ]
    assert all(outcome for _, outcome in ge.MYELOID_CHIMERISM_THRESHOLDS)


def test_the_curve_checks_its_lifespans():
    with pytest.raises(ValueError, match="recipient_rbc_lifespan_days"):
        science.donor_red_cell_curve(120, 0)


# -- 3. selective advantage (teaching model) --------------------------------------------


@pytest.mark.parametrize(
    ("f0", "a", "t", "expected"),
    [
        (0.05, 0.5, 0, 0.05),
        (0.05, 0.5, 12, (0.05 * 1.5**12) / (0.05 * 1.5**12 + 0.95)),  # 0.8723
        (0.05, 0.2, 12, (0.05 * 1.2**12) / (0.05 * 1.2**12 + 0.95)),  # 0.3209
        (0.05, 0.0, 36, 0.05),  # no advantage: the share stays put
        (0.8, 0.0, 12, 0.8),
        (0.5, 1.0, 1, 2 / 3),  # odds 1 -> 2
        (0.0, 5.0, 100, 0.0),
        (1.0, 0.0, 5, 1.0),
    ],
)
def test_corrected_share_hand_computed(f0, a, t, expected):
    assert science.corrected_share(f0, a, t) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("f0", "a", "expected"),
    [
        (0.05, 0.5, math.log(19) / math.log(1.5)),  # 7.26 months
        (0.05, 0.2, math.log(19) / math.log(1.2)),  # 16.1 months
        (0.5, 0.0, 0.0),
        (0.8, 0.3, 0.0),
        (0.05, 0.0, None),
        (0.0, 1.0, None),
    ],
)
def test_months_to_half_corrected(f0, a, expected):
    got = science.months_to_half_corrected(f0, a)
    assert got == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((1.5, 0.5, 1), "corrected_fraction_at_infusion"),
        ((0.1, -0.1, 1), "growth_advantage_per_month"),
        ((0.1, 11, 1), "growth_advantage_per_month"),
        ((0.1, 0.5, -1), "months"),
        ((0.1, 0.5, math.nan), "months"),
    ],
)
def test_corrected_share_rejects_bad_input(args, field):
    with pytest.raises(ValueError, match=field):
        science.corrected_share(*args)


def test_course_rejects_bad_horizon_and_points():
    with pytest.raises(ValueError, match="months_max"):
        science.corrected_share_course(0.1, 0.5, months_max=0)
    with pytest.raises(ValueError, match="points"):
        science.corrected_share_course(0.1, 0.5, points=1)


@given(f0=fractions, a=advantages, t=months)
def test_corrected_share_stays_a_fraction_over_every_control_range(f0, a, t):
    share = science.corrected_share(f0, a, t)
    assert 0.0 <= share <= 1.0 and math.isfinite(share)
    assert share >= f0 - 1e-12  # an advantage >= 0 never loses ground


@given(f0=fractions, a1=advantages, a2=advantages, t=months)
def test_a_larger_advantage_never_lowers_the_corrected_share(f0, a1, a2, t):
    low, high = sorted((a1, a2))
    assert science.corrected_share(f0, high, t) >= science.corrected_share(f0, low, t)


@given(f0=fractions, a=advantages)
def test_the_course_is_monotone_and_the_stem_cells_stay_put(f0, a):
    course = science.corrected_share_course(f0, a, months_max=36, points=37)
    assert np.all(np.isfinite(course.lymphocyte_share))
    assert np.all(np.diff(course.lymphocyte_share) >= -1e-12)
    assert np.all(course.stem_cell_share == f0)
    assert course.lymphocyte_share[0] == pytest.approx(f0)


# -- the workflow and the sourced values --------------------------------------------------


def test_workflow_runs_in_order_with_published_days():
    steps = science.ex_vivo_workflow()
    names = [s.name for s in steps]
    assert (
        names.index("Conditioning") < names.index("Infusion") < names.index("Neutrophils engraft")
    )
    days = {s.name: s.day for s in steps if s.day is not None}
    assert days == {"Infusion": 0.0, "Neutrophils engraft": 27.0, "Platelets engraft": 34.5}


def test_every_sourced_value_and_workflow_source_is_in_the_bibliography():
    keys = set(bibliography())
    sourced = [v for v in vars(ge).values() if isinstance(v, science.Sourced)]
    assert len(sourced) >= 10
    for value in sourced:
        assert value.source in keys, value
    for step in science.ex_vivo_workflow():
        assert set(step.sources) <= keys, step.name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ge.EDITED_ALLELES_FIRST_PATIENTS, 0.80),
        (ge.MYELOID_CHIMERISM_REVERSES_SICKLE, 0.20),
        (ge.MYELOID_CHIMERISM_PREVENTS_CRISES, 0.30),
        (ge.MYELOID_CHIMERISM_HAEMOLYSIS_CORRECTED, 0.50),
        (ge.CLIMB121_FREE_OF_CRISES, 29 / 30),
        (ge.CLIMB111_TRANSFUSION_INDEPENDENT, 32 / 35),
    ],
)
def test_published_values(value, expected):
    assert value.value == pytest.approx(expected)


# -- explorers, headless ------------------------------------------------------------------

ALLELE_CURVES = [
    "no edited copy",
    "one edited copy",
    "both copies edited",
    "at least one edited copy",
]
EXPLORERS = [
    gene_editing.EditedAllelesExplorer,
    gene_editing.RedCellChimerismExplorer,
    gene_editing.SelectiveAdvantageExplorer,
]


def test_edited_alleles_explorer_moves_its_markers():
    explorer = gene_editing.EditedAllelesExplorer()
    assert "64 % have both" in explorer.readout_text
    curves = [explorer.trace(name)["y"] for name in ALLELE_CURVES]
    explorer.set(alleles_edited_percent=50)
    markers = explorer.trace("your setting")
    assert markers["x"] == [50.0] * 3
    assert markers["y"] == pytest.approx([25.0, 50.0, 25.0])
    assert markers["text"] == ["25 %", "50 %", "25 %"]
    assert [explorer.trace(name)["y"] for name in ALLELE_CURVES] == curves  # the curves never move
    assert explorer.readout_text.startswith("With 50 % of alleles edited")
    assert "75 % carry at least one" in explorer.readout_text


def test_allele_curves_are_the_science_layers_shares():
    explorer = gene_editing.EditedAllelesExplorer()
    for index, name in enumerate(ALLELE_CURVES[:3]):
        trace = explorer.trace(name)
        assert len(trace["x"]) == 101
        for x, y in zip(trace["x"][::10], trace["y"][::10], strict=True):
            assert y == pytest.approx(100 * science.edited_allele_distribution(x / 100)[index])


def test_red_cell_explorer_moves_the_point_and_the_curve_only_with_the_lifespans():
    explorer = gene_editing.RedCellChimerismExplorer()
    assert "68 % of the red cells" in explorer.readout_text
    curve_before = explorer.trace("healthy red cells in the blood")["y"]
    explorer.set(myeloid_chimerism_percent=50)
    assert explorer.trace("your patient")["x"] == [50.0]
    assert explorer.trace("your patient")["y"] == pytest.approx([100 * 60 / 67])
    assert explorer.trace("reading guide")["y"] == pytest.approx([0, 100 * 60 / 67, 100 * 60 / 67])
    assert explorer.trace("healthy red cells in the blood")["y"] == curve_before
    assert "corrected haemolysis" in explorer.readout_text
    explorer.set(sickle_rbc_lifespan_days=7)
    assert explorer.trace("healthy red cells in the blood")["y"] != curve_before
    assert explorer.trace("your patient")["y"] == pytest.approx([100 * 60 / 63.5])
    assert "sickle red cells 7" in explorer.readout_text


def test_red_cell_explorer_draws_each_published_threshold():
    layout = gene_editing.RedCellChimerismExplorer().figure["layout"]
    assert [shape["x0"] for shape in layout["shapes"]] == [20, 30, 50]
    labels = [note["text"] for note in layout["annotations"]]
    assert labels[0].startswith("20 %: reverses") and "Fitzhugh 2017" in labels[0]
    assert "Magnani 2020" in labels[1] and "Magnani 2020" in labels[2]


def test_red_cell_explorer_verdicts_follow_the_thresholds():
    explorer = gene_editing.RedCellChimerismExplorer()
    verdicts = {}
    for value in (10, 20, 30, 50):
        explorer.set(myeloid_chimerism_percent=value)
        verdicts[value] = explorer.readout_text.split("; ", 1)[1]
    assert verdicts[10].startswith("below the ~20 %")
    assert verdicts[20].startswith("at or above the ~20 %")
    assert verdicts[30].startswith("enough to prevent crises")
    assert verdicts[50].startswith("at or above the 50 %")


def test_selective_advantage_explorer_updates_curves_and_marker():
    explorer = gene_editing.SelectiveAdvantageExplorer()
    assert explorer.main_name == "advantage_percent_per_month"
    assert "87 % of all lymphocytes at month 12" in explorer.readout_text
    stem_before = explorer.trace("corrected stem cells (no advantage)")["y"]
    lymph_before = explorer.trace("corrected lymphocytes (T cells)")["y"]
    explorer.set(advantage_percent_per_month=20)
    assert explorer.trace("corrected lymphocytes (T cells)")["y"] != lymph_before
    assert explorer.trace("corrected stem cells (no advantage)")["y"] == stem_before
    assert explorer.trace("your month")["y"] == pytest.approx(
        [100 * science.corrected_share(0.05, 0.2, 12)]
    )
    assert "month 16.1" in explorer.readout_text
    explorer.set(month=24)
    assert explorer.trace("your month")["x"] == [24.0]
    explorer.set(corrected_percent=80)
    assert set(explorer.trace("corrected stem cells (no advantage)")["y"]) == {80.0}


@pytest.mark.parametrize("cls", EXPLORERS)
def test_every_scenario_and_reset(cls):
    explorer = cls()
    start = explorer.readout_text
    seen = {start}
    go.Figure(explorer.figure)  # plotly raises on a property it does not know
    for name in explorer.scenarios:
        explorer.apply_scenario(name)
        assert explorer.scenario == name
        assert "Cannot show" not in explorer.readout_text
        go.Figure(explorer.figure)
        seen.add(explorer.readout_text)
    assert len(seen) >= 3, "the scenarios show different cases"
    main = explorer.controls_by_name[explorer.main_name]
    explorer.set(**{main.name: main.min})
    assert explorer.readout_text != start
    explorer.reset()
    assert explorer.readout_text == start


def test_scenarios_are_the_published_cases():
    alleles = gene_editing.EditedAllelesExplorer().scenarios.values()
    assert {s["alleles_edited_percent"] for s in alleles} >= {
        round(100 * ge.EDITED_ALLELES_FIRST_PATIENTS.value),
        round(100 * ge.EDITED_ALLELES_BASE_EDITING_MICE.value),
    }
    red_cells = gene_editing.RedCellChimerismExplorer().scenarios.values()
    thresholds = {round(100 * t.value) for t, _ in ge.MYELOID_CHIMERISM_THRESHOLDS}
    assert thresholds <= {s["myeloid_chimerism_percent"] for s in red_cells}
    f_cells = round(ge.F_CELL_RBC_LIFESPAN_DAYS.value)
    assert any(s.get("healthy_rbc_lifespan_days") == f_cells for s in red_cells)
    # the sickle cell scenario starts from the share of *cells* with both copies edited at
    # exa-cel's ~80 % of alleles (64 %), not from the allele share itself (lesson 03 section 4)
    advantage = gene_editing.SelectiveAdvantageExplorer().scenarios
    sickle = next(s for name, s in advantage.items() if "both copies edited" in name)
    both = ge.allele_distribution(ge.EDITED_ALLELES_FIRST_PATIENTS.value).both_alleles
    assert sickle["corrected_percent"] == round(100 * both) == 64
    assert sickle["corrected_percent"] != round(100 * ge.EDITED_ALLELES_FIRST_PATIENTS.value)
    assert sickle["advantage_percent_per_month"] == 0


@pytest.mark.parametrize("cls", EXPLORERS)
def test_explorers_are_labelled_and_registered(cls):
    explorer = cls()
    assert explorer.lesson == "03-gene-editing"
    assert explorer.caption and explorer.sources
    assert len(explorer.caption.split()) <= 60
    layout = explorer.figure["layout"]
    assert layout["title"]["text"] and layout["xaxis"]["title"]["text"]
    assert layout["yaxis"]["title"]["text"]
    assert layout["height"] <= 440 and "width" not in layout
    for control in cls.controls:
        assert control.unit, "every slider names its unit"
    data = explorer.figure["data"]
    names = [trace["name"] for trace in data]
    assert all(names) and len(set(names)) == len(names), "every trace has its own name"
    assert sum(len(trace.get("x") or []) for trace in data) < 2_000
    assert all(len(name) <= 38 for name in explorer.scenarios), "scenario names fit the menu"


def test_teaching_models_say_so():
    assert "Teaching model" in gene_editing.SelectiveAdvantageExplorer.caption
    assert "assumed" in gene_editing.SelectiveAdvantageExplorer.caption
    assert "Teaching model" in gene_editing.RedCellChimerismExplorer.caption
    assert gene_editing.SelectiveAdvantageExplorer().readout_text.startswith("Teaching model")


def test_printed_summaries(capsys):
    gene_editing.print_allele_table((0.8,))
    gene_editing.print_red_cell_thresholds()
    gene_editing.print_workflow()
    out = capsys.readouterr().out
    assert "80 % |            4 % |     32 % |        64 % |         96 %" in out
    assert "20 % myeloid chimerism -> 68 % healthy red cells" in out
    assert "50 % myeloid chimerism -> 90 % healthy red cells" in out
    assert "day 27 | Neutrophils engraft" in out
    assert "-0" not in out
