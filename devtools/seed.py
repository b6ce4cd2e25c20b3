"""Demo data: one manager, two contractors, contracts and a few orders (part A), and one
beneficiary, a small pool of professionals and a need to rank (part B), all sent over HTTPS —
the parties through the onboarding API (A10), never written to Firestore directly."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import urllib.request

from devtools.tokens import emulator_token

MANAGER = {"manager_id": "mgr-rhone-habitat", "name": "Rhône Habitat (démo)", "siret": "21690123100011",
           "territory": "69"}
# The central purchasing body (B1 parties) under the tenant id its demo user carries, with its own territory (B18):
# listed in the operator's « Annuaire », its own deadlines (an incident naming no territory: D8) counted there.
PURCHASING_BODY = {"purchasing_body_id": "centrale-demo", "name": "Centrale d'achat du numérique (démo)",
                   "territory": "75"}
# The demo contractors' ERP identities (Pub/Sub grants in production; the emulator has no IAM).
CONTRACTORS = [
    {"contractor_id": "ctr-acme", "name": "ACME Maintenance", "siret": "73282932000074",
     "managers": [MANAGER["manager_id"]],
     "erp_service_account": "erp-ctr-acme@demo-passerelle.iam.gserviceaccount.com"},
    {"contractor_id": "ctr-bativert", "name": "Bativert Rénovation", "siret": "44306184100047",
     "managers": [MANAGER["manager_id"]]},
]
# The contractor of the sourcing missions' orders (part B): beneficiaries link themselves to it.
TITULAIRE = {"contractor_id": "ctr-titulaire", "name": "Titulaire de l'accord-cadre (démo)", "siret": "55208131766522",
             "managers": []}
# ACME's ERP may also call the REST API with Google-signed tokens of that service account (docs/security.md).
MACHINE_IDENTITY = {"email": CONTRACTORS[0]["erp_service_account"], "role": "contractor", "tenant": "ctr-acme"}
CONTRACT = {"contract_id": "AC-2026-017", "title": "Entretien et petits travaux — lot 2 plomberie",
            "contractor_id": "ctr-acme", "contractor_siret": "73282932000074", "signed_on": "2025-09-01",
            "starts_on": "2026-01-01", "ends_on": "2029-12-31", "status": "active",
            "lots": [{"code": "LOT2", "label": "Plomberie"}], "perimeter": {"departements": ["69"], "communes": []}}
CONTRACT_BATIVERT = {"contract_id": "AC-2026-021", "title": "Peinture des parties communes — lot 5",
                     "contractor_id": "ctr-bativert", "contractor_siret": "44306184100047", "signed_on": "2025-10-15",
                     "starts_on": "2026-01-01", "ends_on": "2029-12-31", "status": "active",
                     "lots": [{"code": "LOT5", "label": "Peinture"}], "perimeter": {"departements": ["69"],
                                                                                    "communes": []}}
CONTRACT_OF = {"ctr-acme": CONTRACT["contract_id"], "ctr-bativert": CONTRACT_BATIVERT["contract_id"]}
# The property tree (A7) holding every demo order's node: get_property_coverage shows 100 %.
PROPERTY_TREE = [
    {"node_id": "LYON", "kind": "site", "label": "Résidence Les Tilleuls", "commune": "69383"},
    {"node_id": "LYON-BAT-A", "kind": "building", "parent_id": "LYON", "label": "Bâtiment A"},
    {"node_id": "LYON-BAT-A-LOG-12", "kind": "dwelling", "parent_id": "LYON-BAT-A", "label": "Logement 12"},
    {"node_id": "LYON-BAT-B", "kind": "building", "parent_id": "LYON", "label": "Bâtiment B"},
    {"node_id": "VILLEURBANNE", "kind": "site", "label": "Groupe Gratte-Ciel", "commune": "69266"},
    {"node_id": "VILLEURBANNE-BAT-C", "kind": "building", "parent_id": "VILLEURBANNE", "label": "Bâtiment C"},
    {"node_id": "VILLEURBANNE-BAT-C-ESC-1", "kind": "staircase", "parent_id": "VILLEURBANNE-BAT-C",
     "label": "Bâtiment C, escalier 1"},
]


NODE_LABELS = {node["node_id"]: node["label"] for node in PROPERTY_TREE}


def register_parties(url_of, project_id: str) -> list[tuple[str, int]]:
    """The demo parties through the onboarding API, as an operator registers them (A10): the manager, the
    purchasing body, the contractors (each one's Pub/Sub topics provisioned by register_contractor), ACME's ERP identity; then
    the manager's contracts and property tree through its own functions. Nothing is written to Firestore
    directly. Each call is idempotent: a restart finds everything done."""
    operator = emulator_token(project_id, "operator-demo", role="operator", tenant="platform")
    manager = emulator_token(project_id, "erp-rhone-habitat", role="manager", tenant=MANAGER["manager_id"])
    calls = [("register_manager", operator, MANAGER, "seed-manager"),
             ("register_purchasing_body", operator, PURCHASING_BODY, "seed-purchasing-body")]
    calls += [("register_contractor", operator, c, f"seed-contractor-{c['contractor_id']}")
              for c in (*CONTRACTORS, TITULAIRE)]
    calls += [("register_machine_identity", operator, MACHINE_IDENTITY, "seed-machine-identity"),
              ("upsert_contract", manager, CONTRACT, "seed-contract-acme"),
              ("upsert_contract", manager, CONTRACT_BATIVERT, "seed-contract-bativert"),
              ("import_property_tree", manager, {"nodes": PROPERTY_TREE}, "seed-property-tree")]
    return [(name, _post(url_of(name), token, json.dumps(body).encode(), key)) for name, token, body, key in calls]


def demo_orders(now: dt.datetime) -> list[dict]:
    def order(n: int, contractor: str, title: str, node: str, lines: list[dict]) -> dict:
        return {
            "order_id": f"BC-2026-{n:04d}", "contract_id": CONTRACT_OF[contractor], "contractor_id": contractor,
            # A7 property tree: the site as the tree names it (« Logement 12 »), never its id made readable
            "title": title, "site": {"node_id": node, "label": NODE_LABELS[node]},
            "lines": lines, "issued_at": now.isoformat(),
            "requested_start": (now + dt.timedelta(days=2)).date().isoformat(),
            # Rhône Habitat is a public office: its invoices go through Chorus Pro (docs/invoicing.md)
            "public_invoicing": {"buyer_siret": MANAGER["siret"], "buyer_name": MANAGER["name"],
                                 "service_code": "SERVICE-TECHNIQUE", "engagement_number": f"EJ-2026-{n:04d}"},
        }

    return [
        order(101, "ctr-acme", "Fuite sous évier — logement 12", "LYON-BAT-A-LOG-12",
              [{"line_id": "L1", "service_code": "PLB-010", "label": "Recherche de fuite", "quantity": 1,
                "unit": "U", "unit_price_cents": 8500},
               {"line_id": "L2", "service_code": "PLB-024", "label": "Remplacement siphon", "quantity": 1,
                "unit": "U", "unit_price_cents": 4200}]),
        order(102, "ctr-acme", "Robinet de puisage à remplacer — local poubelles", "LYON-BAT-B",
              [{"line_id": "L1", "service_code": "PLB-031", "label": "Robinet de puisage", "quantity": 2,
                "unit": "U", "unit_price_cents": 6100}]),
        order(103, "ctr-bativert", "Reprise peinture cage d'escalier", "VILLEURBANNE-BAT-C-ESC-1",
              [{"line_id": "L1", "service_code": "PEI-100", "label": "Peinture murs", "quantity": 42.5,
                "unit": "m2", "unit_price_cents": 1850}]),
    ]


# Web application sign-in (docs/web-app.md). DEMO ONLY: these accounts exist in the local Auth
# emulator that ./scripts/dev starts, nowhere else; production accounts are created by the operator.
DEMO_PASSWORD = "Demo-Passerelle-2026!"
DEMO_TEMPORARY_PASSWORD = "Provisoire-Demo-2026!"  # what the operator gives; replaced by DEMO_PASSWORD at once
DEMO_USERS = [
    {"email": "gestionnaire@rhone-habitat.demo", "display_name": "Gestionnaire Rhône Habitat (démo)",
     "role": "manager", "tenant": MANAGER["manager_id"]},
    {"email": "prestataire@acme.demo", "display_name": "Prestataire ACME (démo)",
     "role": "contractor", "tenant": "ctr-acme"},
    # the framework agreement's contractor (part B): the orders of the sourcing missions, their timesheets and
    # deliverables, and the change of professional a replacement makes (B12)
    {"email": "titulaire@accord-cadre.demo", "display_name": "Titulaire de l'accord-cadre (démo)",
     "role": "contractor", "tenant": TITULAIRE["contractor_id"]},
    {"email": "agent@metropole.demo", "display_name": "Agent de la Métropole (démo)",
     "role": "beneficiary", "tenant": "ben-metropole-demo"},
    {"email": "acheteur@centrale.demo", "display_name": "Centrale d'achat (démo)",
     "role": "purchasing_body", "tenant": PURCHASING_BODY["purchasing_body_id"]},
    {"email": "operateur@passerelle.demo", "display_name": "Opérateur Passerelle (démo)",
     "role": "operator", "tenant": "platform"},
]
ROLE_LABELS = {"manager": "gestionnaire", "contractor": "prestataire", "beneficiary": "bénéficiaire",
               "purchasing_body": "centrale d'achat", "operator": "opérateur"}


def demo_label(user: dict) -> str:
    """How the banner names a demo account's role: the titulaire is the contractor of the missions' orders."""
    return "titulaire" if user["tenant"] == TITULAIRE["contractor_id"] else ROLE_LABELS[user["role"]]


def create_demo_users(url_of, project_id: str, auth_port: int) -> list[tuple[str, int]]:
    """Email/password users in the Auth emulator, with the role and tenant claims the demo tokens
    carry, created the way the operator creates accounts (manage_account, with a temporary password),
    then given the demo password the way a person chooses its own at first sign-in (sign-in, then
    change_password: B15, docs/security.md). Answers each user's last status."""
    operator = emulator_token(project_id, "operator-demo", role="operator", tenant="platform")
    done = []
    for user in DEMO_USERS:
        key = f"seed-user-{user['role']}-{user['tenant']}"
        status = _post(url_of("manage_account"), operator,
                       json.dumps({**user, "password": DEMO_TEMPORARY_PASSWORD}).encode(), key)
        if status == 200:
            status = choose_own_password(url_of("change_password"), auth_port, user["email"], DEMO_TEMPORARY_PASSWORD,
                                         DEMO_PASSWORD)
        done.append((user["email"], status))
    return done


def sign_in(auth_port: int, email: str, password: str) -> dict:
    """signInWithPassword on the Auth emulator, as web/app.js does: the ID and refresh tokens."""
    url = (f"http://127.0.0.1:{auth_port}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword"
           "?key=fake-api-key")
    request = urllib.request.Request(url, method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"email": email, "password": password,
                                                      "returnSecureToken": True}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def choose_own_password(change_password_url: str, auth_port: int, email: str, current: str, new: str) -> int:
    """What a person does at first sign-in: signs in with the password it was given, chooses its own."""
    token = sign_in(auth_port, email, current)["idToken"]
    return _post(change_password_url, token, json.dumps({"new_password": new}).encode(),
                 "seed-own-password-" + hashlib.sha256(email.encode()).hexdigest()[:16] + f"-{time.time_ns()}")


def post_demo_orders(receive_order_url: str, project_id: str, now: dt.datetime) -> list[tuple[str, int]]:
    token = emulator_token(project_id, "erp-rhone-habitat", role="manager", tenant=MANAGER["manager_id"])
    return [(order["order_id"], _post(receive_order_url, token, json.dumps(order).encode(), f"seed-{order['order_id']}"))
            for order in demo_orders(now)]


# Part B (docs/sourcing.md): a beneficiary, a pool of professionals and one need, dated from today.
BENEFICIARY = {
    "beneficiary_id": "ben-metropole-demo", "name": "Métropole de démonstration", "siret": "92443595100018",
    "region": "84", "territory": "69", "requires_conflict_declaration": True,
    "contacts": [{"last_name": "Martin", "first_name": "Claire", "email": "claire.martin@metropole.demo",
                  "role": "DSI"}],
}
NEED_ID = "recette-portail-usagers"


def demo_professionals(today: dt.date) -> list[dict]:
    def pro(n: int, name: str, level: str, years: int, rate: int, skills: list[str], summary: str,
            service_types: list[str], region: str = "84") -> dict:
        return {
            "professional_id": f"pro-demo-{n}", "name": name, "level": level, "years_of_experience": years,
            "public_sector_knowledge": n % 2 == 1, "certifications": ["ISTQB Foundation"] if n < 3 else [],
            "references": [f"Mission de référence {n}, collectivité territoriale"], "skills": skills,
            "summary": summary, "availability": [{"start": today.isoformat(),
                                                  "end": (today + dt.timedelta(days=365)).isoformat()}],
            "daily_rate_cents": rate, "extra_costs": {"travel_cents": 3000, "lodging_cents": 0, "meals_cents": 2000},
            "reviews": [{"mission_ref": f"M-{n}", "rating": 4 + n % 2,
                         "on": (today - dt.timedelta(days=60 + n)).isoformat()}],
            "profile_category": "CHEF-PROJET", "service_types": service_types, "region": region,
        }

    return [
        pro(1, "Anne Lefèvre", "senior", 14, 68000, ["recette fonctionnelle", "accessibilité RGAA"],
            "Consultante AMOA : stratégie et cahiers de recette, conformité RGAA.", ["AMOA"]),
        pro(2, "Bruno Caron", "confirme", 7, 55000, ["recette", "tests automatisés"],
            "Testeur confirmé, recette de portails usagers.", ["AMOA"]),
        pro(3, "Chloé Garnier", "senior", 11, 72000, ["développement Java", "architecture"],
            "Développeuse backend, API et intégration.", ["AMOE"]),
        pro(4, "David Roux", "junior", 2, 38000, ["recette", "rédaction de cas de test"],
            "Testeur junior.", ["AMOA"]),
        pro(5, "Émilie Faure", "senior", 16, 69000, ["accessibilité RGAA", "audit"],
            "Auditrice accessibilité, secteur public.", ["AMOA"], region="11"),
        pro(6, "Farid Benali", "confirme", 6, 52000, ["pilotage de projet", "recette"],
            "Chef de projet AMOA, collectivités.", ["AMOA"]),
    ]


def demo_need(today: dt.date) -> dict:
    start = today + dt.timedelta(days=30)
    return {"need_id": NEED_ID, "content": {
        "title": "Recette fonctionnelle du nouveau portail usagers", "nature": "AMOA",
        "summary": "Définir la stratégie de recette, rédiger le cahier de recette et conduire la recette "
                   "fonctionnelle ; vérifier l'accessibilité RGAA.",
        "skills": ["recette", "RGAA"], "min_years_of_experience": 5, "level": "confirme", "certifications": [],
        "start_date": start.isoformat(), "duration_days": 40, "end_date": (start + dt.timedelta(days=90)).isoformat(),
        "region": "84", "work_mode": "mixed", "deliverables": ["Cahier de recette", "PV de recette"],
        "daily_rate_ceiling_cents": 70000}}


def _post(url: str, token: str, body: bytes, key: str, content_type: str = "application/json") -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": content_type, "Authorization": f"Bearer {token}", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def post_demo_sourcing(url_of, project_id: str, today: dt.date) -> list[tuple[str, int]]:
    """The beneficiary registered and the pool imported by the operator, then the need submitted by the
    beneficiary: score_candidates ranks it through Pub/Sub a moment later."""
    operator = emulator_token(project_id, "operator-demo", role="operator", tenant="platform")
    beneficiary = emulator_token(project_id, "agent-metropole", role="beneficiary",
                                 tenant=BENEFICIARY["beneficiary_id"])
    pool = "\n".join(json.dumps(p, ensure_ascii=False) for p in demo_professionals(today)).encode()
    return [
        ("register_beneficiary", _post(url_of("register_beneficiary"), operator, json.dumps(BENEFICIARY).encode(),
                                       "seed-beneficiary")),
        ("import_professionals", _post(url_of("import_professionals"), operator, pool, "seed-professionals",
                                       "application/x-ndjson")),
        ("submit_need", _post(url_of("submit_need"), beneficiary, json.dumps(demo_need(today)).encode(),
                              f"seed-need-{today.isoformat()}")),
    ]
