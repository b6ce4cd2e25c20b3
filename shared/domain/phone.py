"""French mobile numbers, metropolitan and overseas, normalised to E.164."""

from __future__ import annotations

import re

# Mobile prefixes by country calling code: metropolitan France and the DROM.
_MOBILE_PREFIXES: dict[str, tuple[str, ...]] = {
    "33": ("6", "7"),
    "590": ("690", "691"),  # Guadeloupe, Saint-Barthélemy, Saint-Martin
    "594": ("694",),  # Guyane
    "596": ("696", "697"),  # Martinique
    "262": ("692", "693", "639"),  # La Réunion, Mayotte
}
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalise_mobile(raw: str) -> str | None:
    """Return the number as ``+33612345678`` or None when it is no French mobile."""
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        national = None
        for code, prefixes in _MOBILE_PREFIXES.items():
            if digits[1:].startswith(code):
                national = digits[1 + len(code):]
                break
        if national is None or not national.isdigit() or len(national) != 9:
            return None
        if not national.startswith(_MOBILE_PREFIXES[code]):
            return None
        return f"+{code}{national}"
    if not (digits.isdigit() and len(digits) == 10 and digits.startswith("0")):
        return None
    national = digits[1:]
    for code, prefixes in _MOBILE_PREFIXES.items():
        if code != "33" and national.startswith(prefixes):
            return f"+{code}{national}"
    if national.startswith(_MOBILE_PREFIXES["33"]):
        return f"+33{national}"
    return None
