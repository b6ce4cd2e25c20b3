// A long form keeps what was typed while the tab lives (sessionStorage): « Nouveau besoin » left by a tap on the menu or
// a reload finds its fields again. Pure logic here (tested by tests/web/draft.test.mjs); keepDraft in ui.mjs wires it
// to a form. Never a password nor a file; each account's own (keyed by its uid), forgotten at sign-out and once sent.

export const DRAFT_PREFIX = "passerelle-draft:";
const SKIPPED = new Set(["password", "file", "submit", "button", "reset", "hidden"]);

const kept = (control) => Boolean(control?.name) && !SKIPPED.has(control.type);

// The sessionStorage key of a screen's draft for the signed-in account.
export function draftKey(claims, screen) {
  return `${DRAFT_PREFIX}${claims?.tenant ?? ""}:${claims?.user_id ?? claims?.sub ?? ""}:${screen}`;
}

// The draft of a form's controls ({ name, type, value, checked }): each named field's value, a check box's state.
export function draftOf(controls) {
  const draft = {};
  for (const c of controls) if (kept(c)) draft[c.name] = c.type === "checkbox" ? Boolean(c.checked) : String(c.value ?? "");
  return draft;
}

// What to put back: [name, value] for each control of the form the draft has a value for (text, or a check box's state).
export function draftRestores(draft, controls) {
  if (!draft || typeof draft !== "object" || Array.isArray(draft)) return [];
  return controls.filter((c) => kept(c) && Object.hasOwn(draft, c.name)
    && typeof draft[c.name] === (c.type === "checkbox" ? "boolean" : "string"))
    .map((c) => [c.name, draft[c.name]]);
}

// Whether restoring the draft changes anything the form shows (then the screen says the typing was taken back).
export function draftShown(draft, controls) {
  const byName = new Map(controls.map((c) => [c.name, c]));
  return draftRestores(draft, controls).some(([name, value]) => {
    const c = byName.get(name);
    return c.type === "checkbox" ? Boolean(c.checked) !== value : String(c.value ?? "") !== value;
  });
}

// The drafts to forget at sign-out, among the storage's keys.
export function draftKeysToForget(keys) {
  return keys.filter((k) => k.startsWith(DRAFT_PREFIX));
}
