// The agreement's penalty terms versions (A9), read by the beneficiary and the purchasing body, which chooses the
// beneficiary from the registered ones (B1 parties) and sets a new version (terms_logic.mjs).
import { penaltyTerms } from "./contracts.mjs";
import { nowIsoIn, orderZone, screenClockNote } from "./logic.mjs";
import { allBeneficiaries, beneficiaryListFailure, beneficiaryOptions, chosenBeneficiaryText, listState }
  from "./parties_logic.mjs";
import { heldRights } from "./accounts_logic.mjs";
import {
  AGREEMENT_KINDS, RULE_CHOICES, latestTerms, termsBody, termsFormValues, termsSetText, agreementTermsView,
} from "./terms_logic.mjs";
import { choiceField, dateField, errorBox, errorSlot, field, h, messagesOf, recorder } from "./ui.mjs";
import { directory } from "./names.mjs";

// A9: "Pénalités de la convention" — the agreement's penalty terms versions, the one in force today first.
// The beneficiary reads its own (no beneficiary named); the purchasing body names the beneficiary, and
// `onAgreement` receives the agreement read (its form of a new version starts from it).
// The beneficiary is named: its own name (names.mjs: the session's one read), or `beneficiaryName` from the
// purchasing body's list.
export function agreementSection(ctx, beneficiaryId = null, { onAgreement = null, beneficiaryName = null } = {}) {
  const body = h("div", {}, h("p", {}, "Chargement…"));  // drawn with its screen: nothing to say aloud
  const query = new URLSearchParams({ view: "agreement", ...(beneficiaryId ? { beneficiary_id: beneficiaryId } : {}) });
  const own = beneficiaryId ? Promise.resolve(null) : directory(ctx).then((names) => names.own);
  Promise.all([ctx.call("get_sourcing", { query: query.toString() }), own]).then(([agreement, ownName]) => {
    const terms = agreementTermsView(agreement, beneficiaryName ?? ownName);
    // B18: the versions' times on the clock of the beneficiary's territory (AgreementView's time_zone); effective
    // dates are calendar dates of metropolitan France (the platform's « today » for them is Paris's)
    const clock = screenClockNote(agreement, "agreement");
    // which account set a version: the purchasing body's (or the operator's) to see, not the beneficiary's
    body.replaceChildren(...(clock ? [h("p", { id: "agreement-clock", className: "hint", role: "note",
      "data-clock": agreement.time_zone }, clock)] : []), ...penaltyTerms(terms, { facts: [["Bénéficiaire",
      terms.beneficiary], ["Accord-cadre", terms.contract]], accounts: ctx.session.claims.role !== "beneficiary",
    timeZone: orderZone(agreement) }));
    onAgreement?.(agreement);
  }).catch((err) => {
    if (err.status !== 401) body.replaceChildren(errorBox(messagesOf(err)));
  });
  return h("section", { "aria-labelledby": "agreement-terms-title", id: "agreement-terms" },
    h("h2", { id: "agreement-terms-title" }, "Pénalités de la convention"), body);
}

// B1 parties: the purchasing body or the operator chooses a beneficiary from the registered ones
// (by name, the territory under the field once chosen: beneficiaryOptions); when the list cannot be loaded, it types the id instead, told why in French.
// Resolves to { field, notice }: the field's `input` is a <select> or, as the fallback, a text input.
export async function beneficiaryField(ctx, { value = "", name = "beneficiary_id", label = "Bénéficiaire" } = {}) {
  const state = await listState(allBeneficiaries(ctx.call));
  // their names by id, for the screen to name the one chosen (an empty map when the list failed)
  const names = new Map((state.rows ?? []).map((b) => [b.beneficiary_id, b.name]));
  return { names, ...choiceField({ state, options: beneficiaryOptions, failure: beneficiaryListFailure, name, label, value,
    none: (count) => (count ? "— Choisir un bénéficiaire —" : "— Aucun bénéficiaire inscrit —"), paths: [name],
    placeholder: "ben-metropole-demo", hint: "Identifiant du bénéficiaire", noticeId: "beneficiary-list-error",
    describe: (v, choices) => chosenBeneficiaryText(choices, v) }) };
}

// A9: the purchasing body's form of a new version of a beneficiary's agreement terms (set_penalty_terms): its
// date of effect, the P1 amount per day of lateness, per deadline kind of the agreement its penalty or none, the
// shorter D4 / D7 an agreement may state, and its reason — prefilled from the latest version. Each refusal of the
// platform is shown next to its field; `onSet` gets the answer (the versions are read again).
function termsForm(ctx, beneficiaryId, agreement, onSet) {
  // B18: today on the beneficiary's clock, the day the platform checks the date against (penalty_terms.today)
  const values = termsFormValues(latestTerms(agreement), nowIsoIn(orderZone(agreement)).slice(0, 10));
  const effective = dateField({ name: "effective_from", label: "En vigueur à partir du", required: true,
    value: values.effective_from, hint: "Format jj/mm/aaaa ; aujourd'hui sur le territoire du bénéficiaire au plus tôt, "
      + "jamais avant la dernière version" });
  const amount = field({ name: "amount", label: "Montant d'une pénalité P1 par jour de retard (€)", value: values.amount,
    inputmode: "decimal", paths: ["terms.daily_amount_cents.P1", "terms.daily_amount_cents"],
    hint: "150 € par défaut ; s'applique aux délais pénalisés ci-dessous" });
  const rules = Object.entries(AGREEMENT_KINDS).map(([kind, spec]) => field({ name: `rule_${kind}`,
    label: `${kind} — ${spec.label} (${spec.requirement})`, value: values.rules[kind], options: RULE_CHOICES,
    paths: [`terms.rules_by_kind.${kind}`] }));
  const lengths = Object.entries(AGREEMENT_KINDS).filter(([, spec]) => spec.shorter).map(([kind, spec]) => field({
    name: `length_${kind}`, label: `Délai ${kind} plus court (${spec.shorter.unit})`, value: values.lengths[kind],
    inputmode: "numeric", paths: [`terms.lengths.${kind}`],
    hint: `Au plus ${spec.shorter.max} ; vide : le délai contractuel` }));
  const reason = field({ name: "reason", label: "Motif de la nouvelle version", rows: 2, required: true,
    paths: ["reason"] });
  const fields = [effective, amount, ...rules, ...lengths, reason];
  const slot = errorSlot(() => fields);
  const button = h("button", { type: "submit" }, "Enregistrer la nouvelle version");
  const form = h("form", { className: "card", id: "agreement-terms-form", novalidate: true,
    "aria-labelledby": "agreement-terms-form-title" },
  h("h2", { id: "agreement-terms-form-title" }, "Nouvelle version des pénalités"),
  h("p", { className: "hint" }, "Les versions ne sont jamais réécrites : une nouvelle version s'applique aux délais qui "
    + "commencent à partir de sa date ; le titulaire en est informé."), slot.node,
  h("div", { className: "grid" }, effective, amount),
  h("fieldset", {}, h("legend", {}, "Délais pénalisés"), h("div", { className: "grid" }, rules)),
  h("fieldset", {}, h("legend", {}, "Délais plus courts que le contractuel"), h("div", { className: "grid" }, lengths)),
  reason, button);
  const send = recorder(ctx, "set_penalty_terms", { form });  // a double click sets one version
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (send.busy) return;
    slot.clear();
    const typed = Object.fromEntries(new FormData(form).entries());
    const { body, errors } = termsBody({ effective_from: typed.effective_from, amount: typed.amount,
      reason: typed.reason,
      rules: Object.fromEntries(Object.keys(AGREEMENT_KINDS).map((kind) => [kind, typed[`rule_${kind}`]])),
      lengths: Object.fromEntries(Object.keys(AGREEMENT_KINDS).map((kind) => [kind, typed[`length_${kind}`]])) },
    beneficiaryId);
    if (errors.length) return slot.show(errors);
    try {
      const sent = await send.send(body);
      if (!sent.ignored) onSet(sent.reply);
    } catch (err) {
      if (err.status !== 401) slot.show(err.problem ?? [{ field: "$", message: err.message }]);
    }
  });
  return form;
}

// The purchasing body's "Conventions": the penalty terms it set on a beneficiary's agreement and a new version of
// them (when its account holds agreements.write), the beneficiary chosen from the list (or typed when the list fails).
const lastAgreement = { beneficiary: "" };

export async function renderAgreements(ctx) {
  let picker;
  try {
    picker = await beneficiaryField(ctx, { value: lastAgreement.beneficiary });
  } catch (err) {
    return ctx.showError("Conventions des bénéficiaires", err);
  }
  const beneficiary = picker.field;
  const slot = errorSlot(() => [beneficiary]);
  const out = h("div", {});
  const outcome = h("p", { className: "outcome", role: "status", tabindex: "-1" });
  const writes = heldRights(ctx.session.claims).includes("agreements.write");
  const form = h("form", { className: "filters", id: "agreement-form", "aria-label": "Convention à afficher",
    novalidate: true }, beneficiary, h("button", { type: "submit" }, "Afficher la convention"));
  function show(id) {
    const editor = h("div", {});
    out.replaceChildren(agreementSection(ctx, id, { beneficiaryName: picker.names?.get(id) ?? null,
      onAgreement: writes ? (agreement) => editor.replaceChildren(
      termsForm(ctx, id, agreement, (answer) => {
        show(id);  // the versions read again, the form starting from the new one
        outcome.textContent = termsSetText(answer);
        outcome.focus();
      })) : null }), editor);
  }
  function load() {
    slot.clear();
    outcome.textContent = "";
    lastAgreement.beneficiary = beneficiary.input.value.trim();
    const message = beneficiary.input.tagName === "SELECT" ? "Choisissez un bénéficiaire." : "Indiquez un bénéficiaire.";
    if (!lastAgreement.beneficiary) return slot.show([{ field: "$.beneficiary_id", message }]);
    show(lastAgreement.beneficiary);
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  ctx.show("Conventions des bénéficiaires", h("p", { className: "hint" }, "Les pénalités de la convention d'un "
    + "bénéficiaire, version par version, telles que la centrale d'achat les fixe"
    + (writes ? " : affichez une convention pour en enregistrer une nouvelle version." : ".")), picker.notice, slot.node,
  form, outcome, out);
  if (lastAgreement.beneficiary && beneficiary.input.value) load();  // the one read last, if still listed
}
