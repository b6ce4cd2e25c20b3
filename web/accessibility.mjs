// « Déclaration d'accessibilité » (#/accessibilite), public: reached from every screen's footer and from the sign-in,
// signed in or not. The statement's text is data of accessibility_logic.mjs (RGAA 4.1 statement model); the grid of
// what the app does per RGAA theme is docs/accessibility.md.
import { FOOTER_TEXT, ROUTE, statementSections } from "./accessibility_logic.mjs";
import { h } from "./ui.mjs";

export const TITLE = "Déclaration d'accessibilité";

// Every screen's footer (a contentinfo landmark): the RGAA's « Accessibilité : non conforme » link to the statement.
export function footer() {
  return h("footer", { className: "bottom" },
    h("p", {}, h("a", { href: ROUTE, "aria-current": location.hash === ROUTE ? "page" : null }, FOOTER_TEXT)));
}

function item(entry) {
  if (typeof entry === "string") return h("li", {}, entry);
  return h("li", {}, h("a", { href: entry.href, rel: "noopener" }, entry.text), " ;");
}

function contactBlock(contact) {
  if (!contact.email) {
    return h("p", {}, "Adresse de contact : l'opérateur de la plateforme ne l'a pas encore publiée.");
  }
  return [
    h("p", {}, "Adresse de contact : ", h("a", { href: `mailto:${contact.email}` }, contact.email)),
    contact.placeholder
      ? h("p", { className: "warning" }, "Cette adresse est provisoire et ne reçoit aucun message : l'opérateur de "
        + "la plateforme n'a pas encore configuré son adresse de support.")
      : null,
  ];
}

function section({ heading, paragraphs = [], items = [], subsections = [], contact = null }, level = "h2") {
  return h("section", {},
    heading ? h(level, {}, heading) : null,
    paragraphs.map((p) => h("p", {}, p)),
    items.length ? h("ul", {}, items.map(item)) : null,
    contact ? contactBlock(contact) : null,
    subsections.map((s) => section(s, "h3")));
}

// The statement's content under the screen's <h1>.
export function statementContent(config) {
  return h("div", { className: "statement" }, statementSections(location.origin, config).map((s) => section(s)));
}
