// « À faire » at the top of each role's home (A11 daily view): what waits on the signed-in person, each entry a count,
// what it is, the nearest due date and a link to the screen filtered on it (todo_logic.mjs). Its lists are read in
// parallel each time the home's own list is (its first read, its polls, « Actualiser »: no timer of its own); a read
// that fails is said on its entry only, never holding up the others nor the home.
import { h } from "./ui.mjs";
import { latestOnly } from "./latest_logic.mjs";
import { NOTHING_TEXT, todoConsult, todoSourcesFor, todoView } from "./todo_logic.mjs";

// → { node, refresh } for the session's role; null for a role with nothing listed (its home unchanged). A role on
// which nothing can wait (todoConsult: the purchasing body) reads nothing: « Rien ne vous attend. » and what it consults.
export function todoBlock(ctx) {
  const role = ctx.session.claims.role;
  if (!todoSourcesFor(ctx.session.claims).length) {
    const links = todoConsult(role);
    if (!links.length) return null;
    return { refresh: () => {}, node: h("section", { className: "card todo", "aria-labelledby": "todo-title" },
      h("h2", { id: "todo-title" }, "À faire"), h("p", { className: "todo-status" }, NOTHING_TEXT),
      h("p", {}, "Vous pouvez consulter :"),
      h("ul", { className: "todo-list todo-consult" }, links.map(([href, text]) => h("li", {}, h("a", { href }, text))))) };
  }
  const list = h("ul", { className: "todo-list" });
  const status = h("p", { className: "todo-status" }, "Lecture en cours…");
  const node = h("section", { className: "card todo", "aria-labelledby": "todo-title" },
    h("h2", { id: "todo-title" }, "À faire"), status, list);
  const latest = latestOnly();
  let drawn = null;
  async function refresh() {
    const turn = latest();
    const sources = todoSourcesFor(ctx.session.claims);
    const outcomes = await turn(Promise.all(sources.map((s) => ctx.call(s.call, { query: s.query })
      .then((answer) => ({ answer }), (error) => ({ error })))));
    if (outcomes.some((o) => o.error?.status === 401)) return;  // signed out: the sign-in is shown
    const view = todoView(sources, outcomes);
    const key = JSON.stringify(view);
    if (key === drawn) return;  // the same entries: the links stay as they were (focus included)
    drawn = key;
    status.textContent = view.empty ? NOTHING_TEXT : "";
    status.hidden = !view.empty;
    list.hidden = view.empty;
    list.replaceChildren(...view.entries.map((e) => h("li", { "data-todo": e.key },
      e.failed ? h("span", { className: "todo-failed" }, e.failed)
        : [h("a", { href: e.href }, e.text), e.due ? h("span", { className: "sub" }, ` — ${e.due}`) : null])));
  }
  return { node, refresh };
}
