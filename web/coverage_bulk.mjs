// « Rattacher la sélection » on the coverage screen (A7 property tree): a box per order the manager may attach (the
// orphans, those on a retired element), « Tout sélectionner », one element picker and « Rattacher la sélection »,
// which sends attach_order_node with `order_ids` (500 orders per request at most) after a confirmation, then says
// how many were attached, already there and refused, with each refusal's reason. Pure logic: coverage_logic.mjs.
import {
  attachSelectionBodies, attachSelectionQuestion, attachSelectionText, mergeAttachAnswers, nodeOptions,
} from "./coverage_logic.mjs";
import { listFailure } from "./logic.mjs";
import { choiceField, errorBox, h, messagesOf, recorder } from "./ui.mjs";

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
    count.textContent = n ? `${n} commande${n > 1 ? "s" : ""} sélectionnée${n > 1 ? "s" : ""}` : "";
  };
  all.addEventListener("change", () => {
    for (const b of boxes.values()) b.checked = all.checked;
    refresh();
  });
  const state = tree?.error ? tree : { rows: (tree?.rows ?? []).filter((n) => (n.status ?? "active") === "active") };
  const { field: picker, notice } = choiceField({
    state, options: (rows) => nodeOptions(rows, null, byId), name: "selection_node_id",
    label: "Élément pour la sélection", none: (n) => (n ? "— choisir un élément —" : "Aucun élément actif"),
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
    const chosen = picker.input.selectedOptions?.[0]?.textContent || `« ${nodeId} »`;
    const confirm = h("button", { type: "button" }, "Confirmer le rattachement de la sélection");
    const back = h("button", { type: "button", className: "secondary" }, "Annuler");
    const group = h("div", { className: "confirmation", role: "group",
      "aria-label": "Confirmer le rattachement de la sélection" },
      h("p", {}, attachSelectionQuestion(selected.length, chosen)), confirm, back);
    back.addEventListener("click", () => errors.replaceChildren());
    confirm.addEventListener("click", async () => {
      if (send.busy) return;
      const answers = [];
      let failure = null;
      try {
        for (const body of built.bodies) {  // one request per 500 orders; each the same request if sent again
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
      errors.replaceChildren(h("p", { className: "status", "aria-live": "polite" },
        `${text} La couverture est relue…`));
      await done(text);
    });
    errors.replaceChildren(group);
    confirm.focus();
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
