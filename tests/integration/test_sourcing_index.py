"""The search index's life on the emulators (Firestore, fake-gcs-server): built from the records
one at a time, uploaded, downloaded by a fresh instance, rebuilt when the pool changed or when the
stored blob cannot be read."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork
from shared.adapters.storage import GcsBlobStore
from shared.domain.sourcing.records import NeedContent, Professional
from shared.domain.sourcing.scoring import rank
from shared.service.sourcing import index as search_index
from shared.service.sourcing import paths, pool
from tests.fakes import FixedClock
from tests.sourcing_builders import a_need_content, a_professional

pytestmark = pytest.mark.emulators
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ports(clean_firestore, emulators):
    search_index.forget()
    docs = FirestoreUnitOfWork(clean_firestore)
    blobs = GcsBlobStore(emulators.project_id, f"index-{uuid.uuid4().hex[:8]}")
    for pid, overrides in (("p-recette", {}), ("p-java", {"skills": ["développement Java Spring"],
                                                          "summary": "Développeur backend", "certifications": []}),
                           ("p-absent", {"active": False})):
        pool.upsert_professional(Professional.model_validate(a_professional(pid, **overrides), strict=False), docs)
    yield docs, blobs
    search_index.forget()


def test_the_index_is_built_once_then_downloaded_by_a_fresh_instance(ports):
    docs, blobs = ports
    # Given a pool of three records (one inactive) and no index yet
    # When a scorer asks for the current index, then a fresh instance asks again
    built = search_index.current(docs, blobs, FixedClock(NOW))
    meta = docs.fork().get(paths.INDEX_META)
    search_index.forget()
    downloaded = search_index.current(docs, blobs, FixedClock(NOW))
    # Then the active professionals are indexed, the blob is recorded, and the download ranks alike
    assert built.ids == ["p-java", "p-recette"] and meta["built_revision"] == meta["revision"] == 3
    assert blobs.get(meta["object"]) is not None and meta["count"] == 2
    need = NeedContent.model_validate(a_need_content(), strict=False)
    assert rank(downloaded, need, "n", 1).as_dict() == rank(built, need, "n", 1).as_dict()


def test_a_pool_change_rebuilds_and_an_unreadable_blob_is_rebuilt_not_fatal(ports):
    docs, blobs = ports
    first = search_index.current(docs, blobs, FixedClock(NOW))
    # Given a new professional (the revision moves on)
    pool.upsert_professional(Professional.model_validate(a_professional("p-new"), strict=False), docs)
    # When the scorer asks again, it rebuilds with the newcomer
    assert search_index.current(docs, blobs, FixedClock(NOW)).ids == ["p-java", "p-new", "p-recette"]
    assert first.ids == ["p-java", "p-recette"]
    # Given the stored blob overwritten by something this version cannot read
    name = docs.fork().get(paths.INDEX_META)["object"]
    blobs.put(name, b"not an index")
    search_index.forget()
    # When a fresh instance asks for the index
    again = search_index.current(docs, blobs, FixedClock(NOW + dt.timedelta(minutes=1)))
    # Then it rebuilds it (a new object is recorded) instead of failing every delivery
    meta = docs.fork().get(paths.INDEX_META)
    assert again.ids == ["p-java", "p-new", "p-recette"] and meta["object"] != name
