"""Moved: ``haefen_analysis.analysis`` (keys, land_keys, scenario, per_land) and
``haefen_analysis.catalogue.labels``. This module only re-exports them, until version 0.3."""

from haefen_analysis.analysis.keys import (
    DEFAULT_RULE,
    EASY_KEY_LAG,
    RULES,
    easy_key_statements,
    easy_key_years,
    key_shares,
)
from haefen_analysis.analysis.land_keys import (
    LAND_KEY_WEIGHTS_FILE,
    apply_land_key,
    land_key,
    land_key_weights,
)
from haefen_analysis.analysis.per_land import (
    ADMITTED_METRICS,
    ALL_CATEGORIES,
    MUNICIPAL_KINDS,
    cumulative_offer,
    per_land_table,
)
from haefen_analysis.analysis.scenario import (
    MemberAllocation,
    allocate_to_laender,
    allocate_to_members,
    crediting_scenarios,
)
from haefen_analysis.catalogue.labels import DEFINITIONS, key_caption
from haefen_analysis.catalogue.labels import DERIVED as LABELS
from haefen_analysis.errors import KeyNotFoundError, QuotaDataError, UnknownLandKeyError

__all__ = [
    "ADMITTED_METRICS",
    "ALL_CATEGORIES",
    "DEFAULT_RULE",
    "DEFINITIONS",
    "EASY_KEY_LAG",
    "LABELS",
    "LAND_KEY_WEIGHTS_FILE",
    "MUNICIPAL_KINDS",
    "RULES",
    "KeyNotFoundError",
    "MemberAllocation",
    "QuotaDataError",
    "UnknownLandKeyError",
    "allocate_to_laender",
    "allocate_to_members",
    "apply_land_key",
    "crediting_scenarios",
    "cumulative_offer",
    "easy_key_statements",
    "easy_key_years",
    "key_caption",
    "key_shares",
    "land_key",
    "land_key_weights",
    "per_land_table",
]
