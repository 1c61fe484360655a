"""Coverage of the member registry per Land: counts, dates and why the data differ from the
published counts."""

from haefen_analysis import datasets
from haefen_analysis.analysis.coverage import TOLERANCE, member_coverage


def test_coverage_counts_match_the_members_table():
    cov = member_coverage().set_index("land")
    m = datasets.members()
    sh = m[(m["land"] == "01") & m["status"].isin(["declared", "revoked"])]
    assert cov.loc["01", "in_data"] == len(sh)
    assert cov.loc["01", "dated"] == sh["declared_on_precision"].isin(["day", "month"]).sum()
    assert cov["in_data"].sum() == len(m[m["status"].isin(["declared", "revoked"])])


def test_every_land_outside_tolerance_is_explained():
    cov = member_coverage()
    off = cov[(cov["difference"].abs() > TOLERANCE * cov["published"]).fillna(True)]
    assert len(off) > 0  # the 2019 counts are old: there is something to explain
    assert (off["explanation"].str.len() > 0).all(), off[["land_name", "explanation"]]
