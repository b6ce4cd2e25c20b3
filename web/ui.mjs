// DOM helpers of the web application: elements built with DOM calls (textContent only: data never
// becomes markup), labelled form fields with their error notes, tables, inline SVG charts.
import { NO_FILE_CHOSEN, cardLabels, constraintMessage, errorsByField, fieldOf, fileChosenText } from "./logic.mjs";
import { barChart, barRows } from "./report_logic.mjs";
import { recording } from "./record_logic.mjs";
import { SCROLL_HINT, scrollRegionLabel, scrollView } from "./accessibility_logic.mjs";
import {
  draftAttempt, draftKeysToForget, draftLineCount, draftMissing, draftPending, draftRestores, draftShown, draftToSave,
} from "./draft_logic.mjs";

const SVG = "http://www.w3.org/2000/svg";

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  return fill(node, attrs, children);
}

export function s(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "className") node.setAttribute("class", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

// A labelled input, select or textarea with its hint and its error note (aria-describedby).
// options: [{value, label}] makes a select; rows makes a textarea; type "checkbox" a check box.
export function field({ name, label, type = "text", value = "", hint = null, required = false, options = null,
  rows = null, placeholder = null, autocomplete = "off", inputmode = null, paths = null, className = null,
  suggestions = null, multiple = false }) {
  const id = nextId(`f-${name.replace(/[^\w-]/g, "_")}`);
  const note = h("span", { className: "field-error", id: `${id}-err` });
  const hintNode = hint ? h("span", { className: "hint", id: `${id}-hint` }, hint) : null;
  const describedBy = [hintNode ? `${id}-hint` : null, `${id}-err`].filter(Boolean).join(" ");
  let input;
  if (options) {
    const chosen = (v) => (Array.isArray(value) ? value.map(String).includes(String(v)) : String(v) === String(value));
    input = h("select", { id, name, required, multiple, size: multiple ? Math.min(8, Math.max(3, options.length)) : null,
      "aria-describedby": describedBy }, options.map((o) => h("option", { value: o.value, selected: chosen(o.value) }, o.label)));
  } else if (rows) {
    input = h("textarea", { id, name, rows, required, placeholder, "aria-describedby": describedBy });
    input.value = value ?? "";
  } else if (type === "checkbox") {
    input = h("input", { id, name, type, checked: !!value, "aria-describedby": describedBy });
    const wrap = h("div", { className: "field check" }, input, h("label", { for: id }, label), note);
    return register(wrap, input, note, name, paths);
  } else {
    input = h("input", { id, name, type, value: value ?? "", required, placeholder, autocomplete, inputmode,
      "aria-describedby": describedBy, list: suggestions ? `${id}-list` : null });
  }
  const datalist = suggestions ? h("datalist", { id: `${id}-list` }) : null;
  // the asterisk stays outside the label: the accessible name is the label alone ("required" is said by the input)
  const wrap = h("div", { className: ["field", className].filter(Boolean).join(" ") },
    h("div", { className: "label-row" }, h("label", { for: id }, label),
      required ? h("span", { className: "req", "aria-hidden": "true" }, "*") : null),
    hintNode, input, datalist, note);
  if (datalist) suggestions.then((values) => datalist.replaceChildren(...suggestionOptions(values)));
  return register(wrap, input, note, name, paths);
}

// A datalist's <option>s: each suggestion a value, or { value, label } — the label shown beside the value (a contract's
// contractor, a node's label), the value what is typed in.
export function suggestionOptions(values) {
  return (values ?? []).map((v) => (typeof v === "string" ? h("option", { value: v })
    : h("option", { value: v.value, label: v.label || null })));
}

function register(wrap, input, note, name, paths) {
  frenchValidity(input, note);
  wrap.input = input;
  wrap.note = note;
  wrap.paths = paths ?? [name];
  return wrap;
}

// Every file picker of the app (the order's PDF deposit, the imports' CSV or JSON): the browser's own button speaks
// its language (« Choose File / No file chosen »), so the input stays — focusable by the keyboard, named by its
// <label>, told to screen readers with the chosen file's name (aria-describedby) — but unseen, and a French twin
// shows beside it: `button` (« Choisir un fichier PDF ») and the file chosen or « Aucun fichier choisi »
// (fileChosenText). Clicking the twin opens the same dialog; the keyboard's focus on the input outlines it (style.css
// .file-native). The twin is aria-hidden: the input says it all once. → the twin's node (placed after the input).
export function filePicker(input, { button = "Choisir un fichier" } = {}) {
  input.classList.add("file-native");
  const chosen = h("span", { className: "file-name", id: `${input.id}-chosen` }, NO_FILE_CHOSEN);
  const twin = h("span", { className: "file-proxy", "aria-hidden": "true" },
    h("span", { className: "button secondary", onclick: () => input.click() }, button), chosen);
  const described = (input.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  input.setAttribute("aria-describedby", [chosen.id, ...described].join(" "));
  input.addEventListener("change", () => { chosen.textContent = fileChosenText(input.files); });
  input.after(twin);
  return twin;
}

// A form that keeps what was typed while the tab lives (draft_logic.mjs): its draft under `key` (draftKey) put back
// now, saved at each keystroke or choice; when something was put back, a note at the form's top (under its title)
// says so with « Vider le formulaire ». Fields drawn later (a picker loaded late, a contract's lines, lines added) take their value
// at `restore()`, which the screen calls once it has drawn them; a picker given back a choice changes (a `change`
// event: what depends on it is drawn); a choice a picker no longer offers is told next to it (« n'est plus proposé »)
// and kept in the draft while the picker stays unchosen. `fixed`: fields the screen decides (a prefill from an order),
// never taken from the draft. `attempt`: the sending a reload interrupted without an answer, `sending(a)` keeps the
// one under way (its Idempotency-Key reused for the same content). `lineCount(n)`: the lines the draft holds.
// `clear()` once the form is sent and accepted (the draft forgotten).
export function keepDraft(form, key, { fixed = [] } = {}) {
  // a picker still loading (disabled, or offering nothing yet) is not drawn yet: its value waits
  const drawn = (c) => c.tagName !== "SELECT" || (!c.disabled && [...c.options].some((o) => o.value));
  const controls = () => [...form.elements].filter(drawn).map((c) => ({ name: c.name, type: c.type, value: c.value,
    checked: c.checked, options: c.tagName === "SELECT" ? [...c.options].map((o) => o.value) : undefined }));
  let draft = null;
  try { draft = JSON.parse(sessionStorage.getItem(key) ?? "null"); } catch { draft = null; }
  if (draft && fixed.length) draft = Object.fromEntries(Object.entries(draft).filter(([name]) => !fixed.includes(name)));
  let pending = draft ?? {};
  const missing = {};
  let attempt = draftAttempt(draft);
  let cleared = false;
  let quiet = false;  // the form emptied: its defaults are no draft
  const save = () => {
    if (cleared || quiet) return;
    try {
      sessionStorage.setItem(key, JSON.stringify(draftToSave(controls(), { pending, missing, attempt })));
    } catch { /* full */ }
  };
  const missingNotes = [];
  const tellMissing = (control, value) => {
    missing[control.name] = value;
    // in the picker's field, read with it (aria-describedby) until another choice is made
    const note = h("span", { className: "hint draft-missing", id: nextId("draft-missing") },
      `Votre brouillon indiquait « ${value} », qui n'est plus proposé ici : choisissez à nouveau.`);
    missingNotes.push(note);
    const described = control.getAttribute("aria-describedby") ?? "";
    const wrap = control.closest(".field");
    if (wrap) wrap.append(note);
    else control.after(note);
    control.setAttribute("aria-describedby", [described, note.id].filter(Boolean).join(" "));
    control.addEventListener("change", () => {
      delete missing[control.name];
      note.remove();
      // its own note's id taken out; another note's (choiceNote's, set by the same change) kept
      const left = (control.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== note.id);
      if (left.length) control.setAttribute("aria-describedby", left.join(" "));
      else control.removeAttribute("aria-describedby");
    }, { once: true });
  };
  const clearNotes = () => { note.remove(); for (const n of missingNotes.splice(0)) n.remove(); };
  const clear = () => { cleared = true; sessionStorage.removeItem(key); clearNotes(); };
  const note = h("p", { className: "hint draft-note", role: "status" }, "Votre saisie précédente a été reprise. ",
    h("button", { type: "button", className: "secondary", onclick: () => {
      sessionStorage.removeItem(key);
      pending = {};
      attempt = null;
      for (const name of Object.keys(missing)) delete missing[name];
      clearNotes();
      form.reset();
      quiet = true;  // what follows from the fields (a total, a contract's part) shown for the emptied form
      for (const input of form.querySelectorAll("input, textarea")) input.dispatchEvent(new Event("input", { bubbles: true }));
      for (const select of form.querySelectorAll("select")) select.dispatchEvent(new Event("change", { bubbles: true }));
      quiet = false;
    } }, "Vider le formulaire"));
  const restore = () => {
    if (cleared) return false;
    const now = controls();
    const shown = draftShown(pending, now);
    const changed = [];
    const given = draftRestores(pending, now);
    for (const [name, value] of given) {
      const control = form.elements.namedItem(name);
      if (!control || control instanceof RadioNodeList) continue;
      if (control.type === "checkbox") control.checked = value;
      else if (control.value !== value) {
        control.value = value;
        if (control.tagName === "SELECT") changed.push(control);
      }
    }
    for (const [name, value] of draftMissing(pending, now)) {
      const control = form.elements.namedItem(name);
      if (control && !(control instanceof RadioNodeList)) tellMissing(control, value);
    }
    pending = draftPending(pending, now);
    // the note under the form's own title when it opens with one (« Demander un devis au titulaire »), else first
    const title = form.firstElementChild?.matches("h2, h3") ? form.firstElementChild : null;
    if (shown && !note.isConnected) (title ? title.after(note) : form.prepend(note));
    // what depends on a choice given back is drawn (a contract's lines, a client's missions): their values then wait
    for (const control of changed) control.dispatchEvent(new Event("change", { bubbles: true }));
    return given.length > 0;  // something given back: the screen shows what follows from it (a total)
  };
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  restore();
  return {
    clear, restore,
    get attempt() { return attempt; },
    sending(next) { attempt = next ?? null; save(); },
    lineCount: (lines = 1) => draftLineCount(pending, lines),
  };
}

// The drafts to forget: at sign-out, all of them (a shared computer keeps nothing of what was typed); when an account
// signs in (`keep`: its draftOwner), every other account's — an expired session's own drafts wait for it.
export function forgetDrafts(keep = null) {
  const keys = Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.key(i));
  for (const key of draftKeysToForget(keys, keep)) sessionStorage.removeItem(key);
}

// The browser's own checks (required, type="email"…) told in French next to the field, not in the browser's
// bubble and language: the bubble is cancelled, the note says why (constraintMessage), the field is marked
// aria-invalid and the first invalid field of its form gets the focus. Typing a valid value clears the note.
// A note shared by several fields (`label` given: the sign-in's) tells the first invalid one, named.
export function frenchValidity(input, note, { label = null } = {}) {
  let marked = false;
  let shown = null;
  let wasHidden = false;
  input.addEventListener("invalid", (event) => {
    event.preventDefault();
    input.setAttribute("aria-invalid", "true");
    marked = true;
    const firstInvalid = input.form ? [...input.form.elements].find((e) => e.willValidate && !e.validity.valid) : input;
    if (firstInvalid === input) input.focus();
    else if (label) return;
    const message = constraintMessage(input.validity, input.type || input.tagName.toLowerCase());
    shown = label ? `${label} : ${message}` : message;
    wasHidden ||= note.hidden;
    note.textContent = shown;
    note.hidden = false;
  });
  const cleared = () => {
    if (!marked || !input.validity.valid) return;
    marked = false;
    input.removeAttribute("aria-invalid");
    if (shown !== null && note.textContent === shown) {
      note.textContent = "";
      note.hidden = wasHidden;
    }
    shown = null;
  };
  input.addEventListener("input", cleared);
  input.addEventListener("change", cleared);
}

// A choice from a loaded list (state {rows}: a <select>, `multiple` for several; {loading} a disabled one), or
// — when the list could
// not be loaded (state {error}) — the typed field, with why in French (failure(error)) in a notice to show
// above the form; no list to offer at all (state undefined) is the typed field alone. → {field, notice}.
// none(count) is the first, empty option of a single choice.
// `describe(value, choices)`: a text written under a list once a choice is made, read with it (choiceNote) — the
// whole naming of a choice whose option is kept short for a phone.
export function choiceField({ state, options, failure, none, name, label, value = "", paths = null, hint = null,
  listHint = null, placeholder = null, required = true, multiple = false, noticeId = null, describe = null }) {
  if (state?.loading) {  // a select already: a choice made as soon as it is loaded waits for it
    const waiting = field({ name, label, required, options: [{ value: "", label: "Chargement de la liste…" }], paths,
      multiple, hint: listHint });
    waiting.input.disabled = true;
    return { field: waiting, notice: null };
  }
  if (state?.rows) {
    const choices = options(state.rows);
    if (multiple && choices.length) {
      return { field: checkGroup({ name, label, options: choices, value, paths, hint: listHint }), notice: null };
    }
    const first = multiple ? [] : [{ value: "", label: none(choices.length) }];
    const list = field({ name, label, required, value, options: [...first, ...choices], paths, multiple, hint: listHint });
    if (describe) choiceNote(list, (v) => describe(v, choices));
    return { field: list, notice: null };
  }
  const notice = state?.error ? h("div", { className: "errors", role: "alert", id: noticeId },
    h("p", {}, failure(state.error))) : null;
  const typed = Array.isArray(value) ? value.join(", ") : value;
  return { field: field({ name, label, required, value: typed, placeholder, hint, paths, rows: multiple ? 2 : null }),
    notice };
}

// A note under a field's control, `text(value)` of its value — kept up to date as it changes (a draft given back
// included), read with the control (aria-describedby) while it says something.
export function choiceNote(wrap, text) {
  const control = wrap.input;
  const note = h("span", { className: "hint chosen-note", id: nextId("chosen") });
  control.after(note);
  const update = () => {
    note.textContent = text(control.value);
    note.hidden = !note.textContent;
    const ids = (control.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id && id !== note.id);
    control.setAttribute("aria-describedby", [...ids, ...(note.hidden ? [] : [note.id])].join(" "));
  };
  control.addEventListener("change", update);
  control.addEventListener("input", update);
  update();
  return note;
}

// Several choices as check boxes — a <select multiple> asks for Ctrl + clic or Maj + flèches, which nobody guesses and
// a phone does not have: a fieldset whose legend is the label, one box per option (`value` the values ticked).
// Stands for one field in errorSlot: `input` the first box (an error's focus), `note` under the boxes, `paths`;
// `values()` the values ticked, in the options' order.
export function checkGroup({ name, label, options, value = [], paths = null, hint = null }) {
  const ticked = (Array.isArray(value) ? value : [value]).map(String);
  const boxes = options.map((o) => field({ name: `${name}-${o.value}`, type: "checkbox", label: o.label,
    value: ticked.includes(String(o.value)) }));
  boxes.forEach((box, i) => { box.input.value = options[i].value; });
  const note = h("span", { className: "field-error", id: nextId(`f-${name.replace(/[^\w-]/g, "_")}-err`) });
  const group = h("fieldset", { className: "check-group", "data-choices": name }, h("legend", {}, label),
    hint ? h("p", { className: "hint" }, hint) : null, h("div", { className: "grid checks" }, boxes), note);
  group.input = boxes[0].input;
  group.note = note;
  group.paths = paths ?? [name];
  group.values = () => boxes.filter((b) => b.input.checked).map((b) => b.input.value);
  return group;
}

// A French date (jj/mm/aaaa) or date and time (jj/mm/aaaa hh:mm) text input: its format does not
// depend on the browser's locale, unlike <input type="date">. No numeric inputmode: an iPhone's number pad has no « / ».
export function dateField(options) {
  return field({ ...options, placeholder: "jj/mm/aaaa", hint: options.hint ?? "Format jj/mm/aaaa" });
}

export function dateTimeField(options) {
  return field({ ...options, placeholder: "jj/mm/aaaa hh:mm", hint: options.hint ?? "Format jj/mm/aaaa hh:mm" });
}

// Says `text` politely to a screen reader, without moving the focus (RGAA 7.5 status messages): through the page's one
// live region (#announcer in index.html, there from the start, so that a change is heard); emptied first, then filled
// a moment later, so that the same sentence twice is said twice. An empty text says nothing.
let announcing = null;
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region || !text) return;
  clearTimeout(announcing);
  region.textContent = "";
  announcing = setTimeout(() => { region.textContent = text; }, 100);
}

// A new screen: what the screen before said is no longer there to be read (a hidden sentence « Relevé … affiché
// ci-dessous » left at the end of the next screen, found by a screen reader's reading cursor), nor said late.
export function silence() {
  clearTimeout(announcing);
  const region = document.getElementById("announcer");
  if (region) region.textContent = "";
}

export function errorBox(messages) {
  if (!messages?.length) return null;
  return h("div", { className: "errors", role: "alert" }, h("ul", {}, messages.map((m) => h("li", {}, m))));
}

// The errors of a form: each API error (problem+json, or a client-side list) next to the field
// whose `paths` names it (exact path, then the path without its indices, then its parents), the
// others above the form; the first invalid field gets the focus (A4: nothing is hidden).
export function errorSlot(fields) {
  // focusable by script: errors that name no field take the focus there (not left on the button just pressed)
  const general = h("div", { className: "form-errors", tabindex: "-1" });
  function clear() {
    general.replaceChildren();
    for (const f of fields()) {
      f.note.textContent = "";
      f.input.removeAttribute("aria-invalid");
    }
  }
  // A client-side list was never sent: its summary says so, not that the platform refused it.
  function show(problem, fallback = Array.isArray(problem) ? "Vérifiez les champs signalés : rien n'a été envoyé."
    : "La demande a été refusée : voir les champs signalés.") {
    clear();
    const byPath = new Map();
    for (const f of fields()) for (const p of f.paths) byPath.set(p, f);
    const errors = Array.isArray(problem) ? problem : (problem?.errors ?? []);
    const unplaced = [];
    let first = null;
    for (const error of errors) {
      const target = placeOf(error.field, byPath);
      const message = error.message || error.code;
      if (target) {
        target.note.textContent = [target.note.textContent, message].filter(Boolean).join(" ");
        target.input.setAttribute("aria-invalid", "true");
        first ??= target;
      } else {
        unplaced.push(message);
      }
    }
    if (!errors.length && problem?.detail) unplaced.push(problem.detail);
    if (!errors.length && !problem?.detail && problem?.message) unplaced.push(problem.message);
    general.replaceChildren(errorBox(unplaced.length ? unplaced : [fallback]) ?? "");
    (first?.input ?? general).focus?.();
  }
  return { node: general, show, clear };
}

function placeOf(path, byPath) {
  if (!path) return null;
  let bare = path.replace(/^\$\.?/, "").replace(/^query\./, "");
  const tries = [bare, bare.replace(/\[\d+\]$/, ""), fieldOf(path)];  // « milestones[0].deliverables[2] »: its list
  while (bare.includes(".")) {
    bare = bare.slice(0, bare.lastIndexOf("."));
    tries.push(bare);
  }
  for (const key of tries) if (byPath.has(key)) return byPath.get(key);
  return null;
}

export function messagesOf(error) {
  const messages = [...errorsByField(error?.problem ?? null).values()].flat();
  return messages.length ? messages : [error?.message ?? "Erreur inattendue."];
}

// A table with a caption (or aria-label) and column headers.
// `cards` ({ headings }: cardLabels in logic.mjs): a card list on a phone (table.cards), each cell not labelled yet
// given its column's name (data-label).
export function table(headers, rows, { caption = null, label = null, empty = "Aucun élément.", className = null,
  cards = null } = {}) {
  if (cards) {
    const labels = cardLabels(headers, cards);
    for (const row of rows) {
      [...row.children].forEach((cell, i) => {
        if (labels[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[i]);
      });
    }
    className = [className, "cards"].filter(Boolean).join(" ");
  }
  const body = rows.length ? rows : [h("tr", {}, h("td", { colspan: headers.length, className: "empty" }, empty))];
  return scrollFrame(h("div", { className: "table-wrap" }, h("table", { className, "aria-label": caption ? null : label },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, body))));
}

// A table's frame (.table-wrap) that scrolls sideways when the table is wider than the screen (a phone): only then a
// named region the keyboard reaches (role="region", aria-label, tabindex="0": the arrows scroll it), a visible hint
// that stays at its left edge, and a shadow on each side that has more to see (more-before, more-after). At 1280 px a
// table that fits gets none of it. Follows the frame's and the table's size (ResizeObserver) and its scrolling.
export function scrollFrame(wrap) {
  const hint = h("p", { className: "scroll-hint", hidden: true, "aria-hidden": "true" }, SCROLL_HINT);
  wrap.prepend(hint);
  const update = () => {
    const view = scrollView(wrap);
    wrap.classList.toggle("scrollable", view.scrollable);
    wrap.classList.toggle("more-before", view.moreBefore);
    wrap.classList.toggle("more-after", view.moreAfter);
    hint.hidden = !view.scrollable;
    if (view.scrollable === wrap.hasAttribute("tabindex")) return;
    if (view.scrollable) {
      const table = wrap.querySelector("table");
      const name = table?.getAttribute("aria-label") || table?.querySelector("caption")?.textContent;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", scrollRegionLabel(name));
      wrap.setAttribute("tabindex", "0");
    } else {
      for (const attribute of ["role", "aria-label", "tabindex"]) wrap.removeAttribute(attribute);
    }
  };
  wrap.addEventListener("scroll", update, { passive: true });
  if (typeof ResizeObserver === "function") {
    // the next frame's update, not the observer's own: showing the hint changes the frame's height, which inside the
    // callback would be a « ResizeObserver loop » error
    const observer = new ResizeObserver(() => requestAnimationFrame(update));
    observer.observe(wrap);
    const table = wrap.querySelector("table");
    if (table) observer.observe(table);
  }
  return wrap;
}

export function definitionList(pairs) {
  return h("dl", { className: "facts" }, pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
}

// A bar of the phone's chart, its length set through the CSSOM (the app's Content-Security-Policy refuses style
// attributes: style-src 'self').
function barSpan(percent) {
  const bar = h("span", { className: "chart-row-bar" });
  bar.style.width = `${percent.toFixed(1)}%`;
  return bar;
}

// A bar chart in inline SVG from report_logic.barChart's geometry, with a title, a description and the
// same figures as a table (for screen readers and for reading exact values). On a phone (style.css, max-width
// 40rem) the SVG gives way to a bar list (report_logic.barRows: each point's label, bar and value in text at the page's own
// size); only one of them is displayed, so a screen reader meets one. When every value is zero neither is drawn:
// « Aucune valeur à représenter sur la période. » (the table still lists the zeros).
export function barChartFigure({ title, points, format = String, valueLabel = "Valeur" }) {
  const data = h("details", {}, h("summary", {}, "Voir les données"),
    table(["Période", valueLabel], points.map((p) => h("tr", {}, h("td", {}, p.label), h("td", { className: "num" },
      format(p.value)))), { label: title }));
  const listed = barRows(points);
  if (listed.empty) {
    return h("figure", { className: "chart-figure" }, h("figcaption", {}, title),
      h("p", { className: "chart-empty" }, "Aucune valeur à représenter sur la période."), data);
  }
  const geometry = barChart(points);
  const id = nextId("chart");
  const rows = h("ul", { className: "chart-rows", "aria-label": title }, listed.rows.map((r) =>
    h("li", {}, h("span", { className: "chart-row-label" }, r.label),
      h("span", { className: "chart-row-track", "aria-hidden": "true" }, barSpan(r.percent)),
      h("span", { className: "chart-row-value" }, format(r.value)))));
  const svg = s("svg", { viewBox: `0 0 ${geometry.width} ${geometry.height}`, role: "img",
    "aria-labelledby": `${id}-title`, className: "chart", preserveAspectRatio: "xMidYMid meet" },
  s("title", { id: `${id}-title` }, title),
  // the card's white under the whole drawing, as a shape of its own: axe-core stops at an <svg> when it looks for
  // what is behind a text (« incomplete », imgNode) — this opaque shape is found first, so the axis labels' contrast
  // is computed (style.css, svg.chart .chart-bg)
  s("rect", { x: 0, y: 0, width: geometry.width, height: geometry.height, className: "chart-bg" }),
  geometry.ticks.map((t) => [
    s("line", { x1: geometry.plot.x, x2: geometry.plot.x + geometry.plot.w, y1: t.y, y2: t.y, className: "grid" }),
    s("text", { x: geometry.plot.x - 6, y: t.y + 4, "text-anchor": "end", className: "tick" }, format(t.value))]),
  geometry.bars.map((b) => [
    s("rect", { x: b.x, y: b.y, width: b.w, height: Math.max(b.h, 0), className: "bar" },
      s("title", {}, `${b.label} : ${format(b.value)}`)),
    s("text", { x: b.labelX, y: geometry.height - 10, "text-anchor": "middle", className: "tick" }, b.label)]));
  return h("figure", { className: "chart-figure" }, h("figcaption", {}, title), svg, rows, data);
}

// Rights as check boxes (B5): `choices` [{ right, label }], `ticked` the rights checked at first. The platform names a
// refused right by its index among those sent ($.rights[1]), so each ticked box takes that index as its error path
// when the form is sent (`ticked()` answers the rights chosen, in order).
export function rightBoxes(choices, { ticked = [], legend = "Droits (aucune case cochée : tous ceux du rôle)" } = {}) {
  const boxes = choices.map(({ right, label, boxLabel }) => Object.assign(
    field({ name: `right-${right}`, type: "checkbox", label: boxLabel ?? `${label} (${right})`, value: ticked.includes(right) }),
    { right }));
  const node = h("fieldset", {}, h("legend", {}, legend), h("div", { className: "grid checks" }, boxes));
  return { node, boxes, ticked() {
    const chosen = boxes.filter((b) => b.input.checked);
    for (const b of boxes) b.paths = b === boxes[0] ? ["rights"] : [];
    chosen.forEach((b, i) => b.paths.push(`rights[${i}]`));
    return chosen.map((b) => b.right);
  } };
}

// A form that records something, of part A or part B (record_logic.mjs): one Idempotency-Key and one time per content,
// and a second click while the first is on its way ignored — the form says it is busy (aria-busy) and its buttons are
// aria-disabled meanwhile. `now()` gives the attempt's time (occurred_at) once; `call(body, key)` defaults to ctx.call
// of `functionName` with a JSON body (the PDF upload sends its multipart body instead).
// → { busy, send(content, bodyOf) } (send answers { reply } or { ignored: true }, throws a refusal).
export function recorder(ctx, functionName, { form = null, now = () => null, draft = null,
  call = (body, idempotencyKey) => ctx.call(functionName, { body, idempotencyKey }) } = {}) {
  // a form keeping its draft (keepDraft): the sending a reload left unanswered is this one's first attempt
  const rec = recording(call, { makeKey: () => crypto.randomUUID(), now, initial: draft?.attempt ?? null,
    onAttempt: (attempt) => draft?.sending(attempt) });
  return {
    get busy() { return rec.busy; },
    async send(content, bodyOf) {
      if (rec.busy) return { ignored: true };
      const buttons = form ? [...form.querySelectorAll("button")] : [];
      form?.setAttribute("aria-busy", "true");
      for (const b of buttons) b.setAttribute("aria-disabled", "true");
      try {
        const sent = await rec.send(content, bodyOf);
        // an accepted answer: a `recorded` event on the form, which a one-order screen's redraw reads (its answer's
        // redraw draws the form anew, while a form still on its way or refused is kept: live_order.mjs)
        if (!sent.ignored) form?.dispatchEvent?.(new CustomEvent("recorded", { bubbles: true }));
        return sent;
      } finally {
        form?.removeAttribute("aria-busy");
        for (const b of buttons) b.removeAttribute("aria-disabled");
      }
    },
  };
}
