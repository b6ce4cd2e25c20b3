"""Firestore write protobufs built directly, without proto-plus (the ingest path's largest CPU cost).

google-cloud-firestore encodes every field of every written document through proto-plus wrappers:
about 2 ms of CPU for a 15-field document, 13 of the 21 ms an execution event costs the function
(docs/performance.md, "Ingest"). This module fills the raw protobuf messages instead (≈ 9× faster)
and hands them to the batch as the library itself would. It covers what the unit of work writes —
None, bool, int, float, str, bytes, datetimes, dicts, lists and tuples — for ``create``, ``put``
(set without merge) and ``update`` of top-level fields with plain names, and the unit of work's
``SERVER_TIME`` as a top-level field (a REQUEST_TIME transform, as the library's SERVER_TIMESTAMP);
anything else (nested sentinels, references, geo points, dotted field names) returns None and goes
through the library. tests/unit/test_firestore_write_encoding.py checks that both give the very
same bytes, so an upgrade of the library that changed its encoding would fail there.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from google.cloud.firestore_v1 import _helpers
from google.cloud.firestore_v1.types import common, write

from shared.ports.unit_of_work import SERVER_TIME

_Write = write.Write.pb()
_REQUEST_TIME = write.DocumentTransform.FieldTransform.ServerValue.REQUEST_TIME
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # a field name that is its own field path


class _Unsupported(Exception):
    pass


def _encode(value: Any, out) -> None:
    if value is None:
        out.null_value = 0
    elif value is True or value is False:
        out.boolean_value = value
    elif isinstance(value, int):
        out.integer_value = value
    elif isinstance(value, float):
        out.double_value = value
    elif isinstance(value, str):
        out.string_value = value
    elif isinstance(value, dt.datetime):
        stamp = value.timestamp_pb() if hasattr(value, "timestamp_pb") else _helpers._datetime_to_pb_timestamp(value)
        out.timestamp_value.CopyFrom(stamp)
    elif isinstance(value, dict):
        fields = out.map_value
        fields.SetInParent()
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unsupported(key)
            _encode(item, fields.fields[key])
    elif isinstance(value, (list, tuple)):
        values = out.array_value
        values.SetInParent()
        for item in value:
            _encode(item, values.values.add())
    elif type(value) is bytes:
        out.bytes_value = value
    else:
        raise _Unsupported(type(value))


def write_pb(document_path: str, kind: str, data: dict[str, Any], version: Any = None) -> write.Write | None:
    """The ``Write`` of a create, put or update of ``document_path`` (the full resource name), or None
    when the library must build it."""
    raw = _Write()
    raw.update.name = document_path
    server_times = sorted(key for key, value in data.items() if value is SERVER_TIME)
    try:
        for key, value in data.items():
            if not isinstance(key, str) or (server_times and not _PLAIN.match(key)):
                return None
            if value is not SERVER_TIME:
                _encode(value, raw.update.fields[key])
    except (_Unsupported, TypeError, ValueError, OverflowError):
        return None
    if server_times and len(server_times) == len(data):
        return None  # a document of transforms only: the library's business
    for key in server_times:
        raw.update_transforms.add(field_path=key, set_to_server_value=_REQUEST_TIME)
    if kind == "create":
        raw.current_document.exists = False
    elif kind == "update":
        if not data or not all(_PLAIN.match(key) for key in data):
            return None
        raw.update_mask.field_paths.extend(sorted(key for key in data if data[key] is not SERVER_TIME))
        if version is not None:
            raw.current_document.CopyFrom(common.Precondition(update_time=version)._pb)
        else:
            raw.current_document.exists = True
    elif kind != "put":
        return None
    return write.Write.wrap(raw)


def add(batch, reference, pb: write.Write) -> None:
    """Add a built write to ``batch`` as its ``create``/``set``/``update`` would."""
    batch._document_references[reference._document_path] = reference
    batch._add_write_pbs([pb])

