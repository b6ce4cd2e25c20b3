"""The conformance scenario, played by a connector (A10 onboarding) — a runnable example for contractors.

It does what a contractor's ERP does before go-live (docs/connector-guide.en.md, section 12): start a
run on its sandbox, receive the sandbox order and quote request on Pub/Sub, acknowledge and schedule
the order, send a report that gets rejected and then its correction, upload a PDF through a signed URL,
complete the order, wait for the sandbox manager's reception and invoice what was received, answer the
quote, wait for its acceptance and acknowledge the order it creates, and ask for the report — printed
step by step. It needs only the standard library
and google-cloud-pubsub, and talks to the platform as any ERP does (REST with a bearer token, Pub/Sub
with the ERP's credentials).

Against ./scripts/dev (which prints the token and the ports):

    CONTRACTOR_TOKEN=… .venv/bin/python -m devtools.conformance_client \\
        --functions http://127.0.0.1:8100 --pubsub 127.0.0.1:8085 --contractor ctr-acme

Against production: ``--functions https://europe-west9-<project>.cloudfunctions.net --project <project>``,
with the ERP's service-account credentials for Pub/Sub (Application Default Credentials) and an ID
token in CONTRACTOR_TOKEN. ``--broken`` plays a faulty connector instead (wrong sequence, no dates, no
correction, a file that is not a PDF sent to store_report, a completion without its end date, an invoice
before any reception, an expired quote and an order acknowledged that no acceptance created), to see how
each step fails and why. The exit status is 0 when the run passed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

EXECUTION = "fr.passerelle.execution.reported.v1"
QUOTE_SUBMITTED = "fr.passerelle.quote.submitted.v1"
DOCUMENT_UPLOADED = "fr.passerelle.document.uploaded.v1"
INVOICE_SUBMITTED = "fr.passerelle.invoice.submitted.v1"
ORDER_ISSUED = "fr.passerelle.order.issued.v1"
ORDER_RECEIVED = "fr.passerelle.order.received.v1"
QUOTE_DECIDED = "fr.passerelle.quote.decided.v1"
SOURCE = "//erp.example/conformance-client"  # your ERP's ce-source: chosen once, never changed


@dataclass
class Connector:
    functions: str  # base URL of the functions (the local gateway, or cloudfunctions.net)
    token: str  # a contractor ID token (role=contractor, tenant=<contractor id>)
    project: str
    contractor: str
    siret: str = "73282932000074"  # the contractor's own SIRET, as its invoices name it
    wait: float = 60.0
    say: Any = print
    _publisher: Any = field(default=None, repr=False)
    _subscriber: Any = field(default=None, repr=False)

    # --- REST --------------------------------------------------------------------------------
    def url(self, function: str) -> str:
        name = function.replace("_", "-") if "cloudfunctions.net" in self.functions else function
        return f"{self.functions.rstrip('/')}/{name}"

    def post(self, function: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(self.url(function), data=json.dumps(body).encode(), method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex})  # one per request; reuse it only to retry that request
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def post_file(self, function: str, fields: dict[str, str], filename: str, data: bytes) -> tuple[int, dict[str, Any]]:
        """A multipart/form-data POST (store_report): the fields, then the file as the ``file`` part."""
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                     f'Content-Type: application/pdf\r\n\r\n'.encode() + data + f"\r\n--{boundary}--\r\n".encode())
        request = urllib.request.Request(self.url(function), data=b"".join(parts), method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Idempotency-Key": uuid.uuid4().hex})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    # --- Pub/Sub -----------------------------------------------------------------------------
    @property
    def publisher(self):
        if self._publisher is None:
            from google.cloud import pubsub_v1

            self._publisher = pubsub_v1.PublisherClient(
                publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True))
        return self._publisher

    @property
    def subscriber(self):
        if self._subscriber is None:
            from google.cloud import pubsub_v1

            self._subscriber = pubsub_v1.SubscriberClient()
        return self._subscriber

    def publish(self, ce_type: str, body: dict[str, Any], ordering_key: str, validate_only: bool = False) -> str:
        ce_id = uuid.uuid4().hex  # a new id for every message, corrections included
        attributes = {"ce-specversion": "1.0", "ce-type": ce_type, "ce-source": SOURCE, "ce-id": ce_id,
                      "ce-time": now(), "content-type": "application/json"}
        if validate_only:
            attributes["ce-validateonly"] = "true"
        topic = self.publisher.topic_path(self.project, f"execution-{self.contractor}")
        try:
            self.publisher.publish(topic, json.dumps(body).encode(), ordering_key=ordering_key,
                                   **attributes).result(timeout=60)
        except Exception:
            self.publisher.resume_publish(topic, ordering_key)
            raise
        return ce_id

    def receive(self, topic: str, wanted) -> dict[str, Any]:
        """The first message of ``<topic>-erp`` for which ``wanted(attributes, body)`` holds, acknowledged;
        any other message is handed back at once (nack) for the ERP that owns it."""
        from google.api_core.exceptions import DeadlineExceeded

        subscription = self.subscriber.subscription_path(self.project, f"{topic}-erp")
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            try:
                response = self.subscriber.pull(subscription=subscription, max_messages=20, timeout=5)
            except DeadlineExceeded:
                continue
            found, others = None, []
            for received in response.received_messages:
                body = json.loads(received.message.data)
                if found is None and wanted(dict(received.message.attributes), body):
                    found = received
                    self.subscriber.acknowledge(subscription=subscription, ack_ids=[received.ack_id])
                else:
                    others.append(received.ack_id)
            if others:
                self.subscriber.modify_ack_deadline(subscription=subscription, ack_ids=others, ack_deadline_seconds=0)
            if found is not None:
                return {"attributes": dict(found.message.attributes), "body": json.loads(found.message.data)}
        raise TimeoutError(f"nothing awaited arrived on {topic}-erp within {self.wait:.0f} s")

    def reply_to(self, ce_id: str) -> dict[str, Any]:
        return self.receive(f"replies-{self.contractor}",
                            lambda _, body: (body.get("in_reply_to") or {}).get("id") == ce_id)["body"]

    def send(self, ce_type: str, body: dict[str, Any], ordering_key: str, what: str,
             validate_only: bool = False) -> dict[str, Any]:
        reply = self.reply_to(self.publish(ce_type, body, ordering_key, validate_only))
        mark = " (validate-only: nothing changed)" if reply.get("validate_only") else ""
        self.say(f"  {what}: {reply['status']}{mark}")
        for error in reply.get("errors") or ():
            self.say(f"      {error['field']} {error['code']}: {error['message']}")
        return reply

    def close(self) -> None:
        if self._subscriber is not None:
            self._subscriber.close()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def minimal_pdf(text: str = "Rapport d'intervention") -> bytes:
    """A one-page PDF built by hand (no library): header, four objects, a cross-reference table."""
    content = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def play(c: Connector, broken: bool = False) -> dict[str, Any]:
    """The whole scenario; the report check_conformance gives at the end."""
    status, run = c.post("start_conformance", {})
    if status != 201:
        raise RuntimeError(f"start_conformance answered {status}: {run}")
    manager, order_id, quote_id = run["manager_id"], run["order_id"], run["quote_id"]
    c.say(f"run {run['run_id']}: sandbox order {order_id}, quote request {quote_id} (space {manager})")

    # 1. Receive the order and the quote request, as any order: on orders-<contractor>-erp.
    order = c.receive(f"orders-{c.contractor}", lambda a, b: a.get("ce-type") == "fr.passerelle.order.issued.v1"
                      and b.get("order_id") == order_id)["body"]
    c.receive(f"orders-{c.contractor}", lambda a, b: a.get("ce-type") == "fr.passerelle.quote.requested.v1"
              and b.get("quote_id") == quote_id)
    c.say(f"  order received: {order['title']} ({len(order['lines'])} line)")

    def report(sequence: int, state: str, label: str, **fields: Any) -> dict[str, Any]:
        return {"manager_id": manager, "order_id": order_id, "sequence": sequence, "occurred_at": now(),
                "state": state, "event": {"label": label}, **fields}

    # The sandbox order's day in Paris (its clock): an invoice is not dated before its order's issue day.
    today = dt.datetime.now(ZoneInfo("Europe/Paris")).date()
    planned = {"planned_start": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat(timespec="seconds"),
               "planned_end": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).isoformat(timespec="seconds")}
    if not broken:
        # 2. Acknowledge — checked first in validate-only mode (the reply it would get, nothing changed).
        c.send(EXECUTION, report(1, "acknowledged", "Commande prise en compte"), order_id, "acknowledge, validate-only",
               validate_only=True)
        c.send(EXECUTION, report(1, "acknowledged", "Commande prise en compte"), order_id, "acknowledge")
        # 3. Schedule, with planned dates.
        c.send(EXECUTION, report(2, "scheduled", "Intervention planifiée", **planned), order_id, "schedule")
        # 4. A report the platform rejects (no actual_start), then its correction: same sequence, new ce-id.
        c.send(EXECUTION, report(3, "in_progress", "Début des travaux"), order_id, "start without actual_start")
        c.send(EXECUTION, report(3, "in_progress", "Début des travaux", actual_start=now()), order_id,
               "start, corrected")
    else:
        c.send(EXECUTION, report(2, "acknowledged", "Commande prise en compte"), order_id, "acknowledge as sequence 2")
        c.send(EXECUTION, report(1, "scheduled", "Intervention planifiée"), order_id, "schedule without dates")
    # 5. A PDF: a signed upload URL, the file PUT on it, then its reference on the bus. (The broken connector
    #    sends a file that is not a PDF to store_report: refused 422, which the run records too.)
    if broken:
        status, refused = c.post_file("store_report", {"manager_id": manager, "order_id": order_id,
                                                       "kind": "intervention_report"}, "rapport.pdf", b"not a PDF")
        c.say(f"  PDF report over REST: {status} {[e['code'] for e in refused.get('errors') or ()]}")
    else:
        document = minimal_pdf()
        status, upload = c.post("request_report_upload", {"manager_id": manager, "order_id": order_id,
                                                          "kind": "intervention_report", "filename": "rapport.pdf",
                                                          "size_bytes": len(document)})
        if status != 201:
            raise RuntimeError(f"request_report_upload answered {status}: {upload}")
        put = urllib.request.Request(upload["upload_url"], data=document, method="PUT",
                                     headers={"Content-Type": "application/pdf"})
        with urllib.request.urlopen(put, timeout=60):
            pass
        c.send(DOCUMENT_UPLOADED, {"manager_id": manager, "order_id": order_id, "upload_id": upload["upload_id"]},
               order_id, "PDF report")
    # 6. Complete the order; the sandbox manager then receives it (service done), as a manager would.
    if broken:  # no actual_end, and from a state the order never reached
        c.send(EXECUTION, report(2, "completed", "Fin des travaux"), order_id, "complete without actual_end")
    else:
        c.send(EXECUTION, report(4, "completed", "Fin des travaux", actual_end=now()), order_id, "complete")
        received = c.receive(f"orders-{c.contractor}", lambda a, b: a.get("ce-type") == ORDER_RECEIVED
                             and b.get("order_id") == order_id)["body"]
        c.say(f"  reception by the manager: lines {', '.join(received['lines'])} ({received['state']})")
    # 7. Invoice what was received (a test number: sandbox numbers never block live ones).
    c.send(INVOICE_SUBMITTED, {
        "manager_id": manager, "order_id": order_id, "invoice_number": f"{order_id}-F"[:20],
        "issue_date": today.isoformat(), "due_date": (today + dt.timedelta(days=30)).isoformat(),
        "supplier": {"siret": c.siret, "name": "Bac à sable"},
        "lines": [{"line_id": "L1", "quantity": "1", "unit_price_cents": 10000, "vat_rate": "20"}],
        "total_excl_tax_cents": 10000, "vat_cents": 2000, "total_incl_tax_cents": 12000}, order_id,
        "invoice" + (" before any reception" if broken else ""))
    # 8. Answer the quote request; the sandbox manager accepts it, which creates the order <quote_id>.
    valid_until = (today - dt.timedelta(days=1) if broken else today + dt.timedelta(days=30)).isoformat()
    c.send(QUOTE_SUBMITTED, {"manager_id": manager, "quote_id": quote_id, "valid_until": valid_until,
                             "lines": [{"line_id": "L1", "service_code": "BAS-001", "label": "Prestation fictive",
                                        "quantity": 1, "unit": "U", "unit_price_cents": 10000}]},
           quote_id, "quote")
    if not broken:
        created = c.receive(f"orders-{c.contractor}", lambda a, b: a.get("ce-type") == ORDER_ISSUED
                            and b.get("order_id") == quote_id)["body"]
        decided = c.receive(f"orders-{c.contractor}", lambda a, b: a.get("ce-type") == QUOTE_DECIDED
                            and b.get("quote_id") == quote_id)["body"]
        c.say(f"  quote {decided['state']}: new order {created['order_id']}")
    # 9. Take the order the acceptance created as any new order (the broken connector, without waiting for it).
    c.send(EXECUTION, {"manager_id": manager, "order_id": quote_id, "sequence": 1, "occurred_at": now(),
                       "state": "acknowledged", "event": {"label": "Commande prise en compte"}}, quote_id,
           "acknowledge the quote's order")
    # The report, step by step.
    status, checked = c.post("check_conformance", {"run_id": run["run_id"]})
    if status != 200:
        raise RuntimeError(f"check_conformance answered {status}: {checked}")
    return checked


def print_report(report: dict[str, Any], say=print) -> None:
    say(f"\nConformance run {report['run_id']}: {'PASSED' if report['passed'] else 'NOT PASSED'}")
    for step in report["steps"]:
        say(f"  [{step['status']:^7}] {step['label']}")
        if step["status"] != "passed":
            say(f"            {step['instruction']}")
        for error in step["errors"]:
            say(f"            {error['field']} {error['code']}: {error['message']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Play the conformance scenario (docs/connector-guide.en.md, 12).")
    parser.add_argument("--functions", default=os.environ.get("PASSERELLE_FUNCTIONS", "http://127.0.0.1:8100"),
                        help="base URL of the functions (default: the local gateway)")
    parser.add_argument("--pubsub", default=os.environ.get("PUBSUB_EMULATOR_HOST"),
                        help="the Pub/Sub emulator's host:port (omit in production)")
    parser.add_argument("--project", default=os.environ.get("PASSERELLE_PROJECT", "demo-passerelle"))
    parser.add_argument("--contractor", default=os.environ.get("PASSERELLE_CONTRACTOR", "ctr-acme"))
    parser.add_argument("--siret", default=os.environ.get("PASSERELLE_SIRET", "73282932000074"),
                        help="the SIRET the invoice names as supplier (yours)")
    parser.add_argument("--broken", action="store_true", help="play a faulty connector, to see the failures")
    args = parser.parse_args(argv)
    token = os.environ.get("CONTRACTOR_TOKEN")
    if not token:
        parser.error("set CONTRACTOR_TOKEN (./scripts/dev prints one)")
    if args.pubsub:
        os.environ["PUBSUB_EMULATOR_HOST"] = args.pubsub
    connector = Connector(args.functions, token, args.project, args.contractor, siret=args.siret)
    try:
        report = play(connector, broken=args.broken)
    finally:
        connector.close()
    print_report(report)
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
