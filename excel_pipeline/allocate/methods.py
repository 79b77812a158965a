"""Share seats (or award quotas) among units: exactly, deterministically, explainably
(docs/domain.md, Allocation).

Methods: largest remainder (Hamilton, the default), D'Hondt, Sainte-Laguë and Huntington–Hill.
All arithmetic is exact (`Fraction`); ties go to the larger weight, then to the smaller unit code.
Reserved seats are taken off first; every unit then gets at least `minimum`: units the method
leaves below it are fixed at the minimum and the rest is shared again among the others, so when
no minimum binds, Hamilton gives each unit the floor or the ceiling of its exact quota.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from ..campaign import ALLOCATION_METHODS
from ..errors import DhttError

METHOD_LABELS = ALLOCATION_METHODS
METHODS = tuple(METHOD_LABELS)


class AllocationError(DhttError):
    """The request cannot be met (minimums above the seats, no weight, negative numbers)."""


@dataclass(frozen=True)
class Share:
    """One unit's part: its weight, exact proportional quota, and the seats it gets."""

    unit: str
    weight: int
    quota: Fraction
    seats: int

    def to_dict(self) -> dict[str, object]:
        return {"unit": self.unit, "weight": self.weight, "quota": float(self.quota),
                "quota_exact": str(self.quota), "seats": self.seats}


def allocate(weights: Mapping[str, int], seats: int, method: str = "hamilton", minimum: int = 1,
             reserved: int = 0) -> list[Share]:
    """Share `seats - reserved` among the units of `weights`; the sum always equals it."""
    _check(weights, seats, method, minimum, reserved)
    available = seats - reserved
    total = sum(weights.values())
    quotas = {u: Fraction(available * w, total) for u, w in weights.items()}
    fixed: dict[str, int] = {}
    while True:
        free = {u: w for u, w in weights.items() if u not in fixed}
        left = available - sum(fixed.values())
        result = _apportion(free, left, method) if free else {}
        below = [u for u, n in result.items() if n < minimum]
        if not below:
            break
        for unit in below:
            fixed[unit] = minimum
    result.update(fixed)
    return [Share(u, weights[u], quotas[u], result[u]) for u in weights]


def _check(weights: Mapping[str, int], seats: int, method: str, minimum: int,
           reserved: int) -> None:
    if method not in METHODS:
        raise AllocationError(f"Phương pháp phân bổ «{method}» không có; chọn một trong: "
                              f"{', '.join(METHODS)}.")
    if seats < 0 or reserved < 0 or minimum < 0:
        raise AllocationError("Số chỉ tiêu, số dành riêng và mức tối thiểu không được âm.")
    if reserved > seats:
        raise AllocationError(f"Số dành riêng ({reserved}) lớn hơn tổng số chỉ tiêu ({seats}).")
    if not weights:
        raise AllocationError("Không có đơn vị nào để phân bổ.")
    negative = [u for u, w in weights.items() if w < 0]
    if negative:
        raise AllocationError(f"Trọng số âm ở đơn vị: {', '.join(negative)}.")
    if sum(weights.values()) == 0:
        raise AllocationError("Tổng trọng số bằng 0 (chưa có số đoàn viên?): không phân bổ được.")
    if minimum * len(weights) > seats - reserved:
        raise AllocationError(
            f"Không thể bảo đảm tối thiểu {minimum} cho {len(weights)} đơn vị "
            f"(cần {minimum * len(weights)}) khi chỉ có {seats - reserved} chỉ tiêu để chia.")


def _tie_key(unit: str, weight: int) -> tuple[int, str]:
    return (-weight, unit)


def _apportion(weights: Mapping[str, int], seats: int, method: str) -> dict[str, int]:
    if method == "hamilton":
        return _hamilton(weights, seats)
    return _divisor(weights, seats, _PRIORITY[method])


def _hamilton(weights: Mapping[str, int], seats: int) -> dict[str, int]:
    total = sum(weights.values())
    if total == 0:
        return _divisor(weights, seats, _PRIORITY["dhondt"])
    quotas = {u: Fraction(seats * w, total) for u, w in weights.items()}
    result = {u: int(q) for u, q in quotas.items()}  # floor: quotas are non-negative
    left = seats - sum(result.values())
    order = sorted(weights, key=lambda u: (-(quotas[u] - result[u]), *_tie_key(u, weights[u])))
    for unit in order[:left]:
        result[unit] += 1
    return result


def _dhondt(weight: int, held: int) -> tuple[int, Fraction]:
    return (0, Fraction(weight, held + 1))


def _sainte_lague(weight: int, held: int) -> tuple[int, Fraction]:
    return (0, Fraction(weight, 2 * held + 1))


def _huntington_hill(weight: int, held: int) -> tuple[int, Fraction]:
    # Priority w / sqrt(s(s+1)); compared through its square to stay exact. A unit with no seat
    # has infinite priority (rank 1 beats rank 0).
    if held == 0:
        return (1, Fraction(weight))
    return (0, Fraction(weight * weight, held * (held + 1)))


_PRIORITY: dict[str, Callable[[int, int], tuple[int, Fraction]]] = {
    "dhondt": _dhondt, "sainte-lague": _sainte_lague, "huntington-hill": _huntington_hill}


def _divisor(weights: Mapping[str, int], seats: int,
             priority: Callable[[int, int], tuple[int, Fraction]]) -> dict[str, int]:
    result = dict.fromkeys(weights, 0)
    for _ in range(seats):
        best = max(weights, key=lambda u: (priority(weights[u], result[u]),
                                           weights[u], _reverse(u)))
        result[best] += 1
    return result


def _reverse(unit: str) -> tuple[int, ...]:
    """Makes `max` prefer the smaller code on a full tie."""
    return (*(-ord(ch) for ch in unit), 0)
