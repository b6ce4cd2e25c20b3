"""Builds the clients and adapters once per instance, lazily, and lets tests replace them.

Nothing heavy is imported at module import: cold starts only pay for what a function uses.
Emulators are picked up by the clients from the usual variables (FIRESTORE_EMULATOR_HOST,
PUBSUB_EMULATOR_HOST, FIREBASE_AUTH_EMULATOR_HOST).
"""

from __future__ import annotations

import os
import threading
from typing import Any

from shared.ports.outside import SystemClock

DEFAULT_PROJECT = "demo-passerelle"

_lock = threading.RLock()  # factories call get() for their own dependencies
_instances: dict[str, Any] = {}


def project_id() -> str:
    return os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCP_PROJECT") or DEFAULT_PROJECT


def _firestore_client():
    from google.cloud import firestore

    return firestore.Client(project=project_id())


def uow():
    """A new unit of work on Firestore, publishing through Pub/Sub and arming deadline timers after
    its commit (cheap: the clients behind it are built once per instance). The "sent" marks of what
    it publishes are batched off the request path (shared/adapters/firestore/unit_of_work.py)."""
    from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

    return FirestoreUnitOfWork(get("firestore"), get("publisher"), get("timers"), defer_marks=True)


def reader():
    """A unit of work for reads only (GET functions): it publishes nothing, arms nothing, and refuses to
    commit a write."""
    from shared.adapters.firestore.unit_of_work import FirestoreUnitOfWork

    return FirestoreUnitOfWork(get("firestore"), read_only=True)


def _change_feed():
    """Firestore listeners behind the ChangeFeed port (watch_orders, A11 real-time view)."""
    from shared.adapters.firestore.changes import FirestoreChangeFeed

    return FirestoreChangeFeed(get("firestore"))


def watch_limits() -> tuple[float, float]:
    """(lifetime, heartbeat) of an order stream in seconds: PASSERELLE_WATCH_SECONDS (300 by default)
    and PASSERELLE_WATCH_HEARTBEAT_SECONDS (20); the token's expiry shortens the lifetime further."""
    from shared.domain.order_watch import DEFAULT_HEARTBEAT_SECONDS, DEFAULT_LIFETIME_SECONDS
    from shared.edge.tenancy import seconds_from_env

    # unset, unreadable, zero or negative: the default
    return (seconds_from_env("PASSERELLE_WATCH_SECONDS", DEFAULT_LIFETIME_SECONDS) or DEFAULT_LIFETIME_SECONDS,
            seconds_from_env("PASSERELLE_WATCH_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)
            or DEFAULT_HEARTBEAT_SECONDS)


def _publisher():
    from shared.adapters.pubsub import PubSubPublisher

    return PubSubPublisher(project_id())


def _authenticator():
    from shared.edge.auth import FirebaseAuthenticator, firestore_machine_lookup, firestore_session_lookup

    return FirebaseAuthenticator(project_id(), machine_lookup=firestore_machine_lookup(get("firestore")),
                                 session_lookup=firestore_session_lookup(get("firestore")))


def _blobs():
    from shared.adapters.storage import GcsBlobStore

    bucket = os.environ.get("PASSERELLE_INDEX_BUCKET") or f"{project_id()}-passerelle-index"
    return GcsBlobStore(project_id(), bucket)


def _topology():
    """Contractors' Pub/Sub resources (register_contractor): where execution messages are pushed (the
    URL of publish_execution and the OIDC identity of the push), the Pub/Sub service agent that
    dead-letters, the region messages stay in and, with customer-managed keys (B15 encryption), the key that
    encrypts them. The emulator has no IAM: policies are not managed."""
    from shared.adapters.pubsub_topology import PubSubTopology

    return PubSubTopology(project_id(), push_url=os.environ.get("PASSERELLE_EXECUTION_PUSH_URL"),
                          push_service_account=os.environ.get("PASSERELLE_PUSH_SERVICE_ACCOUNT") or None,
                          service_agent=os.environ.get("PASSERELLE_PUBSUB_SERVICE_AGENT") or None,
                          region=os.environ.get("PASSERELLE_REGION") or "europe-west9",
                          kms_key_name=os.environ.get("PASSERELLE_PUBSUB_KMS_KEY") or None,
                          emulator=bool(os.environ.get("PUBSUB_EMULATOR_HOST")))


def _identity_admin():
    from shared.adapters.identity import FirebaseIdentityAdmin

    authenticator = get("authenticator")
    return FirebaseIdentityAdmin(authenticator.app, on_revoke=authenticator.forget_sessions)


def _timers():
    """Deadline timers: the Cloud Tasks queue (or the local dispatcher) and accrue_penalties' URL.

    None when PASSERELLE_TASKS_QUEUE / PASSERELLE_ACCRUE_URL are not set: nothing is scheduled
    and the hourly sweep of accrue_penalties catches up (docs/penalties.md).
    """
    queue, url = os.environ.get("PASSERELLE_TASKS_QUEUE"), os.environ.get("PASSERELLE_ACCRUE_URL")
    if not queue or not url:
        return None
    from shared.adapters.cloud_tasks import CloudTasksQueue, emulator_client
    from shared.ports import Timers

    host = os.environ.get("PASSERELLE_TASKS_EMULATOR_HOST")
    if host:
        client = emulator_client(host)
    else:
        from google.cloud import tasks_v2

        client = tasks_v2.CloudTasksClient()
    return Timers(CloudTasksQueue(client, queue, os.environ.get("PASSERELLE_TASKS_INVOKER") or None), url)


def _audit_trail():
    """The chains in Firestore; the sealer also writes each head to the witness bucket (B15)."""
    from shared.adapters.audit import FirestoreAuditTrail

    return FirestoreAuditTrail(get("firestore"), witness=get("audit_witness"))


def audit_check_runs():
    """The scheduled check's summary in Firestore, for the operator's read (get_audit_check): the chains
    without the witness bucket, which a reader neither needs nor may reach."""
    from shared.adapters.audit import FirestoreAuditTrail

    return FirestoreAuditTrail(get("firestore"))


def audit_witness_bucket() -> str:
    """The bucket of the audit chains' witnessed heads, under a retention policy (infra/terraform/storage.tf)."""
    return os.environ.get("PASSERELLE_AUDIT_WITNESS_BUCKET") or f"{project_id()}-passerelle-audit-witness"


def _audit_witness():
    from shared.adapters.audit_witness import GcsAuditWitness

    return GcsAuditWitness(project_id(), audit_witness_bucket())


def documents_bucket() -> str:
    """The bucket of the managers' files: order documents (PDF) and export archives."""
    return os.environ.get("PASSERELLE_DOCUMENTS_BUCKET") or f"{project_id()}-passerelle-documents"


def _export_archive():
    """A8 reversibility: walks a space in Firestore, writes the archive to the documents bucket."""
    from shared.adapters.exports import CloudExportArchive

    return CloudExportArchive(get("firestore"), project_id(), documents_bucket())


def _document_files():
    from shared.adapters.document_files import GcsDocumentFiles

    return GcsDocumentFiles(project_id(), documents_bucket())


def _report_files():
    """The stored half-year reports (B17), under reports/ in the private documents bucket."""
    from shared.adapters.report_files import GcsReportFiles

    return GcsReportFiles(project_id(), documents_bucket())


def _chorus_pro():
    """Chorus Pro: the recording stand-in on the emulators (``PASSERELLE_CHORUS_PRO=fake``, the default
    when FIRESTORE_EMULATOR_HOST is set); None elsewhere until the production adapter exists, and
    then invoices wait in ``chorus_queue`` (docs/invoicing.md)."""
    mode = os.environ.get("PASSERELLE_CHORUS_PRO") or ("fake" if os.environ.get("FIRESTORE_EMULATOR_HOST") else "")
    if mode != "fake":
        return None
    from shared.adapters.chorus_pro import RecordingChorusPro

    return RecordingChorusPro(get("firestore"))


_FACTORIES = {
    "timers": _timers,
    "blobs": _blobs,
    "firestore": _firestore_client,
    "publisher": _publisher,
    "change_feed": _change_feed,
    "authenticator": _authenticator,
    "identity_admin": _identity_admin,
    "topology": _topology,
    "audit_trail": _audit_trail,
    "audit_witness": _audit_witness,
    "export_archive": _export_archive,
    "document_files": _document_files,
    "report_files": _report_files,
    "chorus_pro": _chorus_pro,
    "clock": SystemClock,
}


def get(name: str) -> Any:
    instance = _instances.get(name)
    if instance is None:
        with _lock:
            instance = _instances.get(name)
            if instance is None:
                instance = _instances[name] = _FACTORIES[name]()
    return instance


def clock():
    return get("clock")


def authenticator():
    return get("authenticator")


def blobs():
    return get("blobs")
