"""The member profile's offers, admissions by year, funding, networks and programmes, and a
Land's programmes and funding (the accessors the reports use)."""

from __future__ import annotations

import pandas as pd

from haefen_analysis import analysis, datasets


def test_profile_answers_offer_admission_money_and_network_questions():
    p = analysis.member_profile("potsdam")
    assert {"bmi", "land"} <= set(p.offers["addressee"].astype(str))
    accepted = p.offers[p.offers["response"] == "accepted"].iloc[0]
    assert (accepted["places"], accepted["response_on"]) == (24, pd.Timestamp("2020-01-22"))
    by_year = p.admissions_by_year.set_index(["year_from", "year_to", "metric"])
    assert by_year.loc[(2018, 2020, "arrived"), "value"].tolist()[0] == 72  # one row, not split
    assert set(p.funding["kind"].astype(str)) == {"patenschaft"}
    assert "founding_member" in set(p.networks["role"].astype(str))
    assert set(p.programmes["land"]) == {"12"} and "bb-lap-jordanien" in set(
        p.programmes["programme_id"]
    )
    assert set(p.pledges["kind"].astype(str)) <= {"pledge", "contingent"}


def test_admissions_by_year_keeps_periods_whole():
    adm = datasets.admissions()
    out = analysis.admissions_by_year(adm[adm["member_id"] == "kiel"])
    assert out[["year_from", "year_to", "value"]].values.tolist() == [[2019, 2023, 8]]


def test_land_summary_sums_money_only_within_kind_and_period():
    s = analysis.land_summary("Mecklenburg-Vorpommern")
    by = s.funding_by_kind.set_index(["kind", "per"])
    assert by.loc[("patenschaft", "year"), "decisions"] == 3  # Rostock 7.000, Greifswald 2 × 2.000
    assert by.loc[("patenschaft", "year"), "amount_known_eur"] == 11000
    assert s.programmes.empty and s.arrivals.empty


def test_land_summary_shows_the_latest_arrivals_per_programme():
    s = analysis.land_summary("SH").arrivals.set_index("programme_id")
    assert s.loc["sh-lap-500", "value"] == 511
    assert pd.isna(s.loc["sh-lap-afghanistan-2021", "value"])  # unknown, not 0


def test_pledges_alias_excludes_capacity_statements():
    offers = datasets.offers().set_index("offer_id")
    assert offers.loc["duesseldorf-2018-07-other", "kind"] == "capacity_statement"
    assert "duesseldorf-2018-07-other" not in set(datasets.pledges()["offer_id"])
