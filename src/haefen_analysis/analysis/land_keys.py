"""Land distribution keys: how a Land passes its intake on to its municipalities (criterion
weights such as 90 % population, 10 % area in NRW), as data in ``land_key_weights.csv``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from haefen_analysis import datasets
from haefen_analysis.common.frames import require_columns
from haefen_analysis.errors import QuotaDataError, UnknownLandKeyError
from haefen_analysis.ingest import codes

#: Land distribution keys (criterion weights) as data.
LAND_KEY_WEIGHTS_FILE = "land_key_weights.csv"


def land_key_weights(data_dir: Path | None = None) -> pd.DataFrame:
    """Criterion weights of the Länder's distribution keys (``data/land_key_weights.csv``),
    validated by the catalogue; here only the rule across rows: weights sum to 1 per Land."""
    frame = datasets.load("land_key_weights", data_dir)
    frame["weight"] = frame["weight"].astype(float)
    sums = frame.groupby("land")["weight"].sum()
    off = sums[(sums - 1).abs() > 1e-9]
    if len(off):
        raise QuotaDataError(
            f"land_key_weights: Gewichte müssen je Land 1 ergeben; {off.to_dict()}"
        )
    return frame


def land_key(
    land: str,
    weights: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    data_dir: Path | None = None,
) -> pd.DataFrame:
    """The criterion weights of a Land's distribution key, or ``UnknownLandKeyError``.

    The error names the Länder whose key is known and, when ``rules`` (``land_rules()``) is
    given, what is known about the Land's rule in words.
    """
    code = codes.land_code(land)
    weights = land_key_weights(data_dir) if weights is None else weights
    rows = weights[weights["land"] == code].reset_index(drop=True)
    if rows.empty:
        known = ", ".join(codes.land_name(c) for c in sorted(weights["land"].unique()))
        text = (
            f"Verteilschlüssel von {codes.land_name(code)} ({code}) unbekannt: keine "
            f"Gewichte in {LAND_KEY_WEIGHTS_FILE} (bekannt für: {known or 'keines'})"
        )
        if rules is not None and "key_or_rule" in rules:
            said = rules.loc[rules["land"] == code, "key_or_rule"].dropna()
            text += f"; land_rules sagt: {said.iloc[0]!r}" if len(said) else "; land_rules: nichts"
        raise UnknownLandKeyError(text)
    return rows


def apply_land_key(
    municipalities: pd.DataFrame,
    land: str,
    weights: pd.DataFrame | None = None,
    data_dir: Path | None = None,
) -> pd.Series:
    """Each municipality's share (fraction, sums to 1) of its Land's intake under the Land key.

    ``municipalities`` needs one numeric column per criterion of the key (e.g. ``population``
    and ``area`` for NRW); share = sum over criteria of weight x value / Land total of that
    value. ``attrs["rule_notes"]`` carries the notes of the key (e.g. the NRW cap that is
    not applied).
    """
    key = land_key(land, weights, data_dir=data_dir)
    require_columns(
        municipalities,
        tuple(key["criterion"]),
        f"Kommunen für den Schlüssel von {land}",
        error=QuotaDataError,
    )
    share = pd.Series(0.0, index=municipalities.index, name="share")
    for criterion, weight in zip(key["criterion"], key["weight"], strict=True):
        values = pd.to_numeric(municipalities[criterion], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            label = bad[bad].index[0]
            raise QuotaDataError(
                f"Kommunen, Zeile {label!r}, Spalte {criterion}: "
                f"{municipalities.loc[label, criterion]} ist keine Zahl ≥ 0"
            )
        if values.sum() <= 0:
            raise QuotaDataError(f"Kommunen, Spalte {criterion}: die Summe ist 0")
        share += weight * values / values.sum()
    share.attrs = dict(land=codes.land_code(land), rule_notes=list(key["rule_note"]))
    return share
