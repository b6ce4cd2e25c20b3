"""The reversibility export (A8) written part by part: what the archive holds, on the in-memory world."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

from shared.service import exports
from tests.fakes import MemoryExportArchive, World

SPACE = "managers/mgr-test"


def a_space(orders: int) -> MemoryExportArchive:
    docs = [(SPACE, {"name": "Test"})]
    for n in range(orders):
        docs.append((f"{SPACE}/orders/BC-{n}", {"state": "acknowledged", "n": n}))
        docs.append((f"{SPACE}/orders/BC-{n}/events/s0000001", {"state_after": "acknowledged"}))
    files = {f"{SPACE}/orders/BC-0/documents/{'a' * 64}.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"%%EOF\n",
             "managers/mgr-other/orders/X/documents/b.pdf": b"%PDF- not yours"}
    return MemoryExportArchive({SPACE: docs}, files)


def test_the_archive_holds_every_document_and_file_of_the_space_with_the_manifest_s_digests():
    world, archive = World(), a_space(450)
    job = exports.request_export("manager", "mgr-test", "uid-1", world.uow(), world.clock)
    # When the export runs
    done = exports.run_export(job["job_id"], world.uow(), archive, world.clock)
    # Then the archive is a ZIP whose JSON Lines hold every document once, grouped by collection pattern
    data = archive.objects[done["archive"]]
    zipped = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(zipped.read("manifest.json"))
    assert manifest["records"] == done["progress"]["records"] == 1 + 450 * 2
    orders = [json.loads(line) for line in zipped.read(f"{SPACE}/orders.jsonl").decode().splitlines()]
    events = zipped.read(f"{SPACE}/orders__events.jsonl").decode().splitlines()
    assert len(orders) == 450 and len(events) == 450 and orders[7] == {"path": f"{SPACE}/orders/BC-7",
                                                                        "data": {"state": "acknowledged", "n": 7}}
    # And every entry's digest and size are the manifest's, the archive's are the job's
    for entry in manifest["files"]:
        body = zipped.read(entry["name"])
        assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["bytes"]
    assert done["archive_sha256"] == hashlib.sha256(data).hexdigest() and done["archive_bytes"] == len(data)
    # And nothing of another tenant is in it, the staging parts are gone, and the job says when it expires
    assert not [n for n in zipped.namelist() if "mgr-other" in n]
    assert [n for n in archive.objects if "/parts/" in n] == [] and len(archive.deleted) == 3
    assert dt.datetime.fromisoformat(done["expires_at"]) == world.clock.now() + exports.ARCHIVE_RETENTION
    # And progress was committed on the way (every 200 records)
    assert world.db.commits >= 1 + 4


def test_an_archive_past_its_retention_is_reported_expired_without_a_url():
    world, archive = World(), a_space(1)
    job = exports.request_export("manager", "mgr-test", "uid-1", world.uow(), world.clock)
    exports.run_export(job["job_id"], world.uow(), archive, world.clock)
    fresh = exports.export_status(job["job_id"], "mgr-test", world.uow(), archive, world.clock.now())
    world.clock.advance(days=8)
    old = exports.export_status(job["job_id"], "mgr-test", world.uow(), archive, world.clock.now())
    assert fresh["status"] == "completed" and fresh["download_url"]
    assert old["status"] == "expired" and "download_url" not in old
    assert exports.export_status(job["job_id"], "mgr-other", world.uow(), archive, world.clock.now()) is None


def test_the_archive_downloads_under_its_space_s_name_and_day_never_a_hash():
    # Given « Rhône Habitat »'s space, exported late on 3 March in UTC — already 4 March in Paris
    world, archive = World(dt.datetime(2026, 3, 3, 23, 30, tzinfo=dt.UTC)), a_space(1)
    world.seed(SPACE, {"name": "Rhône Habitat — OPH"})
    job = exports.request_export("manager", "mgr-test", "uid-1", world.uow(), world.clock)
    done = exports.run_export(job["job_id"], world.uow(), archive, world.clock)
    # Then the job names its download as a person recognises it, and the signed URL asks for that name (A8)
    assert done["download_name"] == "passerelle-export-rhone-habitat-oph-2026-03-04.zip"
    status = exports.export_status(job["job_id"], "mgr-test", world.uow(), archive, world.clock.now())
    assert status["download_name"] == done["download_name"] and job["job_id"] not in status["download_name"]
    assert status["download_url"].endswith("&response-content-disposition=" + done["download_name"])


def test_an_archive_of_a_space_without_a_name_or_completed_before_names_were_kept_is_named_by_its_tenant():
    world, archive = World(), a_space(1)
    job = exports.request_export("manager", "mgr-test", "uid-1", world.uow(), world.clock)
    done = exports.run_export(job["job_id"], world.uow(), archive, world.clock)
    assert done["download_name"] == "passerelle-export-mgr-test-2026-03-03.zip"
    # (a job stored before it kept its name)
    world.seed(f"exports/{job['job_id']}", {k: v for k, v in done.items() if k != "download_name"})
    status = exports.export_status(job["job_id"], "mgr-test", world.uow(), archive, world.clock.now())
    assert status["download_name"] == "passerelle-export-mgr-test-2026-03-03.zip"


def test_the_attachment_header_is_the_ascii_name_quoted():
    from shared.domain.exports import attachment, download_name

    name = download_name("L'Œuvre « Sociale » / Île-de-France", "x", dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    assert name == "passerelle-export-l-oeuvre-sociale-ile-de-france-2026-07-01.zip"
    assert attachment(name) == 'attachment; filename="passerelle-export-l-oeuvre-sociale-ile-de-france-2026-07-01.zip"'
