// The accessibility statement (« Accessibilité », #/accessibilite: RGAA 4.1 statement model) and the phone's wide
// tables (their scroll hint): web/accessibility_logic.mjs.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  AUDIT_RATE, AXE_VERSION, CONFORMANCE, FOOTER_TEXT, contactOf, conformanceText, scrollRegionLabel, scrollView,
  statementSections,
} from "../../web/accessibility_logic.mjs";

const SITE = "https://passerelle-prod.web.app";
const textOf = (sections) => JSON.stringify(sections);

test("without an audit the statement says « non conforme » and why, and claims no rate of criteria met", () => {
  assert.equal(CONFORMANCE, "non conforme");
  assert.equal(AUDIT_RATE, null);
  assert.equal(FOOTER_TEXT, "Accessibilité : non conforme");
  assert.equal(conformanceText(SITE), `${SITE} est non conforme avec le référentiel général d'amélioration de `
    + "l'accessibilité (RGAA), version 4.1, en raison de l'absence de résultats d'audit en cours de validité "
    + "permettant de mesurer le respect des critères.");
  const text = textOf(statementSections(SITE, {}));
  assert.doesNotMatch(text, /partiellement conforme|totalement conforme|\d+ ?% des critères/);
});

test("once audited, the rate is said in French", () => {
  assert.match(conformanceText(SITE, { conformance: "partiellement conforme", rate: 72.5 }),
    /est partiellement conforme .* : 72,5 % des critères du RGAA sont respectés\.$/);
});

test("the statement has every section of the RGAA model, in its order", () => {
  const headings = statementSections(SITE, {}).map((s) => s.heading).filter(Boolean);
  assert.deepEqual(headings, ["État de conformité", "Résultats des tests", "Contenus non accessibles",
    "Dérogations pour charge disproportionnée", "Contenus non soumis à l'obligation d'accessibilité",
    "Établissement de cette déclaration", "Retour d'information et contact", "Voies de recours"]);
  const established = statementSections(SITE, {}).find((s) => s.heading === "Établissement de cette déclaration");
  assert.deepEqual(established.subsections.map((s) => s.heading), [
    "Technologies utilisées pour la réalisation de l'application", "Environnement de test",
    "Outils pour évaluer l'accessibilité", "Écrans vérifiés"]);
});

test("it is honest about what was tested: automated checks, no screen reader, no real phone, no expert", () => {
  const text = textOf(statementSections(SITE, {}));
  assert.match(text, new RegExp(`axe-core \\(version ${AXE_VERSION.replaceAll(".", "\\.")}\\)`));
  assert.match(text, /Aucun audit de conformité au RGAA n'a été réalisé/);
  assert.match(text, /Aucun test n'a été fait avec un lecteur d'écran réel/);
  assert.match(text, /ni sur un iPhone/);
  assert.match(text, /WebKitGTK, le moteur de Safari, sous Linux \(pas Safari lui-même\)/);
});

test("axe-core's findings of every impact count, not only the serious and critical ones (the browser tests' policy)", () => {
  const results = statementSections(SITE, {}).find((s) => s.heading === "Résultats des tests").paragraphs.join(" ");
  assert.match(results, /sans aucune erreur admise, quelle que soit sa gravité \(critique, grave, modérée ou mineure\)/);
  assert.doesNotMatch(results, /grave ou critique admise/);
  const tools = statementSections(SITE, {}).find((s) => s.heading === "Établissement de cette déclaration")
    .subsections.find((s) => s.heading === "Outils pour évaluer l'accessibilité").items;
  assert.equal(tools[0], `axe-core ${AXE_VERSION} (règles WCAG 2.1 A et AA, et bonnes pratiques)`);
});

test("the axe-core version said is the one the browser tests run", () => {
  const installed = JSON.parse(readFileSync(new URL("../../node_modules/axe-core/package.json", import.meta.url)));
  assert.equal(AXE_VERSION, installed.version);
});

test("the contact is the operator's support address; the .invalid placeholder is flagged", () => {
  assert.deepEqual(contactOf({ support_email: "support@bailleur.fr" }),
    { email: "support@bailleur.fr", placeholder: false });
  assert.deepEqual(contactOf({ support_email: "adresse-de-support-a-configurer@passerelle.invalid" }),
    { email: "adresse-de-support-a-configurer@passerelle.invalid", placeholder: true });
  assert.deepEqual(contactOf({}), { email: null, placeholder: true });
  assert.deepEqual(contactOf(null), { email: null, placeholder: true });
  const contact = statementSections(SITE, { support_email: "support@bailleur.fr" })
    .find((s) => s.heading === "Retour d'information et contact").contact;
  assert.equal(contact.email, "support@bailleur.fr");
});

test("the means of redress name the Défenseur des droits, its form, its delegates and its free post", () => {
  const redress = statementSections(SITE, {}).find((s) => s.heading === "Voies de recours");
  assert.deepEqual(redress.items.filter((i) => i.href).map((i) => i.href),
    ["https://formulaire.defenseurdesdroits.fr/", "https://www.defenseurdesdroits.fr/saisir/delegues"]);
  assert.match(textOf(redress), /Libre réponse 71120, 75342 Paris CEDEX 07/);
});

test("a table's frame: scrollable or not, more to see before or after", () => {
  assert.deepEqual(scrollView({ scrollLeft: 0, scrollWidth: 340, clientWidth: 340 }),
    { scrollable: false, moreBefore: false, moreAfter: false });
  assert.deepEqual(scrollView({ scrollLeft: 0, scrollWidth: 341, clientWidth: 340 }),
    { scrollable: false, moreBefore: false, moreAfter: false });  // a pixel of rounding
  assert.deepEqual(scrollView({ scrollLeft: 0, scrollWidth: 900, clientWidth: 340 }),
    { scrollable: true, moreBefore: false, moreAfter: true });
  assert.deepEqual(scrollView({ scrollLeft: 200, scrollWidth: 900, clientWidth: 340 }),
    { scrollable: true, moreBefore: true, moreAfter: true });
  assert.deepEqual(scrollView({ scrollLeft: 560, scrollWidth: 900, clientWidth: 340 }),
    { scrollable: true, moreBefore: true, moreAfter: false });
  assert.deepEqual(scrollView(), { scrollable: false, moreBefore: false, moreAfter: false });
});

test("a scrolling frame is named by its table", () => {
  assert.equal(scrollRegionLabel("Historique"), "Historique (tableau à faire défiler horizontalement)");
  assert.equal(scrollRegionLabel(""), "Tableau à faire défiler horizontalement");
  assert.equal(scrollRegionLabel(null), "Tableau à faire défiler horizontalement");
});
