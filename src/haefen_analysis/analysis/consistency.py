"""Checks that the registry agrees with itself: a note must not say a date is missing beside a
date, and the members' Bündnis columns must agree with the networks table. Each returns the
rows that disagree (empty = consistent); tests run them over the curated data."""

from __future__ import annotations

import re

import pandas as pd

#: Phrases of a note that say the decision (date) was not found, German or English.
#: A phrase in quotes ("die Angabe 'only list evidence' ist überholt") only cites an old note.
MISSING_DATE = re.compile(
    r"(?<!['‘„\"])(?:no decision (?:document )?found|decision date not found|"
    r"no council decision found|only list evidence:|date: (?:year|before|between)|"
    r"(?:Rats)?[Bb]eschluss(?:datum)?(?: und Datum)? nicht gefunden|"
    r"nur Listen(?:beleg|-Evidenz|nachweis))",
)

#: Networks rows that make a place a member of the Bündnis.
BUENDNIS_ROLES = ("member", "founding_member", "land_coordination", "speaker")
POTSDAM = ("potsdamer_erklaerung_2019", "potsdamer_erklaerung_2021")


def note_contradictions(members: pd.DataFrame) -> pd.DataFrame:
    """Members with a decision date whose note says the decision or its date is missing
    (columns member_id, name, declared_on, phrase)."""
    dated = members[members["declared_on"].notna()]
    found = dated["note"].fillna("").str.extract(f"({MISSING_DATE.pattern})", expand=False)
    out = dated.assign(phrase=found)[found.notna()]
    return out[["member_id", "name", "declared_on", "phrase"]].reset_index(drop=True)


def network_disagreements(members: pd.DataFrame, networks: pd.DataFrame) -> pd.DataFrame:
    """Where members.buendnis_member / buendnis_since / potsdamer_erklaerung and the networks
    table disagree (columns member_id, column, members_value, networks_value)."""
    nets = networks.dropna(subset=["member_id"])
    buendnis = nets[(nets["network"] == "buendnis") & nets["role"].isin(BUENDNIS_ROLES)]
    since = buendnis.dropna(subset=["since"]).sort_values("since").groupby("member_id")["since"]
    first = since.first()
    precision = buendnis.dropna(subset=["since"]).sort_values("since").groupby("member_id")
    first_precision = precision["since_precision"].first()
    signed = set(nets.loc[nets["network"].isin(POTSDAM), "member_id"])
    joined = set(buendnis["member_id"])
    rows = []
    for m in members.itertuples():
        for column, value, listed in (
            ("buendnis_member", m.buendnis_member, m.member_id in joined),
            ("potsdamer_erklaerung", m.potsdamer_erklaerung, m.member_id in signed),
        ):
            if _disagree(value, listed):
                rows.append((m.member_id, column, value, "ja" if listed else "—"))
        if pd.notna(m.buendnis_since) and m.member_id in first.index:
            theirs = first[m.member_id], first_precision[m.member_id]
            if not _same_date(m.buendnis_since, m.buendnis_since_precision, *theirs):
                rows.append((m.member_id, "buendnis_since", m.buendnis_since, theirs[0]))
    return pd.DataFrame(rows, columns=["member_id", "column", "members_value", "networks_value"])


def _disagree(value: str, listed: bool) -> bool:
    """A yes/no/unknown column against a networks row: "yes" needs a row, a row needs "yes"
    ("unknown" without a row agrees)."""
    return (value == "yes") != listed and not (value == "unknown" and not listed)


def _same_date(a: pd.Timestamp, pa: str, b: pd.Timestamp, pb: str) -> bool:
    """Two partial dates agree when they are equal at the coarser of their precisions."""
    coarse = "year" if "year" in (pa, pb) else "month" if "month" in (pa, pb) else "day"
    fmt = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[coarse]
    return a.strftime(fmt) == b.strftime(fmt)
