"""Lesson 00: the cell family tree, the transplant journey, and which transplant fits.

Pure functions: no widgets, no plotting, no file reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ._validate import check_choice, check_flag, check_range, finite_result
from .published import (
    GRAFT_SOURCES,
    INFECTION_PHASES,
    NEUTROPHIL_RECOVERY_MEDIAN_DAYS,
    PLATELET_RECOVERY_MEDIAN_DAYS,
    InfectionPhase,
)

__all__ = [
    "TRANSPLANT_QUESTIONS",
    "JourneyDay",
    "TransplantChoice",
    "choose_transplant",
    "infection_phase",
    "infection_phase_bounds",
    "journey_day",
    "lineage_path",
    "tree_positions",
]


#: The most cells a family tree may hold (the course's has 14).
MAX_TREE_CELLS = 10_000


def _check_parents(parents: object) -> dict[str, str | None]:
    """A family tree as a mapping cell -> parent cell (``None`` for the root)."""
    allowed = (
        f"a mapping of 1 to {MAX_TREE_CELLS:,} cell names (non-empty strings) to the name of "
        "each cell's parent (None for the root)"
    )
    if not isinstance(parents, Mapping) or not 1 <= len(parents) <= MAX_TREE_CELLS:
        raise ValueError(f"parents must be {allowed}; got {type(parents).__name__}")
    checked: dict[str, str | None] = {}
    for cell, parent in parents.items():
        if not isinstance(cell, str) or not cell:
            raise ValueError(f"parents must be {allowed}; a cell is named {cell!r}")
        if parent is not None and (not isinstance(parent, str) or parent not in parents):
            raise ValueError(
                f"parents must be {allowed}, each parent one of the cells; "
                f"the parent of {cell!r} is {parent!r}"
            )
        checked[cell] = parent
    return checked


@finite_result
def lineage_path(parents: Mapping[str, str | None], cell: str) -> list[str]:
    """The chain of cells from the stem cell (the root) down to ``cell``.

    ``parents`` maps each cell to the cell it comes from (``None`` for the root).
    """
    parents = _check_parents(parents)
    check_choice("cell", cell, parents)
    path = [cell]
    seen = {cell}
    while (parent := parents[path[-1]]) is not None:
        if parent in seen:
            raise ValueError(f"parents must form a tree; the lineage has a loop through {parent!r}")
        seen.add(parent)
        path.append(parent)
    return path[::-1]


@finite_result
def tree_positions(parents: Mapping[str, str | None]) -> dict[str, tuple[float, float]]:
    """x, y positions for drawing a family tree: the root on top, leaves evenly spaced.

    Each leaf takes the next slot from left to right; a parent sits above the middle
    of its children. ``y`` is minus the depth. (Walked without recursion, so a deep
    chain of cells is no problem.)
    """
    parents = _check_parents(parents)
    children: dict[str | None, list[str]] = {}
    for cell, parent in parents.items():
        children.setdefault(parent, []).append(cell)
    roots = children.get(None, [])
    if len(roots) != 1:
        raise ValueError(f"parents must name exactly one root (parent None); found {len(roots)}")
    positions: dict[str, tuple[float, float]] = {}
    next_leaf = 0.0
    # depth-first, children in order; a cell is placed after all its children
    stack: list[tuple[str, int, bool]] = [(roots[0], 0, False)]
    while stack:
        cell, depth, children_done = stack.pop()
        kids = children.get(cell, [])
        if not kids:
            positions[cell] = (next_leaf, -float(depth))
            next_leaf += 1.0
        elif children_done:
            xs = [positions[kid][0] for kid in kids]
            positions[cell] = ((min(xs) + max(xs)) / 2.0, -float(depth))
        else:
            stack.append((cell, depth, True))
            stack.extend((kid, depth + 1, False) for kid in reversed(kids))
    if len(positions) != len(parents):
        raise ValueError(
            "parents must form a tree: every cell's parent chain must lead to the root"
        )
    return positions


@finite_result
def infection_phase_bounds(
    engraftment_day: float | None,
) -> tuple[tuple[float | None, float | None], ...]:
    """The days each phase of infection risk spans, for a given neutrophil engraftment day.

    The one definition of the phases for the whole course (lessons 00 and 04):
    *pre-engraftment* runs from day 0 to the day of neutrophil engraftment (``None``:
    never engrafted, so it never ends), *early post-engraftment* from engraftment to
    day 100 (or to engraftment, if that were later), and *late* after that. Tomblyn et
    al., Biol Blood Marrow Transplant 2009, describe the phases this way; their
    pre-engraftment phase lasts "about 30 days" because that is when most grafts engraft.
    """
    if engraftment_day is None:  # never engrafted: pre-engraftment never ends
        return ((0.0, None), (None, None), (None, None))
    engraft = check_range("engraftment_day", engraftment_day, 0, None, unit="days")
    early_end = max(float(INFECTION_PHASES[1].end_day or 100), engraft)
    return ((0.0, engraft), (engraft, early_end), (early_end, None))


@finite_result
def infection_phase(day: float, engraftment_day: float | None = None) -> InfectionPhase:
    """The phase of infection risk on ``day`` after an allogeneic transplant.

    Pre-engraftment lasts until ``engraftment_day`` (the day neutrophils recover); without
    one, the typical day 30 of Tomblyn et al. (2009) is used. The phase returned carries
    the days it spans for that engraftment day. See ``infection_phase_bounds``.
    Phases and their germs from Tomblyn et al., Biol Blood Marrow Transplant 2009.
    """
    day = check_range("day", day, 0, None, unit="days after infusion")
    if engraftment_day is None:
        engraftment_day = float(INFECTION_PHASES[0].end_day or 30)
    bounds = infection_phase_bounds(engraftment_day)
    for phase, (start, end) in zip(INFECTION_PHASES, bounds, strict=True):
        if end is None or day < end:
            return replace(phase, start_day=start, end_day=end)
    raise AssertionError("the last phase is open-ended")  # pragma: no cover


@dataclass(frozen=True)
class JourneyDay:
    """Where a patient is on ``day`` after an allogeneic graft from ``graft_source``."""

    day: float
    graft_source: str
    phase: InfectionPhase
    neutrophil_median_day: float
    platelet_median_day: float | None
    neutrophils_recovered: bool
    platelets_recovered: bool | None


@finite_result
def journey_day(day: float, graft_source: str = "bone_marrow") -> JourneyDay:
    """The typical state of a patient ``day`` days after infusion.

    "Recovered" compares the day with the published median day of recovery for
    the graft source (half of patients recover later), and the phase of infection
    risk ends pre-engraftment on that same median day (``infection_phase_bounds``),
    so the neutrophils are never "back" in the pre-engraftment phase: neutrophils and platelets
    after sibling blood or marrow grafts, Champlin et al., Blood 2000; double cord
    blood, Barker et al., Blood 2005; haploidentical marrow, Symons et al., Blood
    Adv 2020. Infection phases: Tomblyn et al. 2009.
    """
    day = check_range("day", day, 0, 3650, unit="days after infusion")
    graft_source = check_choice("graft_source", graft_source, GRAFT_SOURCES)
    neutrophil_day = float(NEUTROPHIL_RECOVERY_MEDIAN_DAYS[graft_source].value)
    platelet = PLATELET_RECOVERY_MEDIAN_DAYS.get(graft_source)
    platelet_day = None if platelet is None else float(platelet.value)
    return JourneyDay(
        day=day,
        graft_source=graft_source,
        phase=infection_phase(day, neutrophil_day),
        neutrophil_median_day=neutrophil_day,
        platelet_median_day=platelet_day,
        neutrophils_recovered=day >= neutrophil_day,
        platelets_recovered=None if platelet_day is None else day >= platelet_day,
    )


#: The questions ``choose_transplant`` asks, each -> (where "yes" leads, where "no" leads).
TRANSPLANT_QUESTIONS = {
    "disease": ("donor", "own_cells"),
    "own_cells": ("autologous", "donor"),
    "donor": ("allogeneic", "alternative"),
}


@dataclass(frozen=True)
class TransplantChoice:
    """Which kind of transplant fits a patient, the path of questions that decided it, and why."""

    kind: str  # "autologous", "allogeneic" or "allogeneic (alternative donor)"
    path: tuple[str, ...]  # decision nodes visited, ending with the outcome node
    reason: str
    trade_offs: str


@finite_result
def choose_transplant(
    *, disease_in_stem_cells: bool, own_cells_healthy: bool, matched_donor: bool
) -> TransplantChoice:
    """Autologous or allogeneic: the textbook reasoning, simplified for teaching.

    * If the disease lives in the blood-forming stem cells themselves (marrow
      failure, an inherited blood or immune disease) or the patient's own stem
      cells cannot be collected healthy, the new marrow must come from someone
      else: an allogeneic transplant, from a matched donor when there is one,
      otherwise from an alternative donor (haploidentical relative, cord blood);
      for some inherited diseases, gene therapy of the patient's own cells
      (lesson 03) is the other road.
    * Otherwise the patient's own collected stem cells can rebuild the marrow
      after high-dose treatment: an autologous transplant (the autoimmune reset
      of lesson 02). Graft-versus-host disease almost never follows it: a rare,
      usually mild GVHD-like illness is described (Kanfar & Al-Anazi, Ann Stem Cells
      Regen Med 2018).
    """
    disease_in_stem_cells = check_flag("disease_in_stem_cells", disease_in_stem_cells)
    own_cells_healthy = check_flag("own_cells_healthy", own_cells_healthy)
    matched_donor = check_flag("matched_donor", matched_donor)
    allogeneic_trade = (
        "A donor's healthy stem cells and immune system replace the patient's; the new "
        "immune system can attack leftover disease (graft-versus-leukaemia), but it can "
        "also attack the patient (graft-versus-host disease), the graft can be rejected, "
        "and immunosuppression is needed for months."
    )
    if not disease_in_stem_cells and own_cells_healthy:
        return TransplantChoice(
            kind="autologous",
            path=("disease", "own_cells", "autologous"),
            reason=(
                "The stem cells are not where the disease lives and the patient's own can be "
                "collected healthy, so they can be stored, given back after high-dose "
                "treatment, and rebuild the marrow and immune system."
            ),
            trade_offs=(
                "No donor search, no rejection and almost never graft-versus-host disease "
                "(a rare, usually mild form is described; Kanfar 2018); but no donor immune "
                "attack on the disease either, and any diseased cells collected with the "
                "graft go back in."
            ),
        )
    first = ("disease", "donor") if disease_in_stem_cells else ("disease", "own_cells", "donor")
    why = (
        "The disease lives in the patient's own stem cells, so giving them back would give "
        "the disease back."
        if disease_in_stem_cells
        else "The patient's own stem cells cannot be collected healthy."
    )
    if matched_donor:
        return TransplantChoice(
            kind="allogeneic",
            path=(*first, "allogeneic"),
            reason=f"{why} A matched donor's stem cells can replace them.",
            trade_offs=allogeneic_trade,
        )
    return TransplantChoice(
        kind="allogeneic (alternative donor)",
        path=(*first, "alternative"),
        reason=(
            f"{why} With no matched donor, a half-matched (haploidentical) relative or "
            "cord blood can be the donor; for some inherited diseases, correcting the "
            "patient's own stem cells by gene therapy is the other road (lesson 03)."
        ),
        trade_offs=allogeneic_trade
        + " A mismatched donor raises these risks and calls for stronger prevention.",
    )
