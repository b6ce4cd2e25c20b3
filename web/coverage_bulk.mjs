// « Rattacher la sélection » on the coverage screen (A7 property tree): a box per order the manager may attach (the
// orphans, those on a retired element), « Tout sélectionner », one element picker and « Rattacher la sélection »,
// which sends attach_order_node with `order_ids` (500 orders per request at most) after a confirmation, then says
// how many were attached, already there and refused, with each refusal's reason. Pure logic: coverage_logic.mjs.
import {
  attachSelectionBodies, attachSelectionQuestion, attachSelectionText, mergeAttachAnswers, nodeNaming, nodeOptions,
  chosenNodeNaming, chosenNodeText, orderListText, ordersText, theseOrders,
} from "./coverage_logic.mjs";
import { listFailure } from "./parties_logic.mjs";
import { choiceField, errorBox, h, messagesOf, recorder, table } from "./ui.mjs";

// The confirmation, then one request per 500 orders, then what was done said and `done(text)` (the coverage read
// again): for a selection and for a group of proposals alike. `errors`: where the question and the answer show.
function confirmAndSend({ send, errors, count, bodies, nodeId, chosen, done, subject = "de la sélection" }) {
  const confirm = h("button", { type: "button" }, `Confirmer le rattachement ${subject}`);
  const back = h("button", { type: "button", className: "secondary" }, "Annuler");
  const group = h("div", { className: "confirmation", role: "group", "aria-label": `Confirmer le rattachement ${subject}` },
    h("p", {}, attachSelectionQuestion(count, chosen)), confirm, back);
  back.addEventListener("click", () => errors.replaceChildren());
  confirm.addEventListener("click", async () => {
    if (send.busy) return;
    const answers = [];
    let failure = null;
    try {
      for (const body of bodies) {  // one request per 500 orders; each the same request if sent again
        const sent = await send.send(body);
        if (sent.ignored) return;
        answers.push(sent.reply);
      }
    } catch (err) {
      if (err.status === 401) return;
      failure = messagesOf(err);
      if (!answers.length) return errors.replaceChildren(errorBox(failure));
    }
    // the requests before a failure were recorded: said with the failure
    const text = attachSelectionText(mergeAttachAnswers(answers), nodeId.trim(), failure);
    errors.replaceChildren(h("p", { className: "status", "aria-live": "polite" }, `${text} La couverture est relue…`));
    await done(text);
  });
  errors.replaceChildren(group);
  confirm.focus();
}

// « Propositions de rattachement » (A7): each element get_property_coverage proposes, the orders it is proposed for
// and why, and « Rattacher ces N commandes » — confirmed, then sent as the selection is (`groups`: proposalGroups;
// `byId`: every node read, naming each element by its labels).
export function attachProposals(ctx, { groups, byId, done }) {
  const errors = h("div", {});
  const send = recorder(ctx, "attach_order_node");
  const rows = groups.map((g) => {
    const { label, id } = nodeNaming(g.nodeId, byId);
    const chosen = label ? `« ${label} » (${id})` : `« ${g.nodeId} »`;
    const these = theseOrders(g.orderIds.length);
    const button = h("button", { type: "button", "aria-label": `Rattacher ${these} à ${chosen}` }, `Rattacher ${these}`);
    button.addEventListener("click", () => {
      const built = attachSelectionBodies(g.orderIds, g.nodeId);
      confirmAndSend({ send, errors, count: g.orderIds.length, bodies: built.bodies, nodeId: g.nodeId, chosen, done,
        subject: "proposé" });
    });
    return h("tr", { "data-proposal": g.nodeId },
      h("td", {}, label ?? g.nodeId, label ? h("div", { className: "sub" }, id) : null),
      h("td", {}, g.because || "—"), h("td", {}, orderListText(g.orderIds)), h("td", {}, button));
  });
  return h("section", { "aria-labelledby": "proposals-title" },
    h("h2", { id: "proposals-title" }, "Propositions de rattachement"),
    h("p", {}, "Pour ces commandes, un seul élément en vigueur porte le libellé de leur élément retiré ou de leur "
      + "site : vérifiez-le, puis rattachez-les d'un clic. Rien n'est rattaché sans votre confirmation."),
    table(["Élément proposé", "Pourquoi", "Commandes", "Action"], rows,
      { label: "Propositions de rattachement", empty: "Aucune proposition." }),
    errors);
}

// `orderIds`: the orders that may be attached, in the screen's order; `tree`: the tree's state ({ rows } of every
// node, or { error }); `byId`: every node by id; `done(text)`: what follows a selection sent (the coverage read again).
export function attachSelection(ctx, { orderIds, tree, byId, done }) {
  const boxes = new Map();
  const count = h("span", { className: "status", "aria-live": "polite" }, "");
  const errors = h("div", {});
  const all = h("input", { type: "checkbox", id: "select-all-orders", name: "select_all" });
  const refresh = () => {
    const n = [...boxes.values()].filter((b) => b.checked).length;
    all.checked = n > 0 && n === boxes.size;
    all.indeterminate = n > 0 && n < boxes.size;
    count.textContent = n ? ordersText(n, "sélectionnée") : "";
  };
  all.addEventListener("change", () => {
    for (const b of boxes.values()) b.checked = all.checked;
    refresh();
  });
  const state = tree?.error ? tree : { rows: (tree?.rows ?? []).filter((n) => (n.status ?? "active") === "active") };
  const { field: picker, notice } = choiceField({
    state, options: (rows) => nodeOptions(rows, null, byId), name: "selection_node_id",
    label: "Élément pour la sélection", none: (n) => (n ? "— choisir un élément —" : "Aucun élément actif"),
    describe: (value, choices) => chosenNodeText(choices, value),
    failure: (err) => listFailure(err, "des éléments du patrimoine", "de l'élément"),
  });
  const submit = h("button", { type: "submit" }, "Rattacher la sélection");
  const form = h("form", { className: "attach-selection", "aria-label": "Rattacher la sélection" },
    h("div", { className: "field check" }, all, h("label", { for: all.id }, "Tout sélectionner")), count,
    notice, picker, submit, errors);
  const send = recorder(ctx, "attach_order_node", { form });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const selected = orderIds.filter((id) => boxes.get(id)?.checked);
    const nodeId = picker.input.value;
    const built = attachSelectionBodies(selected, nodeId);
    if (built.errors) return errors.replaceChildren(errorBox(built.errors.map((e) => e.message)));
    const chosen = chosenNodeNaming(nodeId, byId);  // its whole path and id: the option itself is short
    confirmAndSend({ send, errors, count: selected.length, bodies: built.bodies, nodeId, chosen, done });
  });
  refresh();
  return {
    form,
    // the box of one order's row (a cell), or an empty cell for what cannot be attached
    cell(orderId) {
      if (!orderIds.includes(orderId)) return h("td", {});
      const box = boxes.get(orderId) ?? h("input", { type: "checkbox", name: "order_ids", value: orderId,
        "aria-label": `Sélectionner la commande ${orderId}` });
      if (!boxes.has(orderId)) {
        box.addEventListener("change", refresh);
        boxes.set(orderId, box);
      }
      return h("td", {}, box);
    },
  };
}
