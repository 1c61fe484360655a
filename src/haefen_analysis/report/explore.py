"""The interactive explorer for JupyterLab: pick a Land, a measure and a member; the
figures follow. Kept here (not in the notebook) so the notebook stays three lines."""

from __future__ import annotations

import ipywidgets as widgets

from haefen_analysis import analysis
from haefen_analysis.catalogue import labels
from haefen_analysis.errors import ParameterError
from haefen_analysis.figures import charts, maps
from haefen_analysis.ingest import codes

#: Measures of the per-Land table offered in the explorer (titles: ``catalogue.labels``).
MEASURES = (
    "members_per_million",
    "members",
    "buendnis_members",
    "pledged_places",
    "admitted_sichere_haefen",
    "admitted_landesaufnahme",
    "admitted_bund_eu",
    "key_share_percent",
)


class Explorer:
    """Widgets plus the figures they drive."""

    def __init__(self, land: str = "SH", measure: str = MEASURES[0], year: int = 2020):
        if measure not in MEASURES:
            raise ParameterError(f"Kennzahl {measure!r} unbekannt; erlaubt: {', '.join(MEASURES)}")
        self.per_land = analysis.per_land.table(year)
        self.points = analysis.member_points()
        lands = [(x.name, x.ags) for x in codes.laender()]
        self.land = widgets.Dropdown(options=lands, value=codes.land_code(land), description="Land")
        self.measure = widgets.Dropdown(
            options=[(labels.title(m), m) for m in MEASURES], value=measure, description="Kennzahl"
        )
        self.member = widgets.Dropdown(description="Mitglied")
        self.out = widgets.Output()
        self._members_for_land()
        for w in (self.land, self.measure, self.member):
            w.observe(self._update, names="value")
        self.land.observe(self._members_for_land, names="value")

    def _members_for_land(self, *_: object) -> None:
        here = self.points[self.points["land"] == self.land.value].sort_values("name")
        self.member.options = [("–", None)] + list(
            zip(here["name"], here["member_id"], strict=True)
        )

    def figures(self) -> list:
        """The figures for the current selection (also what the tests check)."""
        code = self.land.value
        layers = analysis.map_layers(code, member_id=self.member.value, points=self.points)
        measure = self.measure.value
        label = labels.title(measure)
        if measure == "key_share_percent":  # a key always names its year and rule
            label = f"{label}, {labels.key_caption(self.per_land.attrs['key_attrs'])}"
        return [
            charts.per_land_bars(self.per_land, measure, label, highlight=code),
            maps.scope_map(layers),
        ]

    def _update(self, *_: object) -> None:
        # Put the figures into the Output widget's own state: works in JupyterLab (figures
        # follow the dropdowns) and headless. clear_output(wait=True) inside the widget's
        # context hangs papermill; append_display_data leaves plotly outputs outside the widget.
        self.out.outputs = tuple(
            {"output_type": "display_data", "data": fig._repr_mimebundle_(), "metadata": {}}
            for fig in self.figures()
        )

    def widget(self) -> widgets.Widget:
        """The controls above the output area, drawn once."""
        self._update()
        return widgets.VBox([widgets.HBox([self.land, self.measure, self.member]), self.out])
