"""Moved: ``haefen_analysis.analysis.regional``. This module only re-exports it, until
version 0.3."""

from haefen_analysis.analysis.regional import (
    REGION_LEVELS,
    RegionalJoinError,
    protection_seekers_by_land,
    protection_seekers_member_vs_rest,
    region_values,
)

__all__ = [
    "REGION_LEVELS",
    "RegionalJoinError",
    "protection_seekers_by_land",
    "protection_seekers_member_vs_rest",
    "region_values",
]
