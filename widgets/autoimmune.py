"""Lesson 02's explorers: the immune reset, what the trials found, early risk and later benefit."""

from __future__ import annotations

import numpy as np

from . import science
from .course import short_citation
from .ui import theme
from .ui.controls import Menu, Slider
from .ui.explorer import Explorer, register

LESSON = "02-autoimmune-reset"


def _interval(bounds: tuple[float, float]) -> str:
    return f"{100 * bounds[0]:.1f}–{100 * bounds[1]:.1f} %"


def _arms(pairs, separator: str = "; ") -> str:
    """'label events/patients = p % (95 % CI low–high %)' for each arm."""
    return separator.join(
        f"{arm.label} {arm.events}/{arm.patients} = {100 * arm.proportion:.1f} % "
        f"(95 % CI {_interval(bounds)})"
        for arm, bounds in pairs
    )


def print_trial_intervals() -> None:
    """Print every published result of the lesson with its 95 % Wilson interval."""
    for key, result in science.AUTOIMMUNE_TRIAL_RESULTS.items():
        published = science.trial_intervals(key, result.transplant.patients).published
        print(f"{result.trial}, {result.outcome}: {_arms(published)}")


def print_reset_summary() -> None:
    """Print the reset model's key figures at the defaults and two contrasting patients."""
    for intensity, age in ((0.95, 36), (0.80, 36), (0.95, 60)):
        course, month = science.reset_course(intensity, age), "no rebound within 36 months"
        if course.rebound_month is not None:
            month = f"rebound at month {course.rebound_month:.1f}"
        print(
            f"{100 * intensity:.0f} % of memory cells destroyed, age {age}: {month}; "
            f"naive T cells {course.naive_at_24_months:.1f}× at 24 months, back to their "
            f"old level at month {course.diversity_recovery_month:.1f}"
        )


_THIN = {"color": "#999999", "dash": "solid", "width": 1}


def _guide(name: str, x: float | None, top: float, label: str, side: str = "bottom right"):
    """A dotted vertical guide from 0 to ``top`` at ``x``, ``label`` at its top (x None: none)."""
    guide = {"line": theme.GUIDE, "textposition": side, "showlegend": False}
    return theme.vline(name, x, 0, top, label, **guide)


#: A legend of three entries a row under the figure: as many rows whatever is shown.
_LEGEND = theme.legend(-0.2, per_row=3)


@register
class ResetExplorer(Explorer):
    """Set how hard the conditioning hits and how old the thymus is; watch the new system grow."""

    explorer_id = "autoimmune.reset"
    lesson = LESSON
    controls = (
        Slider("intensity_pct", "Memory cells destroyed", "%", 50, 99.5, 0.5, 95, "assumed"),
        Slider("age_years", "Patient's age", "years", 18, 65, 1, 36),
    )

    def compute(self, *, intensity_pct, age_years):
        return science.reset_course(intensity_pct / 100.0, age_years)

    def draw(self, state):
        months, level, rebound = state.months, state.disease_level, state.rebound_month
        anchor = science.RESET_PARAMETERS["naive_fold_at_24_months"]
        returns, said, side = [], "", "bottom right"  # the label at the guide's top
        if rebound == 0.0:
            returns, said = [(0.0, level)], "memory cells never go below the disease level"
        elif rebound is not None:
            returns, said = [(rebound, level)], f"disease returns: month {rebound:.1f}"
            side = "bottom left" if rebound > 24 else side
        star = theme.marker_style(0, symbol="star", size=14)
        cross = theme.marker_style(1, symbol="x", size=14)
        cited = [f"{short_citation(anchor.source)}: ×{anchor.value:g} at 2 years"]
        hidden = {"showlegend": False}
        drives = theme.threshold_line("level that drives disease", months, level, "longdashdot")
        data = [
            theme.line("new naive T-cell repertoire", months, state.naive, 0),
            theme.line("self-reactive memory cells", months, state.memory, 1),
            theme.line("regulatory cells", months, state.regulatory, 2),
            drives | hidden,
            theme.threshold_line("level before treatment", months, 1, line=_THIN, **hidden),
            theme.points("disease returns", *theme.columns(returns, 2), cross),
            _guide("rebound month (guide)", rebound, 4, said, side),
            theme.points(
                "published anchor", [24], [anchor.value], star, cited, textposition="top left"
            ),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="months after the transplant",
            y_title="cells (1 = before treatment)",
            height=430,
            xaxis={"range": [0, science.RESET_HORIZON_MONTHS], "dtick": 6},
            yaxis={"range": [0, 4]},
            legend=_LEGEND,
            margin={"b": 100, "r": 120},
            annotations=[
                theme.end_label("before treatment (1)", 1),
                theme.end_label(f"disease level<br>({level:g}, assumed)", level),
            ],
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        left, rebound = 100.0 * (1.0 - state.intensity), state.rebound_month
        level = f"the disease level ({state.disease_level:g}×)"
        regrow = f"self-reactive memory cells regrow from {left:.1f} %"
        if rebound is None:
            peak = np.max(state.memory)
            memory = f"{regrow} to at most {peak:.2f}× their old level and stay below {level}"
            memory += " for 36 months"
        elif rebound == 0.0:
            memory = f"{left:.1f} % of self-reactive memory cells survive, above {level}"
            memory += ": the reset never switches the disease off"
        else:
            memory = f"{regrow} and regain {level} at month {rebound:.1f}"
        recovery = state.diversity_recovery_month
        when = f"by month {recovery:.1f}" if recovery <= 36 else "only after month 36"
        return (
            f"Teaching model, age {state.age_years:g}: {memory}; the naive repertoire is back "
            f"to its old level {when} and at {state.naive_at_24_months:.1f}× at 2 years."
        )


#: The published results, as the menu names them: "MIST: disease progression".
_RESULTS = [(f"{r.trial}: {r.outcome}", key) for key, r in science.AUTOIMMUNE_TRIAL_RESULTS.items()]


@register
class TrialsExplorer(Explorer):
    """See each trial's result with its 95 % interval, and how the interval shrinks with size."""

    explorer_id = "autoimmune.trials"
    lesson = LESSON
    main_control = "patients"
    controls = (
        Menu("result", "Result", _RESULTS, "mist_progression", buttons=True),
        Slider("patients", "Patients per arm", "patients", 10, 1000, 5, 55),
    )

    def compute(self, *, result, patients):
        return science.trial_intervals(result, patients)

    def draw(self, state):
        traces = []
        for name, pairs, y, colour, symbol, thickness, position in (
            ("as published", state.published, 1.15, 6, "square-open", 2, "top center"),
            ("your number of patients", state.scaled, 0.85, 0, "circle", 4, "bottom center"),
        ):
            shares = np.array([100.0 * arm.proportion for arm, _ in pairs])
            lows, highs = 100.0 * np.array([bounds for _, bounds in pairs]).T
            rows = [y - row for row in range(len(pairs))]  # transplant, then comparator
            text = [f"{arm.events}/{arm.patients}" for arm, _ in pairs]
            marker = theme.marker_style(colour, symbol=symbol, size=12)
            spread = {"array": highs - shares, "arrayminus": shares - lows, "thickness": thickness}
            error_x = {"type": "data", "symmetric": False, "color": marker["color"], "width": 8}
            style = {"textposition": position, "error_x": error_x | spread}
            traces.append(theme.points(name, shares, rows, marker, text, **style))
        layout = theme.figure_layout(
            self.title,
            x_title="patients with the outcome (%), with 95 % confidence interval",
            height=360,
            xaxis={"range": [0, 100], "dtick": 10},
            yaxis=theme.rows_axis({1: "transplant", 0: "comparator"}, -0.6, 1.6),
            legend=theme.legend(-0.25),
            margin={"l": 100},
        )
        return {"data": traces, "layout": layout}

    def describe(self, state):
        result, overlap = state.result, state.scaled_intervals_overlap
        scaled = " and ".join(_interval(bounds) for _, bounds in state.scaled)
        verdict = {True: "overlap", False: "do not overlap"}.get(overlap)
        verdict = f": the intervals {verdict}" if verdict else ""
        if result.comparator is None:
            size = f"With {state.patients_per_arm} patients the same proportion gives"
        else:
            size = f"With {state.patients_per_arm} patients per arm the same proportions give"
        return (
            f"{result.trial}, {result.outcome}: {_arms(state.published, ', ')}. "
            f"{size} {scaled}{verdict}."
        )


_COUNTING = [("Death or organ failure", "event_free"), ("Deaths only", "overall")]
#: The cyclophosphamide arm's event rate: unit, min, max, step, start.
_RATE = ("per 100 patient-years", 2, 20, 1, round(science.ASTIS_DEFAULT_COMPARATOR_RATE.value))


@register
class EarlyRiskExplorer(Explorer):
    """Follow ASTIS-like patients for longer: the transplant arm starts behind, then overtakes."""

    explorer_id = "autoimmune.early_risk"
    lesson = LESSON
    controls = (
        Slider("horizon_months", "Follow-up", "months", 6, 120, 6, 72),
        Menu("outcome", "Counting", _COUNTING, "event_free", buttons=True),
        Slider("comparator_rate", "Comparator's event rate", *_RATE, "assumed"),
    )

    def compute(self, *, horizon_months, outcome, comparator_rate):
        return science.astis_cumulative_events(horizon_months, comparator_rate, outcome)

    def draw(self, state):
        months, horizon, crossing = state.months, state.horizon_months, state.crossing_month
        diamond = theme.marker_style(4, symbol="diamond", size=13)
        triangle = theme.marker_style(2, symbol="triangle-up", size=13)
        square = theme.marker_style(3, symbol="square", size=10)
        cross, said = [], ""
        if state.crossing_in_view:
            cross, said = [(crossing, state.crossing_pct)], f"curves cross: month {crossing:.1f}"
        astis = science.ASTIS_CURVES_CROSS_MONTHS.value
        reported = theme.columns([(astis, 0)] if horizon >= astis else [], 2)  # on the time axis
        published = science.ASTIS_HAZARD_RATIOS[state.outcome]
        ratios = [(t, hazard_ratio.value) for t, hazard_ratio in published if t <= horizon]
        span = [0, science.ASTIS_HORIZON_MAX_MONTHS]
        no_difference = {"line": {**_THIN, "dash": "dash"}, "showlegend": False}
        log_ratio = {"type": "log", "range": [np.log10(0.2), np.log10(3.0)], "domain": [0.0, 0.3]}
        hazard_ratio_panel = [
            theme.line("hazard ratio, joined (assumed)", months, state.hazard_ratio, 3),
            theme.points("hazard ratio published (ASTIS)", *theme.columns(ratios, 2), square),
            theme.threshold_line("no difference (hazard ratio 1)", span, 1, **no_difference),
        ]
        data = [
            theme.line("transplant (HSCT)", months, state.transplant_pct, 1),
            theme.line("cyclophosphamide", months, state.comparator_pct, 0),
            theme.points("model: curves cross", *theme.columns(cross, 2), diamond),
            _guide("crossing month (guide)", crossing if cross else None, 100, said),
            theme.points("ASTIS's crossing (~2 years)", *reported, triangle, cliponaxis=False),
            *({**trace, "yaxis": "y2"} for trace in hazard_ratio_panel),
        ]
        layout = theme.figure_layout(
            self.title,
            x_title="months after randomisation",
            y_title="patients with an event (%)",
            height=440,
            xaxis={"range": [0, span[1] + 1], "dtick": 12, "anchor": "y2"},
            yaxis={"range": [0, 100], "domain": [0.4, 1.0]},
            yaxis2=theme.axis("hazard ratio (log)", tickvals=[0.25, 0.5, 1, 2], **log_ratio),
            legend=_LEGEND,
            margin={"b": 100, "r": 100},
            annotations=[theme.end_label("no difference<br>(ratio 1)", 0, "y2")],
        )
        return {"data": data, "layout": layout}

    def describe(self, state):
        head = (
            f"Teaching model from ASTIS's hazard ratios: after {state.horizon_months:g} months "
            f"{state.transplant_at_horizon:.1f} % of transplant patients and "
            f"{state.comparator_at_horizon:.1f} % on cyclophosphamide have had "
            f"{science.ASTIS_OUTCOMES[state.outcome]}"
        )
        if state.crossing_month is None:
            return head + "; the curves do not cross within 10 years."
        if state.crossing_in_view:
            return (
                f"{head}; the curves cross at month {state.crossing_month:.1f} (ASTIS: about "
                "2 years): before it treatment-related deaths put the transplant arm behind, "
                "after it the lower hazard puts it ahead."
            )
        return (
            f"{head}; so far the transplant arm is behind (treatment-related deaths); the "
            f"curves cross later, at month {state.crossing_month:.1f}."
        )
