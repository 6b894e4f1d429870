"""Figure tiles of the dashboards: a number, its label, its urgency; the zeros folded into a line.

A dashboard builds a list of `Tile`s and hands `tile_row(...)` to
`templates/includes/figure_tiles.html`: the tiles that are not zero, the urgent ones first, then
those that need action, then the plain figures (in the order given within each level); every tile
whose number is zero is left out of the row and named in one line instead ("Alles erledigt: …"),
unless its zero is plain information (`zero_is_done=False`).
The urgency has a colour and always the same words ("dringend", "Handlungsbedarf"), so it is not
told by colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

URGENT = "urgent"
ACTION = "action"
INFO = "info"
# Lower sorts first; the words are the text equivalent of the tile's colour.
LEVELS = {URGENT: (0, _("urgent")), ACTION: (1, _("needs action")), INFO: (2, "")}


@dataclass(frozen=True)
class Tile:
    """One figure: `label` is already counted ("3 check-ins due" reads "check-ins due" here,
    with ngettext for the number), `url` the list the figure counts (or empty)."""

    value: int
    label: str | Promise
    url: str = ""
    urgency: str = INFO
    # A short explanation under the label, e.g. the threshold behind the figure.
    hint: str | Promise = ""
    # How the figure is named in the folded line when it is zero; the label if empty.
    done_label: str | Promise = ""
    # False for a plain figure whose zero is not something done ("0 meetings held so far"):
    # it stays a tile.
    zero_is_done: bool = True

    def __post_init__(self):
        if self.urgency not in LEVELS:
            raise ValueError(f"unknown urgency {self.urgency!r}")

    @property
    def urgency_text(self) -> str | Promise:
        return LEVELS[self.urgency][1]


@dataclass(frozen=True)
class TileRow:
    """The tiles to show (not zero, the most urgent first) and the figures that are zero."""

    tiles: list[Tile] = field(default_factory=list)
    done: list[Tile] = field(default_factory=list)

    @property
    def all_done(self) -> bool:
        """Every figure is zero and folded: the line says only "Alles erledigt"."""
        return bool(self.done) and not self.tiles

    @property
    def needs_action(self) -> int:
        """How many of the shown tiles need action (urgent or not)."""
        return sum(1 for tile in self.tiles if tile.urgency != INFO)


def _folds(tile: Tile) -> bool:
    return not tile.value and tile.zero_is_done


def tile_row(tiles: list[Tile]) -> TileRow:
    shown = [tile for tile in tiles if not _folds(tile)]
    # sorted() is stable: within a level the dashboard's own order stays.
    shown = sorted(shown, key=lambda tile: LEVELS[tile.urgency][0])
    return TileRow(tiles=shown, done=[tile for tile in tiles if _folds(tile)])
