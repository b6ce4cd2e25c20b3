"""Reception by the client, invoices checked against what was received, and the Chorus Pro round trip
(B7, B10, A6) — on the in-memory unit of work."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from shared.domain.errors import DomainError
from shared.domain.messages import EventType, ReplyStatus
from shared.domain.orders import OrderState
from shared.domain.reception import LiftReservation, ReceiveOrder, reception_label
from shared.service import chorus_sync, inbound_router, invoices, receptions
from tests.builders import BUYER, CONTRACTOR, MANAGER, NOW, an_order, inbound, invoice_body
from tests.fakes import RecordingChorusPro, World

S = OrderState


@pytest.fixture
def world() -> World:
    world = World(NOW)
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed_order(an_order(state=S.COMPLETED, line_status={"L1": True, "L2": True}, public_invoicing=BUYER))
    return world


def receive(world: World, lines=None, **fields):
    body = {"order_id": "BC-2026-014", "occurred_at": (NOW - dt.timedelta(minutes=5)).isoformat(), **fields}
    if lines is not None:
        body["lines"] = lines
    return receptions.record_reception(MANAGER, ReceiveOrder.model_validate_json(json.dumps(body)), world.uow(),
                                       world.clock)


def invoice(world: World, body: dict, message_id: str = "inv-1"):
    msg = dataclasses.replace(inbound(body, message_id), type=EventType.INVOICE_SUBMITTED.value)
    return inbound_router.route(msg, inbound_router.Services(uow=world.uow(), clock=world.clock))


def codes(reply) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in reply.errors]


def test_an_order_cannot_be_invoiced_before_its_reception(world):
    # Given a completed order nobody has received yet
    # When the contractor invoices it
    reply = invoice(world, invoice_body())
    # Then the invoice is refused: nothing received, nothing to invoice; the order has not moved
    assert reply.status is ReplyStatus.REJECTED
    assert ("$.lines[0].line_id", "INVOICE_LINE_NOT_RECEIVED") in codes(reply)
    assert world.order(MANAGER, "BC-2026-014").state is S.COMPLETED
    assert world.db.under(f"managers/{MANAGER}/orders/BC-2026-014/invoices") == {}


def test_a_reception_with_reservations_moves_the_order_and_is_in_its_history(world):
    # When the client receives both lines, one with two reservations
    order = receive(world, [{"line_id": "L1"}, {"line_id": "L2", "reservations": [
        {"description": "Joint du siphon à reprendre"}, {"reservation_id": "R-PEINT", "description": "Peinture"}]}],
        comment="Visite du 3 mars")
    # Then the order is received, the reservations are recorded and the history says so
    assert order.state is S.RECEIVED and set(order.reception) == {"L1", "L2"}
    assert [r.reservation_id for r in order.open_reservations()] == ["L2-R1", "R-PEINT"]
    [event] = world.events(MANAGER, "BC-2026-014").values()
    assert event["label"] == "Réception avec 2 réserves : lignes L1, L2"
    assert event["state_after"] == "received" and len(event["reservations"]) == 2
    # And the contractor is told on its orders topic
    [(topic, data, attributes, _)] = world.publisher.published
    assert topic == f"orders-{CONTRACTOR}" and attributes["ce-type"] == EventType.ORDER_RECEIVED.value
    assert json.loads(data)["reservations"][1]["description"] == "Peinture"
    # When a reservation is lifted, the history says when and why
    lifted = receptions.lift_reservation(MANAGER, LiftReservation.model_validate_json(json.dumps({
        "order_id": "BC-2026-014", "reservation_id": "R-PEINT", "occurred_at": NOW.isoformat(),
        "comment": "Reprise faite"})), world.uow(), world.clock)
    assert [r.reservation_id for r in lifted.open_reservations()] == ["L2-R1"]
    labels = sorted(e["label"] for e in world.events(MANAGER, "BC-2026-014").values())
    assert "Levée de la réserve R-PEINT (ligne L2) : Peinture" in labels
    # And lifting it again is refused
    with pytest.raises(DomainError) as exc:
        receptions.lift_reservation(MANAGER, LiftReservation.model_validate_json(json.dumps({
            "order_id": "BC-2026-014", "reservation_id": "R-PEINT", "occurred_at": NOW.isoformat()})),
            world.uow(), world.clock)
    assert [e.code for e in exc.value.errors] == ["RESERVATION_ALREADY_LIFTED"]


def test_the_history_says_ligne_for_one_line_received_and_lignes_for_several(world):
    # When the client receives L1 alone, without reservation, then L2 with one
    receive(world, [{"line_id": "L1"}])
    receive(world, [{"line_id": "L2", "reservations": [{"description": "Joint à reprendre"}]}])
    # Then each history label counts its lines and its reservations in French, singular as plural
    labels = sorted(e["label"] for e in world.events(MANAGER, "BC-2026-014").values())
    assert labels == ["Réception avec 1 réserve : ligne L2", "Réception partielle sans réserve : ligne L1"]
    assert reception_label(["L1", "L2"], 0, partial=False) == "Réception sans réserve : lignes L1, L2"
    assert reception_label(["L3"], 2, partial=True) == "Réception partielle avec 2 réserves : ligne L3"


def test_an_invoice_above_the_received_amount_is_refused_with_the_difference(world):
    # Given only L1 (85,00 € HT) received
    receive(world, [{"line_id": "L1"}])
    # When the contractor invoices L1 twice over and L2, which nobody received
    reply = invoice(world, invoice_body(lines=[("L1", "2", 8500), ("L2", "1", 4200)]))
    # Then every error is listed, with the difference in euros
    assert reply.status is ReplyStatus.REJECTED
    assert set(codes(reply)) == {("$.lines[0].quantity", "INVOICE_QUANTITY_EXCEEDED"),
                                 ("$.lines[1].line_id", "INVOICE_LINE_NOT_RECEIVED"),
                                 ("$.total_excl_tax_cents", "INVOICE_EXCEEDS_RECEIVED")}
    exceeds = next(e for e in reply.errors if e.code == "INVOICE_EXCEEDS_RECEIVED")
    assert exceeds.message == ("La facture (212,00 € HT) dépasse de 127,00 € le montant réceptionné restant à facturer "
                               "(85,00 € HT).")
    # And a price above the order's, or totals that are not the lines', are refused as well
    priced = invoice(world, invoice_body(lines=[("L1", "1", 9000)]), "inv-2")
    assert ("$.lines[0].unit_price_cents", "INVOICE_PRICE_ABOVE_ORDER") in codes(priced)
    assert "écart 5,00 €" in priced.errors[0].message
    wrong = invoice(world, {**invoice_body(), "vat_cents": 1700, "total_incl_tax_cents": 10200}, "inv-3")
    assert codes(wrong) == [("$.vat_cents", "INVOICE_TOTAL_MISMATCH"), ("$.total_incl_tax_cents", "INVOICE_TOTAL_MISMATCH")]
    assert world.order(MANAGER, "BC-2026-014").invoices == []


def test_an_invoice_due_before_its_issue_date_is_refused_at_its_due_date(world):
    # Given the lines received
    receive(world)
    # When the contractor's invoice of 10/03/2026 falls due on 01/03/2026 (a day typed wrong)
    reply = invoice(world, invoice_body(due_date="2026-03-01"))
    # Then it is refused at its due date, in French, with both days; nothing is recorded
    assert reply.status is ReplyStatus.REJECTED
    assert codes(reply) == [("$.due_date", "INVOICE_DUE_BEFORE_ISSUE")]
    assert reply.errors[0].message == "L'échéance (01/03/2026) précède la date d'émission de la facture (10/03/2026)."
    assert world.order(MANAGER, "BC-2026-014").invoices == []
    # And due on its issue day, it is accepted
    assert invoice(world, invoice_body(due_date="2026-03-10"), "inv-same-day").status is ReplyStatus.ACCEPTED


def test_an_invoice_dated_a_day_before_its_order_was_issued_is_refused_at_its_issue_date(world):
    # Given the lines received of an order issued on 02/03/2026 at 08:00 in Paris
    receive(world)
    # When the contractor's invoice is dated 01/03/2026 (and due then too)
    reply = invoice(world, invoice_body(issue_date="2026-03-01", due_date="2026-03-01"))
    # Then it is refused at its issue date, naming both days; nothing is recorded
    assert codes(reply) == [("$.issue_date", "DATE_BEFORE_ORDER")]
    assert reply.errors[0].message.startswith("La date d'émission de la facture (01/03/2026) tombe un jour antérieur "
                                              "à l'émission de la commande (02/03/2026 à 08:00)")
    assert world.order(MANAGER, "BC-2026-014").invoices == []
    # And dated on the order's issue day, it is accepted
    assert invoice(world, invoice_body(issue_date="2026-03-02", due_date="2026-03-02"),
                   "inv-issue-day").status is ReplyStatus.ACCEPTED


def test_an_invoice_on_received_lines_is_accepted_once_and_moves_the_order_to_invoiced(world):
    receive(world)
    body = invoice_body(lines=[("L1", "1", 8500), ("L2", "2.5", 4200)])
    # When the contractor sends the invoice, then the same invoice again under another message id
    first = invoice(world, body)
    again = invoice(world, body, "inv-again")
    # Then it is accepted, recorded once, and the order is invoiced on its issue date
    assert first.status is ReplyStatus.ACCEPTED and first.invoice_number == "F-2026-0042"
    assert first.order_state is S.INVOICED and again.status is ReplyStatus.ACCEPTED
    order = world.order(MANAGER, "BC-2026-014")
    assert order.state is S.INVOICED and order.invoice_date == dt.date(2026, 3, 10)
    assert order.invoiced_cents == 19000 and order.invoices == ["F-2026-0042"]
    [stored] = world.db.under(f"managers/{MANAGER}/orders/BC-2026-014/invoices").values()
    assert (stored["total_excl_tax_cents"], stored["vat_cents"], stored["total_incl_tax_cents"]) == (19000, 1900, 20900)
    assert stored["buyer"]["engagement_number"] == "EJ-2026-0042" and stored["delivery_date"] == "2026-03-03"
    # And another content under the same number is refused, as is the same number on another order
    other = invoice(world, invoice_body(lines=[("L1", "1", 8000)]), "inv-other")
    assert codes(other) == [("$.invoice_number", "INVOICE_ALREADY_EXISTS")]
    world.seed_order(an_order("BC-2026-015", state=S.RECEIVED, reception=order.reception))
    reused = invoice(world, invoice_body(order_id="BC-2026-015"), "inv-reused")
    assert codes(reused) == [("$.invoice_number", "INVOICE_NUMBER_USED")]


@pytest.mark.parametrize(("territory", "received_at", "delivered_on"), [
    (None, "2026-03-03T23:30:00+00:00", "2026-03-04"),  # 00:30 on 4 March in Paris
    ("972", "2026-03-04T02:00:00+00:00", "2026-03-03"),  # still 22:00 on 3 March in Martinique
])
def test_the_invoice_s_delivery_date_is_the_reception_s_day_on_the_order_s_clock(territory, received_at, delivered_on):
    # Given an order received on its territory's day, past midnight in UTC or in Paris
    world = World(received_at)
    world.seed_contractor(CONTRACTOR, (MANAGER,))
    world.seed_order(an_order(state=S.COMPLETED, line_status={"L1": True, "L2": True}, public_invoicing=BUYER,
                              territory=territory))
    body = {"order_id": "BC-2026-014", "occurred_at": received_at}
    receptions.record_reception(MANAGER, ReceiveOrder.model_validate_json(json.dumps(body)), world.uow(), world.clock)
    # When the contractor invoices the lines received
    assert invoice(world, invoice_body(issue_date=delivered_on, due_date="2026-04-30")).status is ReplyStatus.ACCEPTED
    # Then the Factur-X delivery date (BT-72) is the day the service was received there
    [stored] = world.db.under(f"managers/{MANAGER}/orders/BC-2026-014/invoices").values()
    assert stored["delivery_date"] == delivered_on


def test_the_contractor_reads_the_seller_its_registry_record_holds_for_its_invoice_form(world):
    # Given a contractor record without its SIRET (as the fakes seed it): nothing to offer
    assert invoices.invoice_list(MANAGER, "BC-2026-014", world.uow(), CONTRACTOR).supplier is None
    # When the registry holds its SIRET and name (register_contractor)
    world.seed(f"contractors/{CONTRACTOR}", {"name": "Plomberie Test SARL", "siret": "73282932000074",
                                             "managers": [MANAGER]})
    # Then the contractor's reading of its order's invoices offers them; the manager's holds none
    seen = invoices.invoice_list(MANAGER, "BC-2026-014", world.uow(), CONTRACTOR)
    assert seen.model_dump(mode="json")["supplier"] == {"siret": "73282932000074", "name": "Plomberie Test SARL"}
    assert invoices.invoice_list(MANAGER, "BC-2026-014", world.uow()).supplier is None


def test_a_credit_note_gives_back_what_it_credits_and_no_more(world):
    receive(world)
    invoice(world, invoice_body(lines=[("L1", "1", 8500)]))
    too_much = invoice(world, invoice_body("AV-1", kind="credit_note", credited_invoice_number="F-2026-0042",
                                           lines=[("L1", "2", 8500)]), "av-1")
    assert codes(too_much) == [("$.lines[0].quantity", "CREDIT_NOTE_EXCEEDS_INVOICED")]
    credit = invoice(world, invoice_body("AV-2", kind="credit_note", credited_invoice_number="F-2026-0042",
                                         lines=[("L1", "1", 8500)]), "av-2")
    assert credit.status is ReplyStatus.ACCEPTED
    order = world.order(MANAGER, "BC-2026-014")
    assert order.invoiced_cents == 0 and order.invoiced == {} and order.invoices == ["F-2026-0042", "AV-2"]
    # L1 may now be invoiced again, at the right price
    assert invoice(world, invoice_body("F-2026-0043", lines=[("L1", "1", 8000)]), "inv-4").status is ReplyStatus.ACCEPTED


def test_the_chorus_pro_round_trip_deposits_follows_and_closes_the_order(world):
    # Given an invoiced order and Chorus Pro
    receive(world)
    invoice(world, invoice_body(lines=[("L1", "1", 8500), ("L2", "2.5", 4200)]))
    chorus = RecordingChorusPro(world.clock)
    # When the sync runs: the invoice is deposited with its Factur-X XML
    assert chorus_sync.sync(world.uow(), chorus, world.clock).deposited == 1
    [(call, chorus_id)] = chorus.calls
    deposit = chorus.deposits[chorus_id]["deposit"]
    assert (deposit.buyer_siret, deposit.service_code, deposit.engagement_number) == (
        "21690123100011", "SERVICE-TRAVAUX", "EJ-2026-0042")
    assert b"<ram:BuyerReference>SERVICE-TRAVAUX</ram:BuyerReference>" in deposit.cii_xml
    # Then the invoice is "déposée" (lifecycle 200) and a second run deposits nothing more
    assert chorus_sync.sync(world.uow(), chorus, world.clock).unchanged == 1
    [stored] = world.db.under(f"managers/{MANAGER}/orders/BC-2026-014/invoices").values()
    assert (stored["chorus_status"], stored["lifecycle_code"]) == ("DEPOSEE", "200")
    # When the buyer certifies service done, then pays
    chorus.set_status(chorus_id, "SERVICE_FAIT")
    assert chorus_sync.sync(world.uow(), chorus, world.clock).updated == 1
    assert world.order(MANAGER, "BC-2026-014").state is S.INVOICED
    chorus.set_status(chorus_id, "MISE_EN_PAIEMENT")
    chorus_sync.sync(world.uow(), chorus, world.clock)
    # Then the order is closed by the chain, its history tells each status, and the queue is empty
    order = world.order(MANAGER, "BC-2026-014")
    assert order.state is S.CLOSED
    labels = [e["label"] for e in world.events(MANAGER, "BC-2026-014").values() if e.get("kind") == "invoice_status"]
    assert sorted(labels) == sorted(["Chorus Pro : facture F-2026-0042 déposée",
                                     "Chorus Pro : facture F-2026-0042 service fait constaté",
                                     "Chorus Pro : facture F-2026-0042 mise en paiement"])
    assert world.db.under("chorus_queue") == {}
    statuses = [json.loads(d)["chorus_status"] for t, d, a, _ in world.publisher.published
                if a["ce-type"] == EventType.INVOICE_STATUS_CHANGED.value]
    assert statuses == ["DEPOSEE", "SERVICE_FAIT", "MISE_EN_PAIEMENT"]


def test_an_invoice_rejected_by_the_buyer_no_longer_counts_and_the_order_is_received_again(world):
    receive(world)
    invoice(world, invoice_body())
    chorus = RecordingChorusPro(world.clock)
    chorus_sync.sync(world.uow(), chorus, world.clock)
    [chorus_id] = chorus.deposits
    # When the buyer rejects it
    chorus.set_status(chorus_id, "REJETEE", "Numéro d'engagement inconnu")
    chorus_sync.sync(world.uow(), chorus, world.clock)
    # Then the order is received again and nothing counts as invoiced: a corrected invoice may follow
    order = world.order(MANAGER, "BC-2026-014")
    assert order.state is S.RECEIVED and order.invoices == [] and order.invoiced_cents == 0
    assert order.state_reason == "Facture F-2026-0042 rejetée par le destinataire"
    assert invoice(world, invoice_body("F-2026-0044"), "inv-5").status is ReplyStatus.ACCEPTED
    # And a status that comes after a final one changes nothing
    chorus.set_status(chorus_id, "MISE_EN_PAIEMENT")
    assert chorus_sync.apply_status(world.uow(), world.clock, MANAGER, "BC-2026-014", "F-2026-0042",
                                    chorus.status(chorus_id)) is False


def test_a_chorus_pro_outage_leaves_the_invoice_for_the_next_run(world):
    receive(world)
    invoice(world, invoice_body())
    chorus = RecordingChorusPro(world.clock)
    chorus.down = True
    assert chorus_sync.sync(world.uow(), chorus, world.clock).failed == 1
    chorus.down = False
    assert chorus_sync.sync(world.uow(), chorus, world.clock).deposited == 1


def test_a_mission_milestone_is_received_and_invoiced_before_the_order_is_completed(world):
    # Given an order in progress whose first line (a milestone) is reported done
    world.seed_order(an_order("BC-M", state=S.IN_PROGRESS, line_status={"L1": True}))
    body = {"order_id": "BC-M", "occurred_at": NOW.isoformat(), "lines": [{"line_id": "L2"}]}
    # Then a line not delivered yet cannot be received, the delivered one can
    with pytest.raises(DomainError) as exc:
        receptions.record_reception(MANAGER, ReceiveOrder.model_validate_json(json.dumps(body)), world.uow(), world.clock)
    assert [e.code for e in exc.value.errors] == ["LINE_NOT_DELIVERED"]
    body["lines"] = [{"line_id": "L1"}]
    order = receptions.record_reception(MANAGER, ReceiveOrder.model_validate_json(json.dumps(body)), world.uow(),
                                        world.clock)
    assert order.state is S.IN_PROGRESS and list(order.reception) == ["L1"]
    # And it is invoiced on its own, the order staying in progress
    reply = invoice(world, invoice_body(order_id="BC-M"))
    assert reply.status is ReplyStatus.ACCEPTED and reply.order_state is S.IN_PROGRESS


def test_an_invoice_reads_in_the_order_history_with_its_amount_grouped_in_french():
    """A6 history / A11 last event: « 2 070,00 € HT » as every amount of the web app, not « 2070,00 € HT »."""
    from shared.domain.invoices import InvoiceKind, invoice_event_label

    assert invoice_event_label(InvoiceKind.INVOICE, "FA-2026-0012", 207000) == "Facture FA-2026-0012 : 2\u202f070,00 € HT"
    assert invoice_event_label(InvoiceKind.INVOICE, "F-1", 8500) == "Facture F-1 : 85,00 € HT"
    assert invoice_event_label(InvoiceKind.CREDIT_NOTE, "AV-1", 123456789) == "Avoir AV-1 : 1\u202f234\u202f567,89 € HT"
