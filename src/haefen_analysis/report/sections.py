"""The composite parts of the report pages, built from ``analysis`` results: the short answer
box of a member profile, offers with near-identical rows collapsed, admissions split by
programme kind, meetings with what was asked next to what the Land does, and the one
sentence that replaces empty sections.

Everything here displays what it builds (like the other ``report`` helpers); text from data
is escaped, sources become numbered references.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from haefen_analysis import report
from haefen_analysis.analysis import admissions as admitted
from haefen_analysis.analysis.members import LandSummary, Profile
from haefen_analysis.catalogue.labels import UNKNOWN, value_label
from haefen_analysis.common import dates
from haefen_analysis.ingest import codes

#: Offers that differ only in who made them are shown as one row naming everyone.
OFFER_FIELDS = (
    "offered_on",
    "kind",
    "places",
    "places_qualifier",
    "addressee",
    "credited_as_offered",
    "response",
    "source",
)
#: Offer kinds that promise no places (shown as what they are, never as pledged places).
NOT_PLEDGES = ("capacity_statement", "request")
#: Who offered, when the offer names no member of the registry (the Bündnis, a place not in
#: it).
NOT_LISTED = "ohne Eintrag im Verzeichnis"
#: How to add what is missing.
HOW_TO_ADD = (
    "Ergänzen lässt sich das mit dem Meldebogen: `haefen template` schreibt ihn, "
    "`haefen validate meldebogen.xlsx` liest die ausgefüllten Zeilen mit Quelle ein."
)


def _display(body: str) -> None:
    from IPython.display import HTML, display

    display(HTML(body))


def period(start: object, start_precision: object, end: object, end_precision: object) -> str:
    """A period in German: "2019", "2018–2020", or "ab 2019 (Stand 04.12.2023)" when the end
    is a day and the start is not (the end is then the date of the source, not an end)."""
    first = dates.german(start, start_precision)
    if end is None or pd.isna(end):
        return first
    last = dates.german(end, end_precision)
    if end_precision == "day" and start_precision != "day":
        return f"ab {first} (Stand {last})"
    return first if first == last else f"{first}–{last}"


def periods(frame: pd.DataFrame) -> list[str]:
    """``period`` of every row (admissions, programmes: ``period_start``, ``period_end`` with
    their precisions)."""
    return [
        period(s, sp, e, ep)
        for s, sp, e, ep in zip(
            frame["period_start"],
            frame["period_start_precision"].astype(str),
            frame["period_end"],
            frame["period_end_precision"].astype(str),
            strict=True,
        )
    ]


def _names(ids: list[str], names: Mapping[str, str]) -> list[str]:
    return [names.get(i, i) for i in ids]


def _who(ids: list[str], names: Mapping[str, str]) -> str:
    """ "Kiel" or "16 Kommunen (Bielefeld, Blomberg, …)"."""
    shown = sorted(_names(ids, names))
    if len(shown) == 1:
        return shown[0]
    return f"{len(shown)} Kommunen ({', '.join(shown)})"


def collapse_offers(offers: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Offers with rows that say the same thing merged: first those that differ only in the
    member, then those made by the same members on the same day from the same source (the
    groups and descriptions joined). ``member_id`` becomes the display text of who offered
    (``names``: member_id → name); ``members`` keeps the ids."""
    if offers.empty:
        return offers.assign(members=[])
    keys = [c for c in OFFER_FIELDS if c in offers] + ["group", "description"]
    work = offers.assign(
        _id=offers["member_id"].fillna(""),
        _key=offers[keys].astype("string").fillna("").agg("|".join, axis=1),
    )
    kept = {c: (c, "first") for c in offers.columns if c != "member_id"}
    first = work.groupby("_key", sort=False).agg(**kept, members=("_id", list))
    first = first.reset_index(drop=True)
    same = [c for c in OFFER_FIELDS if c in first]
    first["_who"] = first["members"].map(lambda ids: "|".join(sorted(ids)))
    groups = first.groupby([*same, "_who"], sort=False, dropna=False)
    rows = []
    for _, part in groups:
        row = part.iloc[0].copy()
        row["group"] = "/".join(dict.fromkeys(str(g) for g in part["group"]))
        row["description"] = "; ".join(dict.fromkeys(part["description"].astype(str)))
        rows.append(row)
    out = pd.DataFrame(rows).reset_index(drop=True)
    out["member_id"] = [
        _who([i for i in ids if i], names) if any(ids) else NOT_LISTED for ids in out["members"]
    ]
    return out.drop(columns=["_who"])


def offers_table(offers: pd.DataFrame, names: Mapping[str, str], columns: list[str]) -> None:
    """The offers (collapsed) as a table; capacity statements and requests keep their kind in
    the "Art des Angebots" column, so they are never read as pledged places."""
    shown = collapse_offers(offers, names)
    report.table(shown, "offers", columns=columns)


def admissions_tables(
    admissions: pd.DataFrame, names: Mapping[str, str], columns: list[str]
) -> None:
    """One table per programme kind (Sichere Häfen, Landesaufnahme, Bund/EU), each with its
    period as text and counts by the count and "< 3" rules; context rows are not shown."""
    summed = set(admitted.counted(admissions).index)
    arrived = admissions["metric"].astype(str).isin(admitted.ARRIVED)
    in_sum = [
        "ja" if i in summed else "nein, Zeitraum schon gezählt" if a else "–"
        for i, a in zip(admissions.index, arrived, strict=True)
    ]
    admissions = admissions.assign(in_sum=in_sum)
    for kind in admitted.KINDS:
        part = admissions[admissions["programme_kind"].astype(str) == kind]
        if part.empty:
            continue
        shown = part.assign(
            member_id=part["member_id"].map(lambda m: names.get(m, m) if pd.notna(m) else "–"),
            value=report.small_counts(part["value"], part["group"]),
            period=periods(part),
        )
        report.say("**{kind}**", kind=value_label("programme_kind", kind, "admissions"))
        report.table(
            shown,
            "admissions",
            columns=[c for c in columns if c != "source"] + ["in_sum", "source"],
        )


def _land_rule(rules: pd.DataFrame, land: str) -> str:
    """What the Land does about crediting, with the source as reference (HTML)."""
    name = codes.land_name(land)
    own = rules[rules["land"] == land]
    if own.empty:
        return f"Für {html.escape(name)} ist nicht bekannt, ob Sonderaufnahmen angerechnet werden."
    parts = []
    for _, row in own.iterrows():
        text = value_label("crediting", row["crediting"], "land_rules")
        note = row.get("crediting_note")
        if isinstance(note, str) and note.strip() and note.strip() != "nicht gefunden":
            text += f": {report.escape(note)}"
        parts.append(f"{text} {report.refs(row['source'])}")
    return f"{html.escape(name)}: " + "; ".join(parts)


def meetings(
    meetings: pd.DataFrame,
    names: Mapping[str, str],
    offers: pd.DataFrame,
    rules: pd.DataFrame,
    land: str,
) -> None:
    """The meetings, newest last: date, level, who took part (by name), topic with what was
    asked, the offers the participants made that day, and – where the offers were made "ohne
    Anrechnung" (in addition to the quota) – what the Land actually does."""
    items = []
    for _, m in meetings.iterrows():
        when = dates.german(m["date"], m.get("date_precision", "day")) or value_label(
            "recurrence", m.get("recurrence"), "meetings"
        )
        level = value_label("level", m["level"], "meetings")
        people = [p for p in str(m["participants"] or "").split(";") if p]
        who = ", ".join(html.escape(n) for n in sorted(_names(people, names)))
        lines = [
            f"<b>{html.escape(when)}</b> ({html.escape(level)}): {report.escape(m['topic'])} "
            f"{report.refs(m['source'])}",
            f"Teilnehmende ({len(people)}): {who or UNKNOWN}",
        ]
        day = offers[
            offers["member_id"].isin(people)
            & offers["offered_on"].notna()
            & (offers["offered_on"] == m["date"])
        ]
        if len(day):
            for _, row in collapse_offers(day, names).iterrows():
                groups = value_label("group", row["group"], "offers")
                lines.append(
                    f"Angeboten: {report.escape(row['description'])} ({html.escape(groups)}; "
                    f"Plätze je Kommune: {report.number(row['places'])}) "
                    f"{report.refs(row['source'])}"
                )
            if (day["credited_as_offered"].astype(str) == "no").any():
                lines.append(
                    "Gefordert wurde eine Aufnahme <b>ohne Anrechnung</b> auf die Quote "
                    f"(zusätzlich). Was das Land tut: {_land_rule(rules, land)}"
                )
        items.append("<li>" + "<br>".join(lines) + "</li>")
    _display(f'<ul class="meetings">{"".join(items)}</ul>')


def demand_counts(summary: pd.DataFrame) -> None:
    """Seebrücke's demands in a Land: how many members decided and fulfilled each, by the
    count rule ("3 (17 unbekannt)"; "unbekannt" where no member's answer is known)."""
    rows = summary[["demand"]].copy()
    for col in ("decided", "fulfilled"):
        total = summary[[f"{col}_yes", f"{col}_no", f"{col}_unknown"]].sum(axis=1)
        rows[f"{col}_yes"] = [
            report.counts.count_text(y, int(u), int(t))
            for y, u, t in zip(summary[f"{col}_yes"], summary[f"{col}_unknown"], total, strict=True)
        ]
    report.table(rows, note=report.counts.RULE_NOTE)


def missing_note(parts: Mapping[str, pd.DataFrame]) -> None:
    """One sentence for every part with no row ("Nicht bekannt: Ansprechstellen, …"), with how
    to add it; nothing when every part has rows."""
    empty = [name for name, frame in parts.items() if frame is None or frame.empty]
    if empty:
        report.say("**Nicht bekannt:** {parts}. " + HOW_TO_ADD, parts=", ".join(empty))


def _since(member: pd.Series) -> str:
    decided = dates.german(member["declared_on"], member["declared_on_precision"])
    body = member.get("declaring_body")
    text = report.escape(decided) if decided else "Beschlussdatum unbekannt"
    if not decided and pd.notna(member.get("listed_by")):
        listed = dates.german(member["listed_by"], member["listed_by_precision"])
        text += f" (als Sicherer Hafen belegt seit {report.escape(listed)})"
    if isinstance(body, str) and body.strip():
        text += f", {report.escape(body)}"
    status = value_label("status", member["status"], "members")
    qualifier = member.get("status_qualifier")
    if isinstance(qualifier, str) and qualifier:
        status += f", {value_label('status_qualifier', qualifier, 'members')}"
        note = member.get("status_note")
        if isinstance(note, str) and note.strip():
            status += f": {report.escape(note)}"
    return f"{text}. Status: {html.escape(status)}"


def _buendnis(member: pd.Series, networks: pd.DataFrame) -> str:
    value = str(member["buendnis_member"])
    since = dates.german(member["buendnis_since"], member["buendnis_since_precision"])
    text = {
        "yes": f"Mitglied seit {since}" if since else "Mitglied (Beitrittsdatum unbekannt)",
        "no": "kein Mitglied",
    }.get(value, "unbekannt, ob Mitglied")
    other = networks[networks["network"].astype(str) != "buendnis"]
    if len(other):
        named = [
            f"{value_label('network', n, 'networks')} ({value_label('role', r, 'networks')})"
            for n, r in zip(other["network"], other["role"], strict=True)
        ]
        text += "; weitere Netzwerke: " + ", ".join(dict.fromkeys(named))
    return html.escape(text)


def _last_meeting(meetings: pd.DataFrame) -> str:
    dated = meetings[meetings["date"].notna()].sort_values("date")
    parts = []
    if len(dated):
        last = dated.iloc[-1]
        when = dates.german(last["date"], last.get("date_precision", "day"))
        parts.append(f"zuletzt: {report.escape(when)} ({report.escape(last['topic'])})")
    for _, m in meetings[meetings["date"].isna()].iterrows():
        turn = value_label("recurrence", m.get("recurrence"), "meetings")
        parts.append(f"regelmäßig ({html.escape(turn)}): {report.escape(m['topic'])}")
    return "; ".join(parts) or "kein Treffen in den Daten"


def _offered(profile: Profile) -> str:
    pledges = profile.pledges
    unknown = int(pledges["places"].isna().sum())
    text = report.counts.count_text(
        pledges["places"].sum(min_count=1), unknown, len(pledges), empty="keine Zusage in den Daten"
    )
    if len(pledges):
        groups = [value_label("group", g, "offers") for g in pledges["group"].astype(str)]
        noun = "Zusage" if len(pledges) == 1 else "Zusagen"
        what = f"{len(pledges)} {noun} ({', '.join(dict.fromkeys(groups))})"
        if unknown == len(pledges):
            text = f"Zahl der Plätze unbekannt: {what}, keine nennt eine Zahl"
        else:
            text = f"{text} Plätze in {what}"
    parts = [html.escape(text)]
    others = profile.offers[profile.offers["kind"].astype(str).isin(NOT_PLEDGES)]
    for _, row in others.iterrows():
        kind = value_label("kind", row["kind"], "offers")
        when = dates.german(row["offered_on"], row.get("offered_on_precision", "day"))
        parts.append(
            f"{html.escape(kind)}, keine Zusage ({html.escape(when or UNKNOWN)}): "
            f"{report.escape(row['description'])}"
        )
    return "; ".join(parts)


def capacity_statements(offers: pd.DataFrame, names: Mapping[str, str]) -> str:
    """The capacity statements that are no pledge and are not counted, as the overview lists
    them ("Düsseldorf, 26.07.2018: …; …", "keine"): a reader sees what was left out."""
    rows = offers[offers["kind"].astype(str) == "capacity_statement"]
    return (
        "; ".join(
            f"{names.get(row.member_id, 'ohne Eintrag')}, "
            f"{report.date(row.offered_on, row.offered_on_precision)}: "
            f"{str(row.description).rstrip('.')}"
            for row in rows.itertuples()
        )
        or "keine"
    )


def _kind_totals(rows: pd.DataFrame) -> list[str]:
    """Per programme kind: the total, what it is, when, whether it was credited."""
    parts = []
    for kind in admitted.KINDS:
        part = rows[rows["programme_kind"].astype(str) == kind]
        if part.empty:
            continue
        total = report.total(part["value"], part["group"])
        label = value_label("programme_kind", kind, "admissions")
        credited = [value_label("credited", c, "admissions") for c in part["credited"]]
        when = ", ".join(periods(part))
        parts.append(f"{total} Personen ({label}, {when}; {', '.join(dict.fromkeys(credited))})")
    return parts


def _admitted(profile: Profile) -> str:
    """The member's admissions by kind and, where several members of the Land report
    Sichere-Häfen admissions of one programme, the Land total with each member's share."""
    member = profile.member
    parts = _kind_totals(admitted.counted(profile.admissions))
    text = "; ".join(parts) or f"{UNKNOWN} (keine Aufnahmezahl in den Daten)"
    land = profile.land_admissions
    if len(land) > 1 and member.name in set(land["member_id"]):
        names = profile.land_members.set_index("member_id")["name"].to_dict()
        each = [
            f"{names.get(m, m)} {report.total(part['value'], part['group'])}"
            for m, part in sorted(land.groupby("member_id"), key=lambda g: names.get(g[0], g[0]))
        ]
        total = report.total(land["value"], land["group"])
        text += f" – von zusammen {total} in {codes.land_name(member['land'])} ({' + '.join(each)})"
    return report.escape(text)


def _funding(funding: pd.DataFrame) -> str | None:
    """The member's money for sea rescue and admission, one item per decision."""
    if funding.empty:
        return None
    items = []
    for _, row in funding.iterrows():
        kind = value_label("kind", row["kind"], "funding")
        amount = row["amount_eur"]
        money = f"{report.number(amount)} €" if pd.notna(amount) else "Betrag unbekannt"
        per = value_label("per", row["per"], "funding") if pd.notna(row["per"]) else ""
        years = "–".join(
            dict.fromkeys(str(int(y)) for y in (row["year_from"], row["year_to"]) if pd.notna(y))
        )
        what = ", ".join(p for p in (money + (f" {per}" if per else ""), years) if p)
        items.append(f"{kind} ({what}) an {row['recipient']}")
    return report.escape("; ".join(items))


def answer_rows(profile: Profile) -> list[tuple[str, str]]:
    """The rows of the answer box (question, answer as an HTML fragment with its numbered
    references): what the profile page and the member's deck both say."""
    member = profile.member
    rows = [
        ("Sicherer Hafen seit", _since(member)),
        ("Bündnis Städte Sicherer Häfen", _buendnis(member, profile.networks)),
        ("Treffen", _last_meeting(profile.meetings)),
        ("Angebotene Plätze", _offered(profile)),
        ("Aufgenommen", _admitted(profile)),
        ("Geld für Seenotrettung und Aufnahme", _funding(profile.funding)),
        ("Regel des Landes", _land_rule(profile.land_rules, member["land"])),
    ]
    return [(k, v) for k, v in rows if v is not None]


def answer_box(profile: Profile) -> None:
    """The short answer to a council inquiry, first on the profile: since when (decision,
    Bündnis), last known meeting, places offered, people admitted (credited or not, with the
    Land total where several members report), and the Land's rule."""
    member = profile.member
    rows = answer_rows(profile)
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    report.cite(member["source"])
    _display(
        f'<div class="answer"><h2>Kurz beantwortet</h2><table class="answer">{body}</table></div>'
    )


def per_land_counts(per_land: pd.DataFrame, admissions: pd.DataFrame) -> pd.DataFrame:
    """The per-Land table with its counts as text by the count rule: Bündnis members with
    those of unknown membership, pledged places with the pledges that name no number, and the
    admissions per programme kind (from ``admissions`` rows: each period once, "< 3" rule)."""
    out = per_land.copy()
    out["buendnis_members"] = [
        report.counts.count_text(n, int(u), int(m))
        for n, u, m in zip(
            per_land["buendnis_members"],
            per_land["buendnis_unknown"],
            per_land["members"],
            strict=True,
        )
    ]
    out["pledged_places"] = [
        report.counts.count_text(p, int(u), None if pd.notna(p) or u else 0, empty=UNKNOWN)
        for p, u in zip(per_land["pledged_places"], per_land["pledges_places_unknown"], strict=True)
    ]
    rows = admitted.counted(admissions)
    laender = per_land.index[per_land.index != codes.GERMANY]
    for kind in admitted.KINDS:
        part = rows[(rows["programme_kind"].astype(str) == kind) & rows["scope"].isin(laender)]
        column = f"admitted_{kind}"
        text = report.counts.totals(part, "scope", public=report.is_public(), index=laender)
        germany = report.total(part["value"], part["group"])
        out[column] = pd.concat([text, pd.Series({codes.GERMANY: germany})])
    return out


def land_admissions(rows: pd.DataFrame, names: Mapping[str, str], land: str) -> None:
    """The sentence on a Land's Sichere-Häfen admissions: the total and each member's share
    ("18 (Flensburg 3 + Kiel 8 + Lübeck 7)"), credited or not."""
    name = codes.land_name(land)
    if rows.empty:
        report.say(
            "Aufnahmen als Sichere Häfen in {land}: **unbekannt** (keine Zahl in den Daten).",
            land=name,
        )
        return
    each = " + ".join(
        f"{names.get(m, m)} {report.total(part['value'], part['group'])}"
        for m, part in sorted(rows.groupby("member_id"), key=lambda g: names.get(g[0], g[0]))
    )
    credited = ", ".join(
        dict.fromkeys(value_label("credited", c, "admissions") for c in rows["credited"])
    )
    report.say(
        "Aufnahmen als Sichere Häfen in {land}: **{total}** ({each}); Zeitraum: {when}; "
        "Anrechnung auf die Quote: {credited}. {refs}",
        land=name,
        total=report.total(rows["value"], rows["group"]),
        each=each,
        when=", ".join(dict.fromkeys(periods(rows))),
        credited=credited,
        refs=report.refs(*rows["source"]),
    )


def land_programmes(summary: LandSummary, admissions: pd.DataFrame) -> None:
    """A Land's own programmes with the people who arrived in them (``admissions`` rows, each
    period once), and its members' funding by kind (``analysis.land_summary``); one sentence
    where there is none."""
    progs = summary.programmes
    if progs.empty:
        report.say("Eigene Aufnahmeprogramme des Landes: keine in den Daten.")
    else:
        rows = admitted.counted(admissions)
        arrived = report.counts.totals(
            rows, "programme_id", public=report.is_public(), index=pd.Index(progs["programme_id"])
        )
        shown = progs.assign(
            arrived=arrived.to_numpy(),
            period=periods(progs),
        )
        columns = ["name", "group", "target_persons", "period", "status", "arrived", "source"]
        report.table(
            shown,
            "programmes",
            columns=columns,
            note="Angekommen: je Zeitraum einmal gezählt (ein kumulierter Stand enthält die "
            "Jahreszahlen in ihm).",
        )
    funding = summary.funding_by_kind
    if funding.empty:
        report.say("Geld der Mitglieder für Seenotrettung und Aufnahme: keine Angabe in den Daten.")
        return
    shown = funding.assign(
        amount=[
            report.counts.count_text(a, int(u), int(n))
            for a, u, n in zip(
                funding["amount_known_eur"],
                funding["amount_unknown"],
                funding["decisions"],
                strict=True,
            )
        ]
    )
    report.table(
        shown,
        "funding",
        columns=["kind", "per", "decisions", "amount"],
        note="Beträge je Art und Bezug (pro Jahr, einmalig) getrennt summiert.",
    )
    report.cite(*summary.funding["source"])
