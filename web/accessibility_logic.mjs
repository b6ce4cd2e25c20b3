// The accessibility statement (« Déclaration d'accessibilité », RGAA 4.1; loi 2005-102 art. 47, décret 2019-768) as
// data, drawn by accessibility.mjs at #/accessibilite, and the phone helpers of every screen: a wide table's scroll
// state (its hint and shadows). Pure: tested by tests/web/accessibility.test.mjs; docs/accessibility.md is the grid.

// No audit has been made: the RGAA allows « non conforme » only (« partiellement conforme » needs an audit's rate of
// criteria met, at least 50 %; « totalement conforme » 100 %). Change these with an audit's result, never before.
export const CONFORMANCE = "non conforme";
export const AUDIT_RATE = null;  // the audit's share of criteria met (0–100), once there is one
export const STATEMENT_DATE = "7 décembre 2026";
export const RGAA_VERSION = "4.1";
export const AXE_VERSION = "4.14.1";  // node_modules/axe-core, run by the browser tests
export const ROUTE = "#/accessibilite";
export const FOOTER_TEXT = `Accessibilité : ${CONFORMANCE}`;
// The placeholder of devtools/web_config.py: no mail reaches a .invalid address.
export const PLACEHOLDER_DOMAIN = ".invalid";

// The operator's support address from /config.json (Terraform's support_email) → { email, placeholder }.
export function contactOf(config) {
  const email = typeof config?.support_email === "string" ? config.support_email.trim() : "";
  return { email: email || null, placeholder: !email || email.endsWith(PLACEHOLDER_DOMAIN) };
}

// « Non conforme » states why; a rate is said only with an audit behind it.
export function conformanceText(site, { conformance = CONFORMANCE, rate = AUDIT_RATE } = {}) {
  const base = `${site} est ${conformance} avec le référentiel général d'amélioration de l'accessibilité (RGAA), `
    + `version ${RGAA_VERSION}`;
  if (conformance === "non conforme" && rate === null) {
    return `${base}, en raison de l'absence de résultats d'audit en cours de validité permettant de mesurer le `
      + "respect des critères.";
  }
  return `${base} : ${frenchPercent(rate)} des critères du RGAA sont respectés.`;
}

function frenchPercent(rate) {
  return `${String(rate).replace(".", ",")} %`;
}

// Every section of the statement, in the RGAA model's order: [{ heading, paragraphs: [string], items: [string] }]
// (`links` name the outside pages by their text). `site` is the app's address (location.origin).
export function statementSections(site, config) {
  const contact = contactOf(config);
  return [
    { heading: null, paragraphs: [
      "L'opérateur de Passerelle s'engage à rendre ses services numériques accessibles, conformément à l'article 47 "
        + "de la loi n° 2005-102 du 11 février 2005.",
      `Cette déclaration d'accessibilité s'applique à l'application web Passerelle (${site}).`] },
    { heading: "État de conformité", paragraphs: [conformanceText(site)] },
    { heading: "Résultats des tests", paragraphs: [
      "Aucun audit de conformité au RGAA n'a été réalisé : aucun taux de critères respectés ne peut donc être "
        + "annoncé.",
      `Seules des vérifications automatiques ont été faites : chaque écran visité par les parcours de test `
        + `automatisés est analysé par l'outil axe-core (version ${AXE_VERSION}), sans aucune erreur admise, `
        + "quelle que soit sa gravité (critique, grave, modérée ou mineure) ; ce qu'il ne peut pas trancher "
        + "(résultats « incomplets ») a été relu un à un, et tout nouveau cas fait échouer les tests. Des parcours "
        + "au clavier seul, le texte des messages de statut destinés aux technologies d'assistance, la visibilité "
        + "du focus de chaque élément atteint par la touche Tab, l'espacement du texte, le texte agrandi à 200 % et "
        + "l'affichage sur 320 pixels de large sont aussi vérifiés automatiquement. Un outil automatique ne couvre "
        + "qu'une partie des critères du RGAA.",
      "Aucun test n'a été fait avec un lecteur d'écran réel (NVDA, JAWS, VoiceOver, TalkBack), ni sur un iPhone, "
        + "un iPad ou un téléphone Android réels, ni par un expert en accessibilité."] },
    { heading: "Contenus non accessibles", paragraphs: [
      "En l'absence d'audit, la liste des non-conformités n'est pas établie. Défauts connus à ce jour :"],
    items: [
      "le changement de page d'une liste (« Page suivante ») n'est pas annoncé aux lecteurs d'écran ;",
      "le formulaire « Nouveau besoin » place le focus sur son premier champ plutôt que sur son titre ;",
      "certaines abréviations (« TJM », « D8 ») ne sont pas développées."] },
    { heading: "Dérogations pour charge disproportionnée", paragraphs: ["Aucune dérogation n'est invoquée."] },
    { heading: "Contenus non soumis à l'obligation d'accessibilité", paragraphs: [
      "Les documents déposés par les utilisateurs eux-mêmes (rapports d'intervention, procès-verbaux, pièces "
        + "jointes en PDF) sont des contenus de tiers : leur accessibilité dépend de qui les produit."] },
    { heading: "Établissement de cette déclaration", paragraphs: [
      `Cette déclaration a été établie le ${STATEMENT_DATE}.`],
    subsections: [
      { heading: "Technologies utilisées pour la réalisation de l'application", items: [
        "HTML5", "CSS", "JavaScript (modules ES, sans bibliothèque)", "WAI-ARIA", "SVG"] },
      { heading: "Environnement de test", paragraphs: [
        "Les vérifications automatiques ont été faites dans les navigateurs suivants, sans technologie "
          + "d'assistance :"], items: [
        "Chromium (Playwright), sur ordinateur (1280 px) et en simulation de téléphone (320 et 375 px) et de "
          + "tablette (768 px) ;",
        "Firefox ESR (WebDriver BiDi) ;",
        "WebKitGTK, le moteur de Safari, sous Linux (pas Safari lui-même)."] },
      { heading: "Outils pour évaluer l'accessibilité", items: [
        `axe-core ${AXE_VERSION} (règles WCAG 2.1 A et AA, et bonnes pratiques)`,
        "parcours automatisés au clavier seul (Playwright)",
        "arbre d'accessibilité de Chromium (instantané Playwright), relu par l'équipe de développement"] },
      { heading: "Écrans vérifiés", paragraphs: [
        "La connexion, cette page, et pour chaque rôle (gestionnaire, prestataire, bénéficiaire, centrale "
          + "d'achat, opérateur) les écrans de son menu et les formulaires que les parcours de test envoient."] }] },
    { heading: "Retour d'information et contact", paragraphs: [
      "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter l'opérateur de "
        + "Passerelle pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme."],
    contact },
    { heading: "Voies de recours", paragraphs: [
      "Cette procédure est à utiliser dans le cas suivant : vous avez signalé à l'opérateur un défaut "
        + "d'accessibilité qui vous empêche d'accéder à un contenu ou à un des services de Passerelle et vous "
        + "n'avez pas obtenu de réponse satisfaisante. Vous pouvez :"],
    items: [
      { text: "écrire un message au Défenseur des droits", href: "https://formulaire.defenseurdesdroits.fr/" },
      { text: "contacter le délégué du Défenseur des droits dans votre région",
        href: "https://www.defenseurdesdroits.fr/saisir/delegues" },
      "envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse "
        + "71120, 75342 Paris CEDEX 07."] },
  ];
}

// A table's frame on a narrow screen: does it scroll sideways, and is there more to see on either side?
// → { scrollable, moreBefore, moreAfter } (a pixel of rounding is not « more »).
export function scrollView({ scrollLeft = 0, scrollWidth = 0, clientWidth = 0 } = {}) {
  const scrollable = scrollWidth > clientWidth + 1;
  return { scrollable, moreBefore: scrollable && scrollLeft > 1,
    moreAfter: scrollable && scrollLeft + clientWidth < scrollWidth - 1 };
}

// The name of a table's scrolling frame, said when the keyboard reaches it.
export function scrollRegionLabel(tableName) {
  const name = (tableName ?? "").trim();
  return name ? `${name} (tableau à faire défiler horizontalement)` : "Tableau à faire défiler horizontalement";
}

export const SCROLL_HINT = "Faites défiler le tableau vers la droite pour voir les autres colonnes →";
