"""Lesson 03's explorers: edited alleles, enough corrected cells, selective advantage."""

from __future__ import annotations

import numpy as np

from . import science
from .course import short_citation
from .ui import theme
from .ui.controls import Slider
from .ui.explorer import Explorer, register

LESSON = "03-gene-editing"

_HEALTHY_DAYS, _SICKLE_DAYS = science.NORMAL_RBC_LIFESPAN_DAYS, science.SICKLE_RBC_LIFESPAN_DAYS
#: The learner's setting on a curve: large markers of the third series.
_YOU = theme.marker_style(2, size=14)


def _pct(fraction: float) -> str:
    """A share as a whole percentage, never '-0'."""
    return f"{abs(round(100.0 * fraction)):.0f} %"


def _vertical(x: float, dash: str) -> dict:
    """A grey vertical line from 0 to 100 % at ``x`` (a published value)."""
    line = {"color": theme.THRESHOLD, "dash": dash, "width": 2}
    return {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 100, "line": line}


def _lifespan(name: str, label: str, low: int, high: int, start: science.Sourced) -> Slider:
    """A red-cell lifespan slider in days, starting at its published value."""
    return Slider(name, label, "days", low, high, 1, round(start.value), source=start.source)


def _layout(title: str, x_title: str, y_title: str, x_max: float = 100, **extra) -> dict:
    """The lesson's figures: shares in % from 0 up, the legend under the plot."""
    extra |= {"xaxis": {"range": [0, x_max]}, "yaxis": {"range": [0, 102]}}
    legend = theme.legend(-0.22)
    return theme.figure_layout(title, x_title=x_title, y_title=y_title, legend=legend, **extra)


def print_workflow() -> None:
    """Print the steps of an ex vivo gene-editing transplant, with published days."""
    for step in science.ex_vivo_workflow():
        print(f"{step.when:>10} | {step.name}: {step.what}.")


def print_allele_table(fractions: tuple[float, ...] = (0.5, 0.68, 0.8, 0.9)) -> None:
    """Print the shares of cells with 0, 1 and 2 edited copies for a few editing levels."""
    header = ("alleles edited", "no edited copy", "one copy", "both copies", "at least one")
    print(" | ".join(header))
    for p in fractions:
        d = science.allele_distribution(p)
        shares = (p, d.unedited, d.one_allele, d.both_alleles, d.at_least_one)
        print(" | ".join(f"{_pct(s):>{len(h)}}" for s, h in zip(shares, header, strict=True)))


def print_red_cell_thresholds() -> None:
    """Print the share of healthy red cells at the published chimerism thresholds."""
    healthy, sickle = _HEALTHY_DAYS.value, _SICKLE_DAYS.value
    print(f"Healthy red cells live {healthy:g} days, sickle red cells {sickle:g} days.")
    for threshold, outcome in science.MYELOID_CHIMERISM_THRESHOLDS:
        share = science.donor_red_cell_fraction(threshold.value)
        print(
            f"{_pct(threshold.value)} myeloid chimerism -> {_pct(share)} healthy red cells: "
            f"{outcome} ({short_citation(threshold.source)})"
        )


_ALLELE_SERIES = (
    ("no edited copy", "unedited"),
    ("one edited copy", "one_allele"),
    ("both copies edited", "both_alleles"),
    ("at least one edited copy", "at_least_one"),
)
#: The shares at every whole percentage of alleles edited (the curves never move).
_ALLELE_CURVES = [science.allele_distribution(p) for p in np.linspace(0.0, 1.0, 101)]


@register
class EditedAllelesExplorer(Explorer):
    """Share of alleles edited -> share of cells with no, one or two edited copies."""

    explorer_id = "gene_editing.alleles"
    lesson = LESSON
    controls = (Slider("alleles_edited_percent", "Alleles edited", "%", 0, 100, 1, 80),)

    def compute(self, *, alleles_edited_percent):
        return science.allele_distribution(alleles_edited_percent / 100.0)

    def draw(self, state):
        def curve(index, label, attr):
            shares = [100 * getattr(d, attr) for d in _ALLELE_CURVES]
            hover = f"{label}: %{{y:.0f}} %<extra></extra>"
            return theme.line(label, np.arange(101), shares, index, hovertemplate=hover)

        curves = [curve(index, *series) for index, series in enumerate(_ALLELE_SERIES)]
        curves[-1]["line"]["width"] = 1.5
        x = 100.0 * state.allele_editing_fraction
        ys = [100.0 * getattr(state, attr) for _, attr in _ALLELE_SERIES[:3]]
        black = theme.marker_style(4, color=theme.PALETTE[6])
        texts = [_pct(y / 100.0) for y in ys]
        setting = theme.points("your setting", [x] * 3, ys, black, texts, hoverinfo="skip")
        edited = science.EDITED_ALLELES_FIRST_PATIENTS
        published = 100 * edited.value
        note = f"~{published:.0f} % edited<br>({short_citation(edited.source)})"
        layout = _layout(
            self.title,
            "alleles edited (% of all copies of the target)",
            "cells (%)",
            shapes=[_vertical(published, "dot")],
            annotations=[theme.label(note, published, 100, xanchor="right", yanchor="top")],
        )
        return {"data": [*curves, setting], "layout": layout}

    def describe(self, state):
        return (
            f"With {_pct(state.allele_editing_fraction)} of alleles edited (each copy "
            f"edited independently), {_pct(state.unedited)} of cells have no edited copy, "
            f"{_pct(state.one_allele)} have one and {_pct(state.both_alleles)} have both; "
            f"{_pct(state.at_least_one)} carry at least one edited copy."
        )


@register
class RedCellChimerismExplorer(Explorer):
    """Corrected share of the marrow and red-cell lifespans -> healthy share of blood red cells."""

    explorer_id = "gene_editing.red_cells"
    lesson = LESSON
    controls = (
        Slider("myeloid_chimerism_percent", "Corrected or donor myeloid cells", "%", 0, 100, 1, 20),
        _lifespan("healthy_rbc_lifespan_days", "Healthy red-cell lifespan", 20, 140, _HEALTHY_DAYS),
        _lifespan("sickle_rbc_lifespan_days", "Sickle red-cell lifespan", 5, 60, _SICKLE_DAYS),
    )

    def compute(
        self, *, myeloid_chimerism_percent, healthy_rbc_lifespan_days, sickle_rbc_lifespan_days
    ):
        lifespans = healthy_rbc_lifespan_days, sickle_rbc_lifespan_days
        return science.red_cell_chimerism(myeloid_chimerism_percent / 100.0, *lifespans)

    def draw(self, state):
        x, y = 100 * state.myeloid_chimerism, 100 * state.healthy_share
        hover = "%{x:.0f} % corrected → %{y:.0f} % healthy<extra></extra>"
        curve = [100 * values for values in state.curve]
        equal = {"line": theme.line_style(1, width=1.5), "hoverinfo": "skip"}
        dotted = {"color": theme.PALETTE[6], "dash": "dot", "width": 1}
        guide = {"line": dotted, "hoverinfo": "skip", "showlegend": False}
        data = [
            theme.line("healthy red cells in the blood", *curve, 0, hovertemplate=hover),
            theme.line("if both red cells lived equally long", [0, 100], [0, 100], 1, **equal),
            theme.line("reading guide", [x, x, 0], [0, y, y], 6, **guide),
            theme.points("your patient", [x], [y], _YOU, hovertemplate=hover),
        ]
        shapes, labels = [], []  # each published threshold: a line, its outcome in two lines
        for i, (threshold, outcome) in enumerate(science.MYELOID_CHIMERISM_THRESHOLDS):
            at, cited = 100 * threshold.value, short_citation(threshold.source)
            text = f"{_pct(threshold.value)}: {outcome.replace(' ', '<br>', 1)}<br>({cited})"
            shapes.append(_vertical(at, theme.DASHES[i + 2]))
            labels.append(theme.label(text, at, 8 + 16 * i, xanchor="left", align="left"))
        layout = _layout(
            self.title,
            "corrected (or donor) share of the marrow's myeloid cells (%)",
            "healthy red cells in the blood (%)",
            shapes=shapes,
            annotations=labels,
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        return (
            f"With {_pct(state.myeloid_chimerism)} of myeloid cells corrected, "
            f"{_pct(state.healthy_share)} of the red cells in the blood are healthy (healthy "
            f"red cells live {state.donor_rbc_lifespan_days:g} days, sickle red cells "
            f"{state.recipient_rbc_lifespan_days:g}); {state.verdict}."
        )


#: The lymphocytes' growth advantage: unit, min, max, step, start and source.
_ADVANTAGE = ("% per month", 0, 100, 5, 50, "assumed")


@register
class SelectiveAdvantageExplorer(Explorer):
    """Corrected share at infusion and a growth advantage -> corrected lymphocytes over months."""

    explorer_id = "gene_editing.advantage"
    lesson = LESSON
    main_control = "advantage_percent_per_month"
    controls = (
        Slider("corrected_percent", "Corrected at infusion", "%", 0, 100, 1, 5),
        Slider("advantage_percent_per_month", "Lymphocyte growth advantage", *_ADVANTAGE),
        Slider("month", "Read at month", "months", 0, 36, 1, 12),
    )

    def compute(self, *, corrected_percent, advantage_percent_per_month, month):
        f0, a = corrected_percent / 100.0, advantage_percent_per_month / 100.0
        course = science.corrected_share_course(f0, a, months_max=36.0, points=145)
        return {"course": course, "month": month, "share": course.lymphocyte_share_at(month)}

    def draw(self, state):
        course, share, month = state["course"], state["share"], state["month"]
        hover = "month %{x:.1f}: %{y:.0f} % corrected<extra></extra>"

        def curve(name, shares, index):
            return theme.line(name, course.months, 100 * shares, index, hovertemplate=hover)

        you = {"textposition": "top left", "hoverinfo": "skip"}
        data = [
            curve("corrected lymphocytes (T cells)", course.lymphocyte_share, 0),
            curve("corrected stem cells (no advantage)", course.stem_cell_share, 1),
            theme.points("your month", [month], [100 * share], _YOU, [_pct(share)], **you),
            theme.threshold_line("half corrected", [0, 36], 50, "dot", showlegend=False),
        ]
        half = theme.label("half corrected", 36, 50, xanchor="right", yanchor="bottom")
        axes = "months after infusion", "corrected share (%)"
        layout = _layout(self.title, *axes, x_max=36.5, annotations=[half])
        return {"data": data, "layout": layout}

    def describe(self, state):
        course = state["course"]
        f0, half = course.corrected_fraction_at_infusion, course.months_to_half
        if half is None:
            when = "they never reach half"
        elif half == 0:
            when = "they are at least half from the start"
        else:
            when = f"they pass half at month {half:.1f}"
        return (
            f"Teaching model: starting from {_pct(f0)} corrected cells with a growth "
            f"advantage of {_pct(course.growth_advantage_per_month)} per month, corrected "
            f"lymphocytes are {_pct(state['share'])} of all lymphocytes at month "
            f"{state['month']:g} ({when}), while the stem cells stay {_pct(f0)} corrected."
        )
