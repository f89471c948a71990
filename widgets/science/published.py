"""Published values the course builds on, each next to its citation key.

A ``Sourced`` value carries the key of its entry in ``assets/bibliography.toml``,
so a lesson that shows the number can list the source (and a test checks that
every key here resolves).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GRAFT_SOURCES",
    "GRAFT_SOURCE_LABELS",
    "INFECTION_PHASES",
    "NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL",
    "NEUTROPHIL_RECOVERY_MEDIAN_DAYS",
    "PLATELET_RECOVERY_MEDIAN_DAYS",
    "REGISTRY_MATCH_PCT",
    "InfectionPhase",
    "Sourced",
]


@dataclass(frozen=True)
class Sourced:
    """A published number and the bibliography key of where it was published."""

    value: float
    source: str
    note: str = ""


GRAFT_SOURCES = ("peripheral_blood", "bone_marrow", "double_cord_blood", "haploidentical_marrow")

GRAFT_SOURCE_LABELS = {
    "peripheral_blood": "Peripheral blood (sibling donor)",
    "bone_marrow": "Bone marrow (sibling donor)",
    "double_cord_blood": "Double cord blood",
    "haploidentical_marrow": "Haploidentical marrow",
}

#: Neutrophil recovery: first of 3 consecutive days with ANC >= 500/uL
#: (ASTCT consensus definition, Kharfan-Dabaja et al. 2021).
NEUTROPHIL_ENGRAFTMENT_ANC_PER_UL = Sourced(500.0, "kharfandabaja2021")

#: Median day of neutrophil recovery (ANC >= 0.5 x10^9/L) by graft source.
NEUTROPHIL_RECOVERY_MEDIAN_DAYS = {
    "peripheral_blood": Sourced(14, "champlin2000", "HLA-identical sibling donors"),
    "bone_marrow": Sourced(19, "champlin2000", "HLA-identical sibling donors"),
    "double_cord_blood": Sourced(23, "barker2005", "range 15-41 days"),
    "haploidentical_marrow": Sourced(
        24, "symons2020", "myeloablative, post-transplant cyclophosphamide"
    ),
}

#: Median day of platelet recovery (>= 20 x10^9/L) by graft source, where published.
PLATELET_RECOVERY_MEDIAN_DAYS = {
    "peripheral_blood": Sourced(18, "champlin2000"),
    "bone_marrow": Sourced(25, "champlin2000"),
    "haploidentical_marrow": Sourced(29, "symons2020"),
}


@dataclass(frozen=True)
class InfectionPhase:
    """A phase of infection risk after an allogeneic transplant (Tomblyn et al. 2009)."""

    name: str
    start_day: float
    end_day: float | None
    reason: str
    germs: tuple[str, ...]
    source: str = "tomblyn2009"


INFECTION_PHASES = (
    InfectionPhase(
        "Pre-engraftment",
        0,
        30,
        "no neutrophils yet, damaged gut lining (mucositis), central-line catheters",
        ("Gram-negative and Gram-positive bacteria", "Candida", "Aspergillus", "herpes simplex"),
    ),
    InfectionPhase(
        "Early post-engraftment",
        30,
        100,
        "weak cellular (T-cell) immunity, acute GVHD and its treatment",
        ("cytomegalovirus (CMV)", "Pneumocystis", "Aspergillus", "adenovirus"),
    ),
    InfectionPhase(
        "Late",
        100,
        None,
        "chronic GVHD, low antibody levels",
        ("encapsulated bacteria", "varicella-zoster virus", "EBV lymphoproliferative disease"),
    ),
)


#: Chance of finding an 8/8 HLA-matched unrelated adult donor in the US registry, by the
#: patient's ancestry (Gragert et al., NEJM 2014). African American: "below 20 %"; the bar
#: is drawn at 20 as an upper bound.
REGISTRY_MATCH_PCT = {
    "White European": Sourced(75, "gragert2014"),
    "Native American": Sourced(52, "gragert2014"),
    "Chinese": Sourced(41, "gragert2014"),
    "Mexican": Sourced(37, "gragert2014"),
    "South Asian": Sourced(33, "gragert2014"),
    "African American": Sourced(20, "gragert2014", "below 20 %"),
}
