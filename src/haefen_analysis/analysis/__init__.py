"""Analysis by job: Königsteiner keys, Land keys, apportionment, scenarios, the per-Land table,
members, coverage and regional statistics. Functions return codes; labels are added where
the result is shown.

The names re-exported here are the ones notebooks and the README's tour use.
"""

from haefen_analysis.analysis.members import (
    KREIS_COLOURS,
    Profile,
    demand_labels,
    demand_summary,
    kreis_classes,
    map_inputs,
    member_points,
    member_profile,
    members_over_time,
    members_per_kreis,
)
from haefen_analysis.analysis.per_land import cumulative_offer, per_land_table
from haefen_analysis.analysis.scenario import Scenario, allocation_scenario

__all__ = [
    "KREIS_COLOURS",
    "Profile",
    "Scenario",
    "allocation_scenario",
    "cumulative_offer",
    "demand_labels",
    "demand_summary",
    "kreis_classes",
    "map_inputs",
    "member_points",
    "member_profile",
    "members_over_time",
    "members_per_kreis",
    "per_land_table",
]
