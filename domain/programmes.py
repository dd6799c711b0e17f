"""Benefit programmes and their monthly amounts (Decree 20/2021, Decree 76/2024).

Monthly allowance = social assistance base level × coefficient. Amounts are integers in đồng.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import N_

# Social assistance base level from 1 July 2024 (Decree 76/2024/NĐ-CP).
BASE_LEVEL = 500_000


@dataclass(frozen=True)
class Programme:
    code: str
    name: str  # English msgid; translated at render time
    coefficient_tenths: int

    @property
    def monthly_amount(self) -> int:
        return BASE_LEVEL * self.coefficient_tenths // 10


PROGRAMMES: dict[str, Programme] = {
    p.code: p
    for p in (
        Programme("elderly_80", N_("Elderly person aged 80 or over without a pension"), 10),
        Programme(
            "elderly_poor",
            N_("Elderly person aged 60 to 80 in a poor household, without a supporter"),
            15,
        ),
        Programme("disability_severe", N_("Person with a severe disability"), 15),
        Programme(
            "disability_severe_elderly",
            N_("Elderly person or child with a severe disability"),
            20,
        ),
        Programme(
            "disability_particularly_severe",
            N_("Person with a particularly severe disability"),
            20,
        ),
        Programme(
            "disability_particularly_severe_elderly",
            N_("Elderly person or child with a particularly severe disability"),
            25,
        ),
        Programme("single_parent_poor", N_("Single parent in a poor household"), 10),
        Programme("orphan_child", N_("Child without a source of support"), 15),
    )
}


def programme(code: str) -> Programme:
    return PROGRAMMES[code]


def programme_name(code: str) -> str:
    found = PROGRAMMES.get(code)
    return found.name if found else code
