"""Which territory's working days a deadline counts (B18), derived from data.

A territory is what ``shared.domain.workdays.territory`` accepts: a département code
("75", "2A", "974") or a collectivité code ("PM", "BL", "MF", "WF", "PF", "NC").

- ``territory_of_commune``: the territory of an INSEE commune code — its first two
  characters in metropolitan France (Corsica: 2A, 2B), its first three overseas (971–976),
  and for the collectivités whose INSEE prefix is not a département, their own code:
  975 → PM (Saint-Pierre-et-Miquelon), 977 → BL (Saint-Barthélemy), 978 → MF (Saint-Martin),
  986 → WF (Wallis-et-Futuna), 987 → PF (Polynésie française), 988 → NC (Nouvelle-Calédonie).
- ``clock_of``: the time zone of a territory and how its clock is named to its users, in French
  (« Heures de la Martinique »): what the web app shows an order's times on (docs/web-app.md).
- ``clock_fields`` / ``RecordClock``: what a view of one record says of its clock (``territory``, ``time_zone``,
  ``time_zone_label``); ``territory_of_calendar``: the territory a recorded deadline (D4, D5, D6) counted in.
- ``territory_of_order``: the order's site commune, else the commune its property node lies in
  (A7 property tree, kept on the order as ``node_commune``), else the contract's perimeter when
  it names exactly one territory, else the manager's own territory, else ``LAST_RESORT``.

Pure: no Google import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from shared.domain.base import Model
from shared.domain.errors import DomainError, ErrorDetail
from shared.domain.workdays import territory

LAST_RESORT = "75"  # Paris: only when neither the order, its contract nor its manager says more
# INSEE prefixes of the collectivités that are not départements (the COM with holidays of their own).
COLLECTIVITES = {"975": "PM", "977": "BL", "978": "MF", "986": "WF", "987": "PF", "988": "NC"}
_COMMUNE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def territory_of_commune(insee_code: str, field: str = "$.site.commune") -> str:
    """The territory of an INSEE commune code, or DomainError UNKNOWN_TERRITORY (on ``field``)."""
    code = insee_code if isinstance(insee_code, str) else ""
    if _COMMUNE.match(code):
        prefix = code[:3]
        if code.startswith(("97", "98")):
            found = COLLECTIVITES.get(prefix, prefix if code.startswith("97") else None)
        elif code[:2] == "20":  # Corsica's communes are 2A… / 2B… since 1976
            found = None
        else:
            found = code[:2]
        if found is not None:
            try:
                territory(found)
                return found
            except DomainError:
                pass
    raise DomainError([ErrorDetail.of(field, "UNKNOWN_TERRITORY", value=insee_code)])


def territories_of_perimeter(departements: Iterable[str], communes: Iterable[str]) -> set[str]:
    """Every territory a contract's perimeter touches (an unknown code is skipped, not guessed)."""
    found: set[str] = set()
    for code in departements:
        try:
            territory(code)
            found.add(code)
        except DomainError:
            continue
    for commune in communes:
        try:
            found.add(territory_of_commune(commune))
        except DomainError:
            continue
    return found


# Each territory's French name, by its code (every code ``territory`` accepts): what a list shows beside the code,
# « Rhône (69) » (get_sourcing?view=beneficiaries' territory_label). The one table of their names.
TERRITORY_NAMES = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube", "11": "Aude",
    "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal", "16": "Charente",
    "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne", "32": "Gers",
    "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire", "38": "Isère",
    "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire", "44": "Loire-Atlantique",
    "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche",
    "51": "Marne", "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan",
    "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise", "61": "Orne", "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques", "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe",
    "73": "Savoie", "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne",
    "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var",
    "84": "Vaucluse", "85": "Vendée", "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne",
    "90": "Territoire de Belfort", "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne", "95": "Val-d'Oise", "971": "Guadeloupe", "972": "Martinique", "973": "Guyane",
    "974": "La Réunion", "976": "Mayotte", "BL": "Saint-Barthélemy", "MF": "Saint-Martin",
    "PM": "Saint-Pierre-et-Miquelon", "PF": "Polynésie française", "NC": "Nouvelle-Calédonie",
    "WF": "Wallis-et-Futuna",
}


def territory_name(code: str | None) -> str | None:
    """A territory's French name (« Rhône » for 69), None for a code the table does not know."""
    return TERRITORY_NAMES.get(code or "")


# How each territory whose clock is not Paris's is named to its users ("Heures de …").
_CLOCK_NAMES = {"971": "de la Guadeloupe", "972": "de la Martinique", "973": "de la Guyane", "974": "de La Réunion",
                "976": "de Mayotte", "BL": "de Saint-Barthélemy", "MF": "de Saint-Martin",
                "PM": "de Saint-Pierre-et-Miquelon", "PF": "de la Polynésie française",
                "NC": "de la Nouvelle-Calédonie", "WF": "de Wallis-et-Futuna"}


@dataclass(frozen=True)
class Clock:
    """A territory's clock: its IANA time zone and its French name (« Heures de la Martinique »; metropolitan
    France, Corsica and Alsace-Moselle: « Heures de Paris »)."""

    time_zone: str
    label: str


def clock_of(code: str) -> Clock:
    """The clock of a territory (``territory`` accepts it), or DomainError UNKNOWN_TERRITORY."""
    zone = territory(code).time_zone
    return Clock(zone, f"Heures {_CLOCK_NAMES[code]}" if code in _CLOCK_NAMES else "Heures de Paris")


@dataclass(frozen=True)
class TerritoryChoice:
    """The territory chosen and which datum gave it ("commune", "node", "contract", "manager", "default")."""

    code: str
    source: str


def territory_of_order(commune: str | None, contract: dict[str, Any] | None,
                       manager_territory: str | None, node_commune: str | None = None) -> TerritoryChoice:
    """The territory of an order (or of a quote, which names the same site and contract): ``commune`` is
    the one the site names, ``node_commune`` the one its node lies in (A13 refuses the two when they
    differ, so the second only speaks when the site names none)."""
    for code, source in ((commune, "commune"), (node_commune, "node")):
        if code:
            try:
                return TerritoryChoice(territory_of_commune(code), source)
            except DomainError:
                pass
    perimeter = (contract or {}).get("perimeter") or {}
    named = territories_of_perimeter(perimeter.get("departements") or (), perimeter.get("communes") or ())
    if len(named) == 1:
        return TerritoryChoice(named.pop(), "contract")
    if manager_territory:
        try:
            territory(manager_territory)
            return TerritoryChoice(manager_territory, "manager")
        except DomainError:
            pass
    return TerritoryChoice(LAST_RESORT, "default")


def clock_fields(code: str | None) -> dict[str, str | None]:
    """What a view names of its record's clock (B18): ``territory``, ``time_zone`` (IANA) and ``time_zone_label``
    (« Heures de la Martinique »), for the web app to show and read its times on. A record that names no territory
    (or one the platform does not know) reads on Paris's clock, where its deadlines counted then."""
    try:
        clock = clock_of(code) if code else None
    except DomainError:
        code, clock = None, None
    clock = clock or clock_of(LAST_RESORT)
    return {"territory": code, "time_zone": clock.time_zone, "time_zone_label": clock.label}


class RecordClock(Model):
    """The clock fields of a view of one record of a territory (a need, a mission, an agreement: ``clock_fields``)."""

    territory: str | None = Field(default=None, description=(
        "B18: the record's territory (INSEE département or collectivité code), null when it names none."))
    time_zone: str = Field(default="Europe/Paris", description=(
        "B18: the IANA time zone of that territory (America/Martinique, Europe/Paris…; none named: Europe/Paris): "
        "the web app shows and reads the record's times on it."))
    time_zone_label: str = Field(default="Heures de Paris", description=(
        "B18: that clock's French name (« Heures de la Martinique », « Heures de Paris »)."))


def territory_of_calendar(calendar: str | None) -> str | None:
    """The territory a recorded deadline (a need's D4, a replacement's D5/D6) was counted in, from its own record:
    "holidays:972" → "972"; None for a calendar of weekdays only."""
    prefix = "holidays:"
    return calendar[len(prefix):] or None if calendar and calendar.startswith(prefix) else None
