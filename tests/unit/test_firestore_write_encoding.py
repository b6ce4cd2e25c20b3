"""The Firestore unit of work builds its write protobufs itself (shared/adapters/firestore/encoding.py):
they must be byte for byte what google-cloud-firestore builds, and anything it does not cover must be
left to the library."""

from __future__ import annotations

import datetime as dt

import pytest
from google.api_core.datetime_helpers import DatetimeWithNanoseconds
from google.cloud.firestore_v1 import SERVER_TIMESTAMP, GeoPoint, _helpers

from shared.adapters.firestore.encoding import write_pb
from shared.ports import SERVER_TIME

PATH = "projects/p/databases/(default)/documents/managers/m1/orders/o1"
AT = dt.datetime(2026, 3, 2, 8, 0, 12, 345678, tzinfo=dt.UTC)
VERSION = DatetimeWithNanoseconds(2026, 3, 2, 8, 0, 13, nanosecond=123456789, tzinfo=dt.UTC)

DOCUMENTS = [
    {"state": "to_acknowledge", "progress": 0},
    {"none": None, "yes": True, "no": False, "int": -42, "big": 2**62, "float": 2.5, "zero": 0.0, "text": "é ✓",
     "at": AT, "paris": AT.astimezone(dt.timezone(dt.timedelta(hours=1))), "nanos": VERSION, "bytes": b"\x00\xff"},
    {"report": {"event": {"label": "Avancement", "code": None}, "lines": [{"line_id": "L1", "status": "done"}],
                "empty_map": {}, "empty_list": [], "tuple": (1, "a"), "nested": [[]]}},
    {"status": "sent", "sent_at": AT},
]


def same(ours, theirs) -> bool:
    return ours._pb.SerializeToString(deterministic=True) == theirs._pb.SerializeToString(deterministic=True)


@pytest.mark.parametrize("data", DOCUMENTS)
def test_a_create_is_what_the_library_builds(data):
    ours = write_pb(PATH, "create", data)
    assert ours is not None and same(ours, _helpers.pbs_for_create(PATH, data)[0])


@pytest.mark.parametrize("data", DOCUMENTS)
def test_a_put_is_what_the_library_builds(data):
    ours = write_pb(PATH, "put", data)
    assert ours is not None and same(ours, _helpers.pbs_for_set_no_merge(PATH, data)[0])


@pytest.mark.parametrize("data", DOCUMENTS)
def test_an_update_under_a_version_is_what_the_library_builds(data):
    ours = write_pb(PATH, "update", data, VERSION)
    assert ours is not None and same(ours, _helpers.pbs_for_update(PATH, data, _helpers.LastUpdateOption(VERSION))[0])


@pytest.mark.parametrize("data", DOCUMENTS)
def test_an_update_of_an_unread_document_requires_that_it_exists_as_the_library_does(data):
    ours = write_pb(PATH, "update", data)
    assert ours is not None and same(ours, _helpers.pbs_for_update(PATH, data, None)[0])


def test_the_commit_time_is_a_request_time_transform_as_the_library_makes_it():
    ours, theirs = {"state": "started", "updated_at": SERVER_TIME}, {"state": "started", "updated_at": SERVER_TIMESTAMP}
    assert same(write_pb(PATH, "create", ours), _helpers.pbs_for_create(PATH, theirs)[0])
    assert same(write_pb(PATH, "put", ours), _helpers.pbs_for_set_no_merge(PATH, theirs)[0])
    assert same(write_pb(PATH, "update", ours, VERSION),
                _helpers.pbs_for_update(PATH, theirs, _helpers.LastUpdateOption(VERSION))[0])


@pytest.mark.parametrize(("kind", "data"), [
    ("create", {"updated_at": SERVER_TIMESTAMP}),                   # the library's own sentinel
    ("update", {"updated_at": SERVER_TIME}),                          # transforms only
    ("create", {"a": {"at": SERVER_TIME}}),                           # a nested commit time
    ("put", {"where": GeoPoint(45.7, 4.8)}),                          # a type it does not cover
    ("update", {"report.progress": 10}),                              # a dotted field path
    ("update", {}),                                                   # the library refuses it
    ("delete", {}),
    ("create", {"a": {1: "non-string key"}}),
])
def test_what_it_does_not_cover_is_left_to_the_library(kind, data):
    assert write_pb(PATH, kind, data) is None
