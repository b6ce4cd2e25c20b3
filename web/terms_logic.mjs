// A9 penalties, the purchasing body's form of a new version of a beneficiary's agreement terms (set_penalty_terms
// with beneficiary_id), the pure part: the deadline kinds an agreement prices (B5, B9, B10, B12, B16), the form's
// values prefilled from the latest version, and the body sent, with the errors a person can fix before sending.
// The rule is the platform's (shared/domain/penalties.py PenaltyTerms, shared/domain/deadlines.py KINDS, kept equal
// by tests/unit/test_web_logic.py); no DOM here: tests/web/terms_logic.test.mjs runs it in node. Below, the terms as
// read: a contract's or an agreement's versions (get_contract, get_sourcing?view=agreement), each kind by its label.
import { eurosToCents, formatEuros, isoToFrenchDate, parseFrenchDate } from "./logic.mjs";
import { nameText } from "./names_logic.mjs";

// The one penalty rule (P1) and its amount per day of lateness by default, in cents (RULES in penalties.py).
export const DEFAULT_DAILY_CENTS = Object.freeze({ P1: 15000 });
export const MAX_DAILY_CENTS = 100_000_000;

// The deadline kinds of a beneficiary's agreement, in the catalogue's words; `shorter`: the shorter length an
// agreement may state (at most the contractual one, in its unit). None is priced by default: the agreement says so.
export const AGREEMENT_KINDS = Object.freeze({
  D3: { label: "Réponse à une demande de devis", requirement: "B16" },
  D4: { label: "Proposition de profils pour une recherche", requirement: "B10",
    shorter: { max: 10, unit: "jours ouvrés" } },
  D5: { label: "Remplacement d'un professionnel parti", requirement: "B12" },
  D6: { label: "Remplacement pour insuffisance", requirement: "B12" },
  D7: { label: "Création d'un compte", requirement: "B5", shorter: { max: 72, unit: "heures ouvrées" } },
  D8: { label: "Première réponse à un incident", requirement: "B9" },
});

// The choices of a kind's penalty: none (the catalogue's: no penalty for these kinds) or P1 per day of lateness.
export const RULE_CHOICES = Object.freeze([{ value: "", label: "sans pénalité" },
  { value: "P1", label: "pénalité P1 par jour de retard" }]);

function eurosText(cents) {
  return (cents / 100).toFixed(2).replace(".", ",").replace(/,00$/, "");
}

// The version the form starts from: the latest one (the newest by number, in force or to come), else the terms
// in force today (the agreement's at signature). `agreement`: get_sourcing?view=agreement's answer.
export function latestTerms(agreement) {
  const view = agreement?.penalty_terms_versions;
  const newest = [...(view?.versions ?? [])].sort((a, b) => b.version - a.version)[0];
  return newest?.terms ?? view?.in_force_terms ?? {};
}

// The form's values for `terms` (PenaltyTerms), effective from `today` ("AAAA-MM-JJ", shown jj/mm/aaaa: today on the
// beneficiary's clock, the day the platform checks the date against, B18).
export function termsFormValues(terms, today) {
  const rules = {};
  const lengths = {};
  for (const [kind, spec] of Object.entries(AGREEMENT_KINDS)) {
    const rule = terms?.rules_by_kind?.[kind];
    rules[kind] = rule && rule !== "none" ? rule : "";
    if (spec.shorter) lengths[kind] = terms?.lengths?.[kind] ? String(terms.lengths[kind]) : "";
  }
  const cents = terms?.daily_amount_cents?.P1 ?? DEFAULT_DAILY_CENTS.P1;
  return { effective_from: isoToFrenchDate(today), amount: eurosText(cents), rules, lengths, reason: "" };
}

// The form's values → {body, errors}: the body set_penalty_terms takes (beneficiary_id, effective_from, terms,
// reason), the amount in cents only when it is not the default; errors on the platform's paths ($.terms.…).
export function termsBody(values, beneficiaryId) {
  const errors = [];
  const typed = String(values.effective_from ?? "").trim();
  const effectiveFrom = parseFrenchDate(typed);
  if (!typed) errors.push({ field: "$.effective_from", message: "Indiquez la date d'effet de la version." });
  else if (!effectiveFrom) {
    errors.push({ field: "$.effective_from", message: `Date d'effet illisible « ${typed} » : un jour jj/mm/aaaa.` });
  }
  const terms = {};
  const amountText = String(values.amount ?? "").trim();
  const cents = amountText ? eurosToCents(amountText) : DEFAULT_DAILY_CENTS.P1;
  if (cents === null || cents > MAX_DAILY_CENTS) {
    errors.push({ field: "$.terms.daily_amount_cents.P1", message: "Montant par jour illisible : un montant en "
      + "euros, par exemple 150 ou 150,50 (1 000 000 € au plus)." });
  } else if (cents !== DEFAULT_DAILY_CENTS.P1) {
    terms.daily_amount_cents = { P1: cents };
  }
  const rules = {};
  for (const kind of Object.keys(AGREEMENT_KINDS)) {
    const rule = values.rules?.[kind] ?? "";
    if (rule === "P1") rules[kind] = "P1";
    else if (rule) errors.push({ field: `$.terms.rules_by_kind.${kind}`, message: "Choix inconnu." });
  }
  if (Object.keys(rules).length) terms.rules_by_kind = rules;
  const lengths = {};
  for (const [kind, spec] of Object.entries(AGREEMENT_KINDS)) {
    if (!spec.shorter) continue;
    const text = String(values.lengths?.[kind] ?? "").trim();
    if (!text) continue;
    const amount = Number(text);
    if (!/^\d+$/.test(text) || amount < 1 || amount > spec.shorter.max) {
      errors.push({ field: `$.terms.lengths.${kind}`, message: `Délai ${kind} : un nombre entier de ${spec.shorter.unit} `
        + `de 1 à ${spec.shorter.max} (un délai plus court que le contractuel seulement), ou rien.` });
    } else {
      lengths[kind] = amount;
    }
  }
  if (Object.keys(lengths).length) terms.lengths = lengths;
  const reason = String(values.reason ?? "").trim();
  if (!reason) errors.push({ field: "$.reason", message: "Indiquez le motif de la nouvelle version." });
  else if (reason.length > 1000) errors.push({ field: "$.reason", message: "Motif trop long : 1 000 caractères au plus." });
  return { body: { beneficiary_id: beneficiaryId, effective_from: effectiveFrom ?? typed, terms, reason }, errors };
}

// What the answer (PenaltyTermsSet) says, in a sentence.
export function termsSetText(answer) {
  const [year, month, day] = String(answer.effective_from).split("-");
  return `Version ${answer.version} enregistrée pour ${answer.tenant_id} : en vigueur à partir du ${day}/${month}/${year}.`;
}

// --- a contract's penalty terms (A9): formatting get_contract's penalty_terms_versions, no rule computed here ---
// The shorter lengths an offer may state, in their kind's unit (shared/domain/deadlines.py KINDS).
export const TERMS_LENGTH_UNITS = Object.freeze({ D4: "jours ouvrés", D7: "heures ouvrées" });

// The deadline kinds by their French labels (shared/domain/deadlines.py KINDS, kept equal by
// tests/unit/test_web_logic.py): what a person reads where a kind is named, its id in parentheses.
export const DEADLINE_KIND_LABELS = Object.freeze({
  D1: "Partage d'un événement d'exécution (15 min)",
  D2: "Raccordement à la plateforme après signature du marché",
  D3: "Réponse à une demande de devis",
  D4: "Proposition de profils pour une recherche",
  D5: "Remplacement d'un professionnel parti",
  D6: "Remplacement pour insuffisance",
  D7: "Création d'un compte",
  D8: "Première réponse à un incident",
  F1: "Correction d'un message au format non conforme",
});

// « Réponse à une demande de devis (D3) »; the id alone for a kind not listed.
export function deadlineKindText(kind) {
  const label = DEADLINE_KIND_LABELS[kind];
  return label ? `${label} (${kind})` : kind;
}

// PenaltyTerms → one French line: amounts per rule, then each kind named (deadlineKindText) with its penalty (or
// none) and the shorter length its terms state: « P1 : 150,00 € par jour ; Proposition de profils pour une
// recherche (D4) : pénalité P1, délai de 5 jours ouvrés ».
export function penaltyTermsText(terms) {
  const parts = [];
  for (const [rule, cents] of Object.entries(terms?.daily_amount_cents ?? {}).sort()) {
    parts.push(`${rule} : ${formatEuros(cents)} par jour`);
  }
  const rules = terms?.rules_by_kind ?? {};
  const lengths = terms?.lengths ?? {};
  for (const kind of [...new Set([...Object.keys(rules), ...Object.keys(lengths)])].sort()) {
    const said = [];
    if (rules[kind]) said.push(rules[kind] === "none" ? "sans pénalité" : `pénalité ${rules[kind]}`);
    if (lengths[kind] !== undefined && lengths[kind] !== null) {
      said.push(`délai de ${lengths[kind]} ${TERMS_LENGTH_UNITS[kind] ?? ""}`.trim());
    }
    parts.push(`${deadlineKindText(kind)} : ${said.join(", ")}`);
  }
  return parts.length ? parts.join(" ; ") : "conditions par défaut du catalogue";
}

// penalty_terms_versions → the in-force line and one row per version, newest first, each with its state
// on the day of the read: "en vigueur", "à venir" (its date not reached) or "remplacée". ``signed``: what
// applies while no version is in force (a contract's terms at signature; an agreement's, see below).
export function termsVersionsView(view, { signed = "conditions de la signature du marché" } = {}) {
  const inForce = view?.in_force_version ?? null;
  const rows = [...(view?.versions ?? [])].sort((a, b) => b.version - a.version).map((v) => ({
    version: v.version, effectiveFrom: v.effective_from,
    state: v.version === inForce ? "en vigueur" : v.effective_from > view.on ? "à venir" : "remplacée",
    // who set it by name (B5 accounts: `set_by_names`, for the party whose accounts they are), its uid when unnamed
    terms: penaltyTermsText(v.terms), reason: v.reason, setBy: view?.set_by_names?.[v.set_by] ?? v.set_by,
    setAt: v.set_at,
  }));
  return {
    on: view?.on ?? null,
    inForce: inForce === null ? signed : `version ${inForce}`,
    inForceTerms: penaltyTermsText(view?.in_force_terms), rows,
  };
}

// A9: a beneficiary's agreement (get_sourcing?view=agreement) — whose it is (its name when known, nameText: the
// beneficiary's own, the purchasing body's list of beneficiaries), under which framework contract, and its penalty
// terms versions as a contract's are shown.
export function agreementTermsView(agreement, beneficiaryName = null) {
  const id = agreement?.beneficiary_id;
  const name = typeof beneficiaryName === "string" ? beneficiaryName.trim() : "";
  return {
    beneficiary: id ? nameText(name, id) : "—", contract: agreement?.contract_id ?? "—",
    empty: "Aucune version : les conditions de la convention à sa signature s'appliquent.",
    ...termsVersionsView(agreement?.penalty_terms_versions, { signed: "conditions de la convention à sa signature" }),
  };
}
