"""Parse untrusted JSON into pydantic models, turning every problem into an ErrorDetail."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.domain.counts import plural
from shared.domain.errors import CATALOGUE, ErrorDetail, json_path

M = TypeVar("M", bound=BaseModel)

# The identifier rule of every id the platform takes, in a body (``Identifier``, shared/domain/orders.py),
# a query or a path: it becomes a Firestore document id or a Cloud Storage name segment.
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def identifier_errors(value: str, field: str) -> list[ErrorDetail]:
    if IDENTIFIER.match(value):
        return []
    return [ErrorDetail.of(field, "INVALID_FORMAT", detail="identifiant de 1 à 64 caractères (lettres, chiffres, "
                                                           "« . », « _ », « - »), commençant par une lettre ou un chiffre")]


def query_errors(args: Mapping[str, str]) -> list[ErrorDetail]:
    """Every id of a query string (a parameter named ``*_id``, and ``sha256``) against its rule, before any
    handler builds a path from it."""
    errors: list[ErrorDetail] = []
    for name, value in sorted(args.items()):
        if name.endswith("_id") and value:
            errors += identifier_errors(value, f"query.{name}")
        elif name == "sha256" and value and not SHA256.match(value):
            errors.append(ErrorDetail.of("query.sha256", "INVALID_FORMAT", detail="64 caractères hexadécimaux"))
    return errors

_TYPE_TO_CODE = {
    "missing": "REQUIRED",
    "extra_forbidden": "UNKNOWN_FIELD",
    "json_invalid": "MALFORMED_JSON",
    "json_type": "MALFORMED_JSON",
    "string_pattern_mismatch": "INVALID_FORMAT",
    "timezone_aware": "INVALID_FORMAT",
    "datetime_from_date_parsing": "INVALID_FORMAT",
    "datetime_parsing": "INVALID_FORMAT",
    "date_from_datetime_parsing": "INVALID_FORMAT",
    "date_parsing": "INVALID_FORMAT",
    "decimal_parsing": "INVALID_FORMAT",
    "enum": "INVALID_VALUE",
    "literal_error": "INVALID_VALUE",
    "too_short": "INVALID_LENGTH",
    "too_long": "INVALID_LENGTH",
    "string_too_short": "INVALID_LENGTH",
    "string_too_long": "INVALID_LENGTH",
    "greater_than": "OUT_OF_RANGE",
    "greater_than_equal": "OUT_OF_RANGE",
    "less_than": "OUT_OF_RANGE",
    "less_than_equal": "OUT_OF_RANGE",
    "decimal_max_digits": "OUT_OF_RANGE",
    "decimal_max_places": "OUT_OF_RANGE",
    "decimal_whole_digits": "OUT_OF_RANGE",
    "multiple_of": "OUT_OF_RANGE",
}

# pydantic's own English wording, translated for the people who read our replies.
_DETAIL_FR = {
    "string_type": "une chaîne de caractères est attendue",
    "int_type": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "float_type": "un nombre est attendu",
    "bool_type": "un booléen (true/false) est attendu",
    "decimal_type": "un nombre décimal est attendu",
    "list_type": "une liste est attendue",
    "dict_type": "un objet est attendu",
    "model_type": "un objet est attendu",
    "model_attributes_type": "un objet est attendu",
    "datetime_type": "une date-heure ISO 8601 avec fuseau est attendue",
    "date_type": "une date ISO 8601 (AAAA-MM-JJ) est attendue",
    "timezone_aware": "une date-heure avec fuseau horaire est attendue (ex. 2026-03-03T09:00:00+01:00)",
    "datetime_parsing": "date-heure ISO 8601 illisible",
    "datetime_from_date_parsing": "date-heure ISO 8601 illisible",
    "date_parsing": "date ISO 8601 (AAAA-MM-JJ) illisible",
    "date_from_datetime_parsing": "date ISO 8601 (AAAA-MM-JJ) illisible",
    "decimal_parsing": "nombre décimal illisible",
    "string_pattern_mismatch": "{pattern}",  # pattern_text: what it asks for, in words
    "too_short": "au moins {min_length}",
    "too_long": "au plus {max_length}",
    "string_too_short": "au moins {min_length}",
    "string_too_long": "au plus {max_length}",
    "greater_than": "doit être strictement supérieure à {gt}",
    "greater_than_equal": "doit être supérieure ou égale à {ge}",
    "less_than": "doit être strictement inférieure à {lt}",
    "less_than_equal": "doit être inférieure ou égale à {le}",
    "decimal_max_digits": "au plus {max_digits} chiffres",
    "decimal_max_places": "au plus {decimal_places} décimales",
    "decimal_whole_digits": "au plus {whole_digits} chiffres avant la virgule",
    "enum": "valeurs acceptées : {expected}",
    "literal_error": "valeurs acceptées : {expected}",
}

# The lengths pydantic counts, with the noun each counts: the number and its noun agree (« au moins 2 éléments »)
_COUNTED = {"too_short": ("min_length", "élément"), "too_long": ("max_length", "élément"),
            "string_too_short": ("min_length", "caractère"), "string_too_long": ("max_length", "caractère")}


# What a pattern asks for, in words a person reads in the web app's forms: never the regular expression itself.
_ID_CHARS = {".": "« . »", "_": "« _ »", "\\-": "« - »", ":": "« : »", "/": "« / »"}
_IDENTIFIER_PATTERN = re.compile(r"^\^\[A-Za-z0-9\]\[A-Za-z0-9(?P<extra>[^\]]*)\](?:\{0,(?P<max>\d+)\}|\*)\$$")
_CHOICES_PATTERN = re.compile(r"^\^\((?P<choices>[A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)+)\)\$$")
_PATTERN_WORDS = {
    r"^\d{5}$": "5 chiffres",
    r"^[0-9a-f]{64}$": "64 caractères hexadécimaux (0-9, a-f)",
    r"^[0-9a-f]{32}$": "32 caractères hexadécimaux (0-9, a-f)",
    r"^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$": ("identifiant de 2 à 63 caractères (lettres minuscules sans accent, chiffres, "
                                           "« - »), commençant et finissant par une lettre ou un chiffre"),
    r"^FR[0-9A-Z]{2}[0-9]{9}$": "numéro de TVA intracommunautaire français : FR, 2 caractères et 9 chiffres",
    r"^\d{4}-H[12]$": "semestre de la forme AAAA-H1 ou AAAA-H2",
    r"^(\d{5}|2[AB]\d{3})$": "code commune INSEE de 5 caractères (69123, 2A004…)",
    r"^(\d{2,3}|2[AB]|[A-Z]{2})$": "code de territoire : département (2 ou 3 chiffres, 2A, 2B) ou collectivité (2 lettres)",
    r"^[^\x00-\x1f]+$": "texte sans caractère de contrôle",
    r"^[^/\\\x00-\x1f\x7f]+$": "nom de fichier sans « / », « \\ » ni caractère de contrôle",
}
_TERRITORY_WORDS = "code de territoire : département (01 à 95, 2A, 2B, 971 à 976)"


def pattern_text(pattern: str) -> str:
    """What ``pattern`` asks for, in French words: an identifier's characters and length, an e-mail address, a
    territory code, a list of values…; an undescribed pattern is named as it is (for a connector's developer)."""
    if (words := _PATTERN_WORDS.get(pattern)) is not None:
        return words
    if (m := _IDENTIFIER_PATTERN.match(pattern)) is not None:
        extra = m["extra"]
        chars = [label for char, label in _ID_CHARS.items() if char in extra]
        length = f" de 1 à {int(m['max']) + 1} caractères" if m["max"] else ""
        return (f"identifiant{length} (lettres sans accent, chiffres, {', '.join(chars)}), commençant par une "
                "lettre ou un chiffre")
    if "gserviceaccount" in pattern:
        return "adresse d'un compte de service Google (nom@projet.iam.gserviceaccount.com)"
    if "@" in pattern:
        return "adresse e-mail de la forme nom@domaine.fr"
    if "2A|2B" in pattern:
        overseas = "|BL|" in pattern
        return _TERRITORY_WORDS + (" ou collectivité (BL, MF, PM, PF, NC, WF)" if overseas else "")
    if (m := _CHOICES_PATTERN.match(pattern)) is not None:
        return "valeurs acceptées : " + french_list(m["choices"].split("|"))
    return f"la valeur ne respecte pas le motif {pattern}"


def french_list(items: list[str]) -> str:
    """« a, b ou c »."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} ou {items[-1]}"


def _expected_in_french(expected: str) -> str:
    """pydantic's « 'a', 'b' or 'c' » of an enum or a literal, with « ou »."""
    head, sep, tail = expected.rpartition("' or '")
    return f"{head}' ou '{tail}" if sep else expected


def errors_from_validation(exc: ValidationError, root: str = "$") -> list[ErrorDetail]:
    """Every pydantic error, in input order, as a structured ErrorDetail."""
    details: list[ErrorDetail] = []
    for err in exc.errors(include_url=False):
        kind = err["type"]
        ctx = err.get("ctx") or {}
        field = json_path(err["loc"], root)
        if kind in CATALOGUE:  # custom errors raised with PydanticCustomError(code, ...)
            details.append(ErrorDetail(field=field, code=kind, message=err["msg"]))
            continue
        code = _TYPE_TO_CODE.get(kind, "INVALID_TYPE" if kind.endswith("_type") else "INVALID_VALUE")
        if code == "MALFORMED_JSON":
            details.append(ErrorDetail.of(field, code, detail=ctx.get("error", err["msg"])))
            continue
        template = _DETAIL_FR.get(kind)
        if kind == "string_too_short" and ctx.get("min_length") == 1:
            template = "le champ est vide alors qu'il est obligatoire"  # « au moins 1 caractère(s) » says it badly
        if kind in _COUNTED and _COUNTED[kind][0] in ctx:  # « au moins 1 élément », « au plus 50 éléments »
            key, noun = _COUNTED[kind]
            ctx = {**ctx, key: plural(ctx[key], noun)}
        if kind == "string_pattern_mismatch" and "pattern" in ctx:
            ctx = {**ctx, "pattern": pattern_text(str(ctx["pattern"]))}
        elif kind in ("enum", "literal_error") and "expected" in ctx:
            ctx = {**ctx, "expected": _expected_in_french(str(ctx["expected"]))}
        try:
            detail = template.format(**ctx) if template else err["msg"]
        except (KeyError, IndexError):
            detail = err["msg"]
        details.append(ErrorDetail.of(field, code, detail=detail))
    return details


def parse_json(model: type[M], raw: bytes | str, root: str = "$") -> tuple[M | None, list[ErrorDetail]]:
    """Validate raw JSON text against ``model``; return the model or all the errors."""
    try:
        return model.model_validate_json(raw), []
    except ValidationError as exc:
        return None, errors_from_validation(exc, root)


def parse_object(model: type[M], data: Any, root: str = "$") -> tuple[M | None, list[ErrorDetail]]:
    """Validate an already-decoded JSON value (strict JSON-mode rules still apply)."""
    try:
        return model.model_validate(data, strict=False), []
    except ValidationError as exc:
        return None, errors_from_validation(exc, root)


def json_fields(raw: bytes | str) -> dict[str, Any]:
    """The top-level fields of a JSON object body, or nothing: what a refused request named (its order,
    say), read without judging it."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}
