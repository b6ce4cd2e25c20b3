// « Messages envoyés » (A3 channels, A4 errors back to the sender, A10 onboarding): what a contractor sent the
// platform — by its ERP, the REST API or this application — and the answer to each, refused ones first shown: every
// error in French next to the field it names, the order linked, and whether a later message about the order was
// accepted (corrected since). The contractor reads its own; the operator reaches a contractor's from « Annuaire ».
// Words in message_log_logic.mjs; the data from list_message_log (not list_messages, the replay of what was sent to it).
import { LOG_STATUS_OPTIONS, emptyLogText, messageCountText, messageLogQuery, messageRowView } from "./message_log_logic.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { errorBox, field, h, messagesOf, table } from "./ui.mjs";

const remembered = { status: "rejected" };

export function renderMessageLog(ctx, contractorId = null) {
  const operator = ctx.session.claims.role === "operator";
  const status = field({ name: "status", label: "Réponse", value: remembered.status, options: LOG_STATUS_OPTIONS });
  const count = h("p", { className: "status", role: "status", "aria-live": "polite" });
  const body = h("div", {}, h("p", {}, "Chargement…"));
  const more = h("button", { type: "button", className: "secondary", hidden: true }, "Afficher les messages plus anciens");
  let rows = [];
  let cursor = null;

  function draw() {
    const s = remembered.status;
    count.textContent = messageCountText(rows.length, Boolean(cursor));
    body.replaceChildren(table(["Reçu le", "Canal et type", "Commande", "Réponse", "Erreurs"],
      rows.map((row) => messageRow(row, !operator)),
      { label: operator ? `Messages envoyés par ${contractorId}` : "Messages envoyés", empty: emptyLogText(s, operator),
        className: "message-log cards" }));  // on a phone each message a card: see messageRow
    more.hidden = !cursor;
  }

  // a status chosen later wins over a read still under way (its first page, or the next page of the status before)
  const latest = latestOnly();
  async function load({ next = false } = {}) {
    const turn = latest();
    remembered.status = status.input.value;
    if (!next) body.replaceChildren(h("p", {}, "Chargement…"));
    more.disabled = true;
    try {
      const page = await turn(ctx.call("list_message_log", { query: messageLogQuery({ status: remembered.status,
        contractorId: operator ? contractorId : null, cursor: next ? cursor : null }) }));
      rows = next ? [...rows, ...page.messages] : page.messages;
      cursor = page.next_cursor;
      draw();
    } catch (err) {
      if (err.status !== 401) {
        count.textContent = "";
        body.replaceChildren(errorBox(messagesOf(err)));
      }
    } finally {
      more.disabled = false;
    }
  }

  status.input.addEventListener("change", () => load());
  more.addEventListener("click", () => load({ next: true }));
  const filters = h("form", { className: "filters", id: "message-log-filter", "aria-label": "Filtrer les messages",
    role: "search", onsubmit: (event) => event.preventDefault() }, status);
  const intro = operator
    ? h("p", { className: "hint" }, `Ce que le prestataire ${contractorId} a envoyé à la plateforme (par son ERP, l'API `
      + "ou l'application) et la réponse à chacun : pour l'aider à corriger un message refusé. ",
    h("a", { href: "#/parties" }, "Retour à l'annuaire"))
    : h("p", { className: "hint" }, "Ce que vous avez envoyé à la plateforme (par votre ERP, l'API ou cette application) "
      + "et la réponse à chacun. Un message refusé n'a rien changé : corrigez ce que dit chaque erreur, puis renvoyez-le.");
  ctx.show(operator ? `Messages envoyés — ${contractorId}` : "Messages envoyés", intro, filters, count, body, more);
  load();
}

function messageRow(row, ordersLinked) {
  const v = messageRowView(row, { ordersLinked });
  const subject = v.subject
    ? h("td", { "data-label": "Commande" }, v.subject.href ? h("a", { href: v.subject.href }, v.subject.text) : v.subject.text,
      v.subject.client ? h("div", { className: "sub" }, v.subject.client) : null)
    : h("td", { "data-label": "Commande" }, "—");
  // data-label: the column's name, written before its value when a phone shows each message as a card (table.cards in
  // style.css); the errors under their name across the card's width (stacked), not squeezed beside it
  return h("tr", { "data-message": row.key, "data-status": row.status },
    h("td", { "data-label": "Reçu le" }, h("time", { datetime: row.received_at }, v.when)),
    h("td", { "data-label": "Canal et type" }, v.channel, h("div", { className: "sub" }, v.type), h("div", { className: "sub" }, h("code", {}, v.messageId))),
    subject,
    h("td", { "data-label": "Réponse" }, h("span", { className: v.statusClass }, v.status),
      v.corrected ? h("div", { className: "sub corrected" }, v.corrected) : null,
      v.toCorrect ? h("div", { className: "sub" }, v.toCorrect) : null),
    h("td", { className: "stacked", "data-label": "Erreurs" }, v.errors.length ? h("ul", { className: "message-errors" }, v.errors.map((e) => h("li", { "data-field": e.path },
      // the API's path in its own language, marked so (RGAA 8.7): a screen reader reads it in English, not as French
      h("strong", { className: "error-field" }, e.label), " ", h("code", { lang: "en" }, e.path), " : ", e.message))) : "—"));
}
