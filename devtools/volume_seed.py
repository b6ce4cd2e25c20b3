"""A real month's volume for the demo manager, loaded through the platform's own functions over HTTP.

    .venv/bin/python -m devtools.volume_seed --gateway http://127.0.0.1:8100 --orders 600

against a running ``./scripts/dev`` (its banner prints the gateway; ``--free-ports`` gives another
one). Nothing is written to Firestore directly: a third contractor and its contract are registered
through the onboarding API (A10), more sites are merged into the property tree (A7 property tree),
then ``--orders`` orders are issued by the manager's ERP (``receive_order``) over the last four weeks
across the three contractors and the sites, and each is taken to a state by the very calls ERPs and
users make — contractor reports (``submit_execution``), reception (``record_reception``), invoices
(``submit_invoice``), the manager's suspensions, cancellations and closings (``change_order_state``):
every state of A6 is represented. Besides:

- some reports are sent days after the event they report (A5, D1 late sharing): the contract's P1
  penalty days pile up over the month (``get_penalty_statement``);
- some reports are refused (a sequence gap, a transition the contractor may not make, a malformed
  date: F1), so that the message log holds refusals to find and correct;
- a few orders get a long history (``--long-history`` reports each);
- ``--quotes`` quotes are requested, most submitted, some accepted or refused (A2.4, B16).

Each call carries an Idempotency-Key made of ``--prefix`` and the step, so a second run with the same
prefix changes nothing (the platform answers each key once); use another ``--prefix`` to add more.
It prints what was sent, grouped by function and HTTP status, and the time it took.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from devtools import seed
from devtools.stack import load_config
from devtools.tokens import emulator_token

VOLTA = {"contractor_id": "ctr-volta", "name": "Volta Électricité", "siret": "81234567800013",
         "managers": [seed.MANAGER["manager_id"]]}
CONTRACT_VOLTA = {"contract_id": "AC-2026-033", "title": "Électricité des parties communes — lot 7",
                  "contractor_id": "ctr-volta", "contractor_siret": VOLTA["siret"], "signed_on": "2025-11-03",
                  "starts_on": "2026-01-01", "ends_on": "2029-12-31", "status": "active",
                  "lots": [{"code": "LOT7", "label": "Électricité"}], "perimeter": {"departements": ["69"],
                                                                                      "communes": []}}
SIRETS = {"ctr-acme": "73282932000074", "ctr-bativert": "44306184100047", "ctr-volta": VOLTA["siret"]}
CONTRACTS = {**seed.CONTRACT_OF, "ctr-volta": CONTRACT_VOLTA["contract_id"]}
# (site id, label, INSEE commune): each with two buildings of three dwellings, merged into the demo tree
SITES = [("VENISSIEUX", "Résidence Les Minguettes", "69259"), ("BRON", "Cité Terraillon", "69029"),
         ("VAULX", "Quartier du Mas du Taureau", "69256"), ("OULLINS", "Résidence La Saulaie", "69149")]
WORKS = {
    "ctr-acme": [("Fuite sous évier", "PLB-010", "Recherche de fuite", 8500),
                 ("Robinet à remplacer", "PLB-031", "Robinet de puisage", 6100),
                 ("Chasse d'eau qui coule", "PLB-024", "Remplacement mécanisme", 4200)],
    "ctr-bativert": [("Reprise peinture", "PEI-100", "Peinture murs", 1850),
                     ("Graffitis à effacer", "PEI-210", "Nettoyage façade", 2400)],
    "ctr-volta": [("Éclairage de hall en panne", "ELE-010", "Remplacement luminaire", 12800),
                  ("Interphone hors service", "ELE-040", "Dépannage interphone", 9500),
                  ("Prise arrachée", "ELE-002", "Remplacement prise", 3500)],
}
# The state each order is taken to, and how often (A6: every state a month's orders are in).
STATES = [("to_acknowledge", 10), ("acknowledged", 10), ("scheduled", 14), ("in_progress", 14), ("on_hold", 5),
          ("completed", 10), ("received", 10), ("invoiced", 10), ("closed", 6), ("cancelled", 8),
          ("cannot_complete", 3)]
EXECUTED = ["acknowledged", "scheduled", "in_progress", "completed"]


def property_nodes() -> list[dict]:
    nodes = []
    for site, label, commune in SITES:
        nodes.append({"node_id": site, "kind": "site", "label": label, "commune": commune})
        for building in "AB":
            building_id = f"{site}-BAT-{building}"
            nodes.append({"node_id": building_id, "kind": "building", "parent_id": site, "label": f"Bâtiment {building}"})
            nodes += [{"node_id": f"{building_id}-LOG-{n}", "kind": "dwelling", "parent_id": building_id,
                       "label": f"{label}, bâtiment {building}, logement {n}"} for n in (1, 2, 3)]
    return nodes


@dataclass
class Tally:
    """What was sent: (function, HTTP status) → count, and the first answer of each refused kind."""

    counts: collections.Counter = field(default_factory=collections.Counter)
    samples: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, function: str, status: int, answer: str) -> None:
        with self.lock:
            self.counts[(function, status)] += 1
            if status >= 400 and (function, status) not in self.samples:
                self.samples[(function, status)] = answer[:300]


class Client:
    def __init__(self, gateway: str, project_id: str, prefix: str, tally: Tally):
        self.gateway, self.prefix, self.tally = gateway.rstrip("/"), prefix, tally
        manager_id = seed.MANAGER["manager_id"]
        self.tokens = {"operator": emulator_token(project_id, "operator-demo", role="operator", tenant="platform"),
                       "manager": emulator_token(project_id, "erp-rhone-habitat", role="manager", tenant=manager_id,
                                                 ttl_seconds=6 * 3600)}
        for contractor in CONTRACTS:
            self.tokens[contractor] = emulator_token(project_id, f"erp-{contractor}", role="contractor",
                                                     tenant=contractor, ttl_seconds=6 * 3600)

    def post(self, function: str, who: str, body: dict, key: str, query: str = "") -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.gateway}/{function}/{query}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.tokens[who]}",
                     "Idempotency-Key": f"{self.prefix}-{key}"})
        for attempt in range(3):
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    status, text = response.status, response.read().decode()
                break
            except urllib.error.HTTPError as exc:
                status, text = exc.code, exc.read().decode()
                if status < 500:
                    break
            except (urllib.error.URLError, TimeoutError) as exc:
                status, text = 599, str(exc)
            time.sleep(1 + attempt)
        self.tally.add(function, status, text)
        try:
            return status, json.loads(text) if text else {}
        except ValueError:
            return status, {}


def iso(at: dt.datetime) -> str:
    return at.isoformat(timespec="seconds")


class Loader:
    def __init__(self, client: Client, now: dt.datetime, orders: int, quotes: int, long_history: int,
                 late_share: float, refused_share: float, seed_value: int):
        self.c, self.now, self.count, self.quotes = client, now, orders, quotes
        self.long_history, self.late_share, self.refused_share = long_history, late_share, refused_share
        self.rng = random.Random(seed_value)
        self.nodes = [n["node_id"] for n in property_nodes() if n["kind"] == "dwelling"] + [
            n["node_id"] for n in seed.PROPERTY_TREE if n["kind"] != "site"]
        self.labels = {n["node_id"]: n["label"] for n in (*property_nodes(), *seed.PROPERTY_TREE)}

    # --- parties and perimeter ---------------------------------------------------------------------
    def perimeter(self) -> None:
        self.c.post("register_contractor", "operator", VOLTA, "contractor-volta")
        self.c.post("upsert_contract", "manager", CONTRACT_VOLTA, "contract-volta")
        self.c.post("import_property_tree", "manager", {"nodes": property_nodes(), "mode": "merge"}, "tree")

    # --- orders --------------------------------------------------------------------------------------
    def plans(self) -> list[dict]:
        """Every order's plan, drawn once from the seeded generator (the same plans on every run)."""
        states = [s for s, weight in STATES for _ in range(weight)]
        contractors = ["ctr-acme"] * 5 + ["ctr-bativert"] * 2 + ["ctr-volta"] * 3
        plans = []
        for i in range(self.count):
            contractor = self.rng.choice(contractors)
            title, code, label, price = self.rng.choice(WORKS[contractor])
            node = self.rng.choice(self.nodes)
            # issued over the last 28 days, the oldest first (the order id grows with its issue)
            issued = self.now - dt.timedelta(days=28 * (1 - i / self.count), minutes=self.rng.randint(0, 600))
            plans.append({
                "n": i + 1, "contractor": contractor, "state": "to_acknowledge" if i >= self.count - 3 else self.rng.choice(states),
                "late": self.rng.random() < self.late_share, "refused": self.rng.random() < self.refused_share,
                "issued": issued,
                "body": {"order_id": f"{self.c.prefix}-{i + 1:04d}", "contract_id": CONTRACTS[contractor],
                         "contractor_id": contractor, "title": f"{title} — {self.labels[node]}",
                         "site": {"node_id": node, "label": self.labels[node]}, "issued_at": iso(issued),
                         "requested_start": (issued + dt.timedelta(days=3)).date().isoformat(),
                         "requested_end": (issued + dt.timedelta(days=10)).date().isoformat(),
                         "lines": [{"line_id": "L1", "service_code": code, "label": label,
                                    "quantity": self.rng.randint(1, 3), "unit": "U", "unit_price_cents": price}]},
            })
        for plan in plans[: self.long_history]:
            plan["state"], plan["history"] = "in_progress", True
        return plans

    def order(self, plan: dict) -> None:
        body, contractor, target = plan["body"], plan["contractor"], plan["state"]
        order_id, manager_id = body["order_id"], seed.MANAGER["manager_id"]
        status, _ = self.c.post("receive_order", "manager", body, f"order-{order_id}")
        if status not in (200, 201):
            return
        sequence = 0
        issued: dt.datetime = plan["issued"]

        def report(state: str | None, occurred: dt.datetime, step: str, **fields) -> int:
            nonlocal sequence
            sequence += 1
            body = {"manager_id": manager_id, "order_id": order_id, "sequence": sequence, "occurred_at": iso(occurred),
                    "event": {"label": fields.pop("label", f"Étape {sequence}"), "code": step.upper()}, **fields}
            if state:
                body["state"] = state
            code, _ = self.c.post("submit_execution", contractor, body, f"exec-{order_id}-{step}")
            if code != 200:
                sequence -= 1
            return code

        def manager(state: str, step: str, **fields) -> None:
            self.c.post("change_order_state", "manager", {"order_id": order_id, "occurred_at": iso(self.recent()),
                                                          "state": state, **fields}, f"state-{order_id}-{step}")

        if plan["refused"]:  # a report the platform refuses: its sequence skips one (SEQUENCE_GAP)
            self.c.post("submit_execution", contractor, {
                "manager_id": manager_id, "order_id": order_id, "sequence": 3, "occurred_at": iso(self.recent()),
                "state": "in_progress", "event": {"label": "Démarrage"}}, f"exec-{order_id}-refused-gap")
        if plan["n"] % 7 == 0 and plan["refused"]:  # and one whose date is not a date (F1 format)
            self.c.post("submit_execution", contractor, {
                "manager_id": manager_id, "order_id": order_id, "sequence": 1, "occurred_at": "31/02/2026 08:00",
                "state": "acknowledged", "event": {"label": "Pris en compte"}}, f"exec-{order_id}-refused-format")
        if target == "to_acknowledge":
            return
        if target == "cancelled":
            manager("cancelled", "cancel", reason="Locataire parti, intervention sans objet")
            return
        if target == "cannot_complete":
            report("cannot_complete", self.recent(), "cannot", reason="Accès impossible au logement, clé absente")
            return
        # acknowledged: late (D1, A5) when the plan says so: reported days after the day it happened
        acknowledged = issued + dt.timedelta(hours=2) if plan["late"] else self.recent()
        report("acknowledged", acknowledged, "ack", label="Commande prise en compte")
        steps = EXECUTED[: EXECUTED.index(target) + 1] if target in EXECUTED else EXECUTED
        if target == "on_hold":
            steps = EXECUTED[:2]
        start = issued + dt.timedelta(days=3, hours=8 - issued.hour % 24 if issued.hour < 8 else 0)
        if "scheduled" in steps:
            report("scheduled", self.recent(), "plan", label="Intervention planifiée",
                   planned_start=iso(start), planned_end=iso(start + dt.timedelta(hours=4)),
                   site_lead={"last_name": "Martin", "first_name": "Léa", "mobile": "06 12 34 56 78"})
        if "in_progress" in steps:
            report("in_progress", self.recent(), "start", label="Intervention démarrée",
                   actual_start=iso(min(start, self.recent())), progress=10)
            if plan.get("history"):
                for step in range(2, 40):
                    report(None, self.recent(), f"progress-{step}", label=f"Point d'avancement {step}",
                           progress=min(95, 10 + step * 2))
        if "completed" in steps:
            report("completed", self.recent(), "done", label="Intervention terminée",
                   actual_end=iso(self.recent()), progress=100, line_statuses=[{"line_id": "L1", "done": True}])
        if target == "on_hold":
            manager("on_hold", "hold", reason="En attente du passage de l'expert de l'assurance")
            return
        if target not in ("received", "invoiced", "closed"):
            return
        self.c.post("record_reception", "manager", {"order_id": order_id, "occurred_at": iso(self.recent())},
                    f"reception-{order_id}")
        if target == "received":
            return
        self.c.post("submit_invoice", contractor, self.invoice(body, contractor), f"invoice-{order_id}")
        if target == "closed":
            manager("closed", "close")

    def invoice(self, order: dict, contractor: str) -> dict:
        line = order["lines"][0]
        net = line["quantity"] * line["unit_price_cents"]
        vat = int((Decimal(net) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        today = self.now.date()
        return {"manager_id": seed.MANAGER["manager_id"], "order_id": order["order_id"],
                "invoice_number": f"F-{order['order_id']}", "issue_date": today.isoformat(),
                "due_date": (today + dt.timedelta(days=30)).isoformat(),
                "supplier": {"siret": SIRETS[contractor], "name": contractor.removeprefix("ctr-").title()},
                "lines": [{"line_id": "L1", "quantity": str(line["quantity"]),
                           "unit_price_cents": line["unit_price_cents"], "vat_rate": "10"}],
                "total_excl_tax_cents": net, "vat_cents": vat, "total_incl_tax_cents": net + vat}

    def recent(self) -> dt.datetime:
        """A moment ago (a report on time: under A5's 15 minutes)."""
        return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)

    # --- quotes --------------------------------------------------------------------------------------
    def quote(self, n: int) -> None:
        contractor = ["ctr-acme", "ctr-volta", "ctr-bativert"][n % 3]
        title, code, label, price = WORKS[contractor][n % len(WORKS[contractor])]
        quote_id = f"DV-{self.c.prefix}-{n:03d}"
        node = self.nodes[n % len(self.nodes)]
        status, _ = self.c.post("request_quote", "manager", {
            "quote_id": quote_id, "contract_id": CONTRACTS[contractor], "contractor_id": contractor,
            "title": f"Devis : {title.lower()} — {self.labels[node]}", "site": {"node_id": node}}, f"quote-{quote_id}")
        if status != 201 or n % 5 == 0:  # one in five still waits for its answer
            return
        valid_until = (self.now + dt.timedelta(days=30)).date().isoformat()
        self.c.post("submit_quote", contractor, {
            "manager_id": seed.MANAGER["manager_id"], "quote_id": quote_id, "valid_until": valid_until,
            "lines": [{"line_id": "L1", "service_code": code, "label": label, "quantity": 1 + n % 4, "unit": "U",
                       "unit_price_cents": price}]}, f"quote-submit-{quote_id}")
        if n % 5 == 1:
            self.c.post("decide_quote", "manager", {"quote_id": quote_id, "action": "accept"}, f"quote-accept-{quote_id}")
        elif n % 5 == 2:
            self.c.post("decide_quote", "manager", {"quote_id": quote_id, "action": "refuse",
                                                    "reason": "Montant au-delà du budget de l'exercice"},
                        f"quote-refuse-{quote_id}")

    def run(self, workers: int) -> None:
        self.perimeter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(self.order, self.plans()))
            list(pool.map(self.quote, range(1, self.quotes + 1)))


def main(argv: list[str] | None = None) -> int:
    config = load_config()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", default=f"http://127.0.0.1:{config.get('gateway', {}).get('port', 8100)}",
                        help="the functions host's gateway (./scripts/dev prints it)")
    parser.add_argument("--project", default=config["project_id"])
    parser.add_argument("--orders", type=int, default=600)
    parser.add_argument("--quotes", type=int, default=50)
    parser.add_argument("--long-history", type=int, default=3, help="orders given about 40 reports each")
    parser.add_argument("--late-share", type=float, default=0.12, help="share of orders acknowledged days late (D1)")
    parser.add_argument("--refused-share", type=float, default=0.15, help="share of orders with a refused report")
    parser.add_argument("--prefix", default="BC-2026-V", help="order ids are <prefix>-0001…; also the keys' prefix")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    tally = Tally()
    client = Client(args.gateway, args.project, args.prefix, tally)
    began = time.monotonic()
    Loader(client, dt.datetime.now(dt.UTC), args.orders, args.quotes, args.long_history, args.late_share,
           args.refused_share, args.seed).run(args.workers)
    print(f"{sum(tally.counts.values())} calls in {time.monotonic() - began:.0f} s")
    for (function, status), count in sorted(tally.counts.items()):
        print(f"  {function:<22} {status}  {count}")
    for (function, status), sample in sorted(tally.samples.items()):
        print(f"  first {function} {status}: {sample}")
    return 0 if all(status < 500 for _, status in tally.counts) else 1


if __name__ == "__main__":
    sys.exit(main())
