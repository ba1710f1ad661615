"""The DOT safe harbor for written translations (FTA Circular 4702.1B, chapter III):
translate vital documents for each group of people with limited English that is 5 % of the
population served or 1,000 people, whichever is less."""

from __future__ import annotations

SAFE_HARBOR_PERCENT = 5
SAFE_HARBOR_PEOPLE = 1_000


def safe_harbor_threshold(total_population: int | None) -> int:
    """People needed to reach the safe harbor: min(5 % of the total, rounded up; 1,000)."""
    if not total_population or total_population <= 0:
        return SAFE_HARBOR_PEOPLE
    five_percent = -(-total_population * SAFE_HARBOR_PERCENT // 100)  # ceiling, integers only
    return min(five_percent, SAFE_HARBOR_PEOPLE)


def reaches_safe_harbor(people: int, total_population: int | None) -> bool:
    return people >= safe_harbor_threshold(total_population)
