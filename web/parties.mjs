// The operator's directory of parties (A1 spaces, B1 parties, A10 onboarding): « Annuaire » lists the
// registered managers, contractors, beneficiaries and purchasing bodies (list_parties) — connected or not, active or
// deactivated, the managers a contractor works for — and partyPicker offers them in the operator's forms
// instead of a typed id (the typed field stays, told why in French, when the list cannot be loaded).
import { splitIdentifiers } from "./onboarding_logic.mjs";
import {
  LISTED_KIND_LABELS, NONE_REGISTERED, allParties, filterParties, offeredState, partyListFailure, partyLists,
  chosenPartyText, partiesCountText, partyOptions, partyRowView,
} from "./parties_logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { choiceField, errorBox, field, h, messagesOf, table } from "./ui.mjs";

// A party id (or, `multiple`, several) chosen from the list of the form's current kind: `lists` resolves to
// each kind's list state (partyLists in logic.mjs); a kind without a list (machine identity, the operator), a
// purchasing body when none is registered (offeredState) and a list that failed to load are typed. The node stands for the field in errorSlot (input, note,
// paths); kind(k) follows the form's role or type select; values() gives the ids chosen or typed.
export function partyPicker({ lists, kind, name, label, paths = null, hint = null, placeholder = null,
  multiple = false, required = true, listHint = null }) {
  const node = h("div", { className: "picker", "data-picker": name });
  let current = null;
  let states = null;  // not loaded yet
  let shown = kind;
  const stateOf = (k) => (states === null ? (k in LISTED_KIND_LABELS ? { loading: true } : undefined)
    : offeredState(states[k], k));
  const values = () => {
    if (!current) return [];
    if (current.values) return current.values();  // several, as check boxes (checkGroup)
    const input = current.input;
    if (input.tagName === "SELECT") return [...input.selectedOptions].map((o) => o.value).filter(Boolean);
    return multiple ? splitIdentifiers(input.value) : [input.value.trim()].filter(Boolean);
  };
  function render() {
    const kept = values();
    // a check box wraps its label: « nom — identifiant » in full; a <select>'s option is cut: the name, the id under it
    const options = multiple ? (rows) => partyOptions(rows).map((o) => ({ ...o, label: o.path })) : partyOptions;
    const { field: chosen, notice } = choiceField({ state: stateOf(shown), options,
      describe: multiple ? null : (v, choices) => chosenPartyText(choices, v),
      failure: (error) => partyListFailure(error, shown), name, label, paths: paths ?? [name], hint, placeholder,
      listHint, multiple, required, noticeId: `${name}-list-error`, value: multiple ? kept : (kept[0] ?? ""),
      none: (count) => (count ? `— Choisir (${LISTED_KIND_LABELS[shown].toLowerCase()}) —` : "— Aucun inscrit —") });
    current = chosen;
    node.classList.toggle("wide", Boolean(chosen.values));  // check boxes take the form's whole width
    node.replaceChildren(...[notice, chosen].filter(Boolean));
  }
  Object.defineProperties(node, {
    input: { get: () => current.input }, note: { get: () => current.note }, paths: { get: () => current.paths },
  });
  node.kind = (next) => {
    if (next === shown) return;
    shown = next;
    current.input.value = "";  // an id of another kind is no answer
    render();
  };
  node.values = values;
  // the list_parties row of a party of the current kind once read (its name, its recorded territory…), else null
  node.row = (id) => states?.[shown]?.rows?.find((r) => r.id === id) ?? null;
  const uses = latestOnly();  // the lists read again (refresh) win over a first reading answering after them
  node.use = (loading) => uses()(loading).then((loaded) => {
    states = loaded;
    render();
  }).catch(() => {});  // a 401 has signed the session out already
  render();
  node.use(lists);
  return node;
}

// The pickers of one screen sharing one reading of the lists, read again by refresh() (after a
// registration, so that the party just registered can be chosen).
export function partyDirectory(call) {
  const pickers = [];
  let lists = partyLists(call);
  return {
    picker(options) {
      const picker = partyPicker({ ...options, lists });
      pickers.push(picker);
      return picker;
    },
    refresh() {
      lists = partyLists(call);
      for (const picker of pickers) picker.use(lists);
    },
  };
}

// « Annuaire »: one kind at a time (every page, capped like the beneficiaries' list), filtered as typed on
// the id or the name.
const remembered = { kind: "contractor", text: "" };

export function renderParties(ctx) {
  const kind = field({ name: "kind", label: "Type de partie", value: remembered.kind,
    options: Object.entries(LISTED_KIND_LABELS).map(([value, label]) => ({ value, label })) });
  const text = field({ name: "q", label: "Rechercher (identifiant ou raison sociale)", type: "search",
    value: remembered.text });
  const count = h("p", { className: "status", role: "status", "aria-live": "polite" });
  const body = h("div", {}, h("p", {}, "Chargement…"));
  let loaded = { rows: [], complete: true };

  function show() {
    remembered.text = text.input.value;
    const rows = filterParties(loaded.rows, remembered.text);
    const k = remembered.kind;
    count.textContent = partiesCountText(k, rows.length, loaded.rows.length, loaded.complete);
    const extra = { contractor: ["Raccordement", "Gestionnaires servis", "Compte de service de l'ERP"],
      beneficiary: ["Région"], manager: [], purchasing_body: [] }[k];
    body.replaceChildren(table(["Identifiant", "Raison sociale", "SIRET", "Territoire", "Statut", ...extra],
      rows.map((p) => {
        const v = partyRowView(p);
        const cells = { contractor: [
          h("td", {}, h("span", { className: v.connected ? "badge ok" : "badge" }, v.connection),
            v.d2 ? h("div", { className: "sub", "data-d2": "" }, v.d2) : null,
            v.progress.length ? h("ul", { className: "conformance-progress" }, v.progress.map((line) => h("li", {}, line)))
              : null,
            // what it sent and the platform refused, to help it correct (list_message_log, message_log.mjs)
            h("div", {}, h("a", { href: `#/parties/${encodeURIComponent(p.id)}/messages`, className: "messages-link" },
              "Messages refusés"))),
          h("td", {}, v.managers), h("td", {}, p.erp_service_account ?? "—")],
        beneficiary: [h("td", {}, v.region)], manager: [], purchasing_body: [] }[k];
        return h("tr", { "data-party": p.id, className: v.inactive ? "inactive" : null },
          h("td", {}, h("code", {}, p.id)), h("td", {}, p.name), h("td", {}, p.siret ?? "—"), h("td", {}, v.territory),
          h("td", {}, h("span", { className: v.inactive ? "badge late" : "badge ok" }, v.status)), ...cells);
      }), { label: `Annuaire — ${LISTED_KIND_LABELS[k]}`, empty: remembered.text ? "Aucune partie ne correspond."
        : NONE_REGISTERED[k] }));
  }

  const latest = latestOnly();
  async function load() {
    const turn = latest();  // a kind chosen later wins over a read still under way (a slow answer of the kind
    remembered.kind = kind.input.value;  // shown first must not fill the table captioned with the new one)
    body.replaceChildren(h("p", {}, "Chargement…"));
    try {
      loaded = await turn(allParties(ctx.call, remembered.kind));
      show();
    } catch (err) {
      if (err.status !== 401) {
        count.textContent = "";
        body.replaceChildren(errorBox(messagesOf(err)));
      }
    }
  }

  kind.input.addEventListener("change", load);
  text.input.addEventListener("input", show);
  const filters = h("form", { className: "filters", id: "parties-filter", "aria-label": "Filtrer l'annuaire",
    role: "search", onsubmit: (event) => event.preventDefault() }, kind, text);
  ctx.show("Annuaire des parties", h("p", { className: "hint" }, "Les gestionnaires, prestataires, bénéficiaires et "
    + "centrales d'achat inscrits : un prestataire est raccordé une fois sa recette de conformité réussie ; une partie désactivée "
    + "garde son inscription et son historique."), filters, count, body);
  load();
}
