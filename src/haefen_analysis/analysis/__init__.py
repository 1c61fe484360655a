"""Analysis by job: Königsteiner keys, Land keys, apportionment, scenarios, the per-Land table,
members, coverage and regional statistics. Functions return codes; labels are added where
the result is shown (``catalogue.labels``).

The names re-exported here are the ones notebooks and the README's tour use; the one-call
entry points are ``per_land.table(year)``, ``map_layers(land)`` and ``rank(table, column,
land)``.
"""

from haefen_analysis.analysis import per_land
from haefen_analysis.analysis.members import (
    LandSummary,
    MapLayers,
    Profile,
    admissions_by_year,
    demand_rows,
    demand_summary,
    land_meetings,
    land_summary,
    map_layers,
    member_points,
    member_profile,
    members_over_time,
    members_per_kreis,
    sichere_haefen_admissions,
)
from haefen_analysis.analysis.per_land import cumulative_offer, per_land_table, rank
from haefen_analysis.analysis.scenario import Scenario, allocation_scenario

__all__ = [
    "LandSummary",
    "MapLayers",
    "Profile",
    "Scenario",
    "admissions_by_year",
    "allocation_scenario",
    "cumulative_offer",
    "demand_rows",
    "demand_summary",
    "land_meetings",
    "land_summary",
    "map_layers",
    "member_points",
    "member_profile",
    "members_over_time",
    "members_per_kreis",
    "per_land",
    "per_land_table",
    "rank",
    "sichere_haefen_admissions",
]
