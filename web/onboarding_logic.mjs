// Pure logic of the operator's « Raccordement » screen (A10 onboarding, B1 parties; web/operator.mjs): each registry
// form's body, the answers and deactivations in French. No DOM, no network — tested with
// `node --test tests/web/` (logic_screens.test.mjs, parties.test.mjs).

// --- onboarding (A10) --------------------------------------------------------------------------
export const PARTY_KIND_LABELS = Object.freeze({ manager: "gestionnaire", contractor: "prestataire",
  beneficiary: "bénéficiaire", machine_identity: "identité machine", purchasing_body: "centrale d'achat" });

// "mgr-a, mgr-b" or one per line → ["mgr-a", "mgr-b"] (a duplicate is kept: the platform names it).
export function splitIdentifiers(text) {
  return String(text ?? "").split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

function trimmed(form, names, optional = []) {
  const body = {};
  for (const name of names) body[name] = String(form[name] ?? "").trim();
  for (const name of optional) {
    const value = String(form[name] ?? "").trim();
    if (value) body[name] = value;
  }
  return body;
}

// The onboarding forms (flat strings) → the bodies of register_manager, register_contractor,
// register_purchasing_body and register_machine_identity: text trimmed, an empty optional field left out. The platform checks
// the rest (SIRET key, id formats, managers registered…) and answers each error at its field.
export function managerRegistration(form) {
  return trimmed(form, ["manager_id", "name", "siret"], ["territory"]);
}

export function contractorRegistration(form) {
  return { ...trimmed(form, ["contractor_id", "name", "siret"], ["erp_service_account", "territory"]),
    managers: Array.isArray(form.managers) ? [...form.managers] : splitIdentifiers(form.managers) };
}

// B18: the purchasing body's tenant id (its accounts carry it), its name and, optionally, its territory.
export function purchasingBodyRegistration(form) {
  return trimmed(form, ["purchasing_body_id", "name"], ["territory"]);
}

// B1 parties: a public body of part B (register_beneficiary) — its id, name, SIRET, region and territory, one contact
// (the model wants at least one; its role left out when empty), whether its missions need a conflict-of-interest
// declaration (the box ticked: FormData's "on"). The platform checks the rest, each error at its field.
export function beneficiaryRegistration(form) {
  const contact = trimmed({ last_name: form.contact_last_name, first_name: form.contact_first_name,
    email: form.contact_email, role: form.contact_role }, ["last_name", "first_name", "email"], ["role"]);
  return { ...trimmed(form, ["beneficiary_id", "name", "siret", "region", "territory"]), contacts: [contact],
    requires_conflict_declaration: form.requires_conflict_declaration === "on" };
}

// register_beneficiary answers the record itself, 201 or 200 alike to this screen: « enregistrée » says both.
export function beneficiaryOutcome(answer) {
  return { outcome: "saved", text: `Inscription enregistrée — bénéficiaire « ${answer.beneficiary_id} ».` };
}

// rights: the boxes ticked; none ticked → every right of the role (the field is left out).
export function machineIdentityRegistration(form, rights = []) {
  return { ...trimmed(form, ["email", "role", "tenant"]), ...(rights.length ? { rights: [...rights] } : {}) };
}

// A registry answer ({created, changed}) → what the operator reads.
export function registrationOutcome(answer, kind, id) {
  const outcome = answer.created ? "created" : answer.changed ? "changed" : "unchanged";
  const text = { created: "Inscription créée", changed: "Inscription modifiée",
    unchanged: "Inscription inchangée (même contenu : rien n'a été écrit)" }[outcome];
  return { outcome, text: `${text} — ${PARTY_KIND_LABELS[kind] ?? kind} « ${id} ».` };
}

// « … était déjà désactivée » agrees with the kind's gender (une centrale d'achat, une identité machine), never « (e) »
const FEMININE_KINDS = new Set(["purchasing_body", "machine_identity"]);
export function deactivationOutcome(answer) {
  const who = `${PARTY_KIND_LABELS[answer.kind] ?? answer.kind} « ${answer.id} »`;
  return answer.changed ? `Désactivation enregistrée — ${who}.`
    : `Rien n'a changé — ${who} était déjà désactivé${FEMININE_KINDS.has(answer.kind) ? "e" : ""}.`;
}

export const IAM_LABELS = Object.freeze({ managed: "droits Pub/Sub du compte de service de l'ERP appliqués",
  "not managed (emulator)": "non gérés par l'émulateur Pub/Sub (appliqués en production)" });
