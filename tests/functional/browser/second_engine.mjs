// B8 "standard browsers": one role's journey in a second browser engine, Debian's Firefox ESR, driven over
// WebDriver BiDi (built into Firefox: no geckodriver) by puppeteer-core. Run by test_second_engine.py, which
// prepares the data and the account through the functions and passes, as JSON on stdin:
//   {firefox, base, stream, axe, journey, email, password, params}
// Prints one JSON line on stdout, {engine, checked, steps, problems, ms}, and exits 0; on a failed expectation
// it prints the same with "failure" and exits 1. Every screen checked runs axe-core (no serious or critical
// violation); any console error (but the HTTP refusals the journeys provoke) or page error is a problem.

import { readFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const input = JSON.parse(readFileSync(0, "utf8"));
const TIMEOUT = 15000;
const started = Date.now();
const report = { engine: null, checked: [], steps: [], problems: [], ms: 0 };

// ---- in-page helpers (serialised into the page by waitForFunction / evaluate) --------------------------------

/** The control whose <label> reads `label` (exactly, trimmed), inside `scope` (a CSS selector) if given. */
function controlIn(scope, label) {
  const root = scope ? document.querySelector(scope) : document;
  if (!root) return null;
  for (const l of root.querySelectorAll("label")) {
    if (l.textContent.replace(/\s+/g, " ").trim() === label) {
      const c = l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector("input, select, textarea");
      if (c && (!scope || root.contains(c))) return c;
    }
  }
  return null;
}

/** The visible button or link whose text reads `name` (exactly, trimmed), inside `scope` if given. */
function actionIn(scope, name) {
  const root = scope ? document.querySelector(scope) : document;
  if (!root) return null;
  return [...root.querySelectorAll("button, a[href]")].find((e) =>
    (e.getAttribute("aria-label") || e.textContent).replace(/\s+/g, " ").trim() === name
    && e.getClientRects().length > 0 && !e.disabled) || null;
}

// ---- the driver ---------------------------------------------------------------------------------------------

class Failure extends Error {}

class Driver {
  constructor(page) {
    this.page = page;
    this.inFlight = new Set();
    page.on("request", (r) => { if (!r.url().startsWith(input.stream)) this.inFlight.add(r); });
    page.on("requestfinished", (r) => this.inFlight.delete(r));
    page.on("requestfailed", (r) => this.inFlight.delete(r));
    page.on("console", (m) => {
      const text = m.text();
      // the refusals a journey provokes on purpose are logged by the browser as failed loads
      if (m.type() === "error" && !/\b(400|401|404|422)\b/.test(text)) report.problems.push(`console error: ${text}`);
    });
    page.on("pageerror", (e) => report.problems.push(`page error: ${e.message ?? e}`));
  }

  step(what) { report.steps.push(what); }

  async waitFor(description, fn, ...args) {
    return this.waitLonger(TIMEOUT, description, fn, ...args);
  }

  async waitLonger(timeout, description, fn, ...args) {
    try {
      return await this.page.waitForFunction(fn, { timeout, polling: 100 }, ...args);
    } catch (error) {
      throw new Failure(`${description}: not seen within ${timeout} ms (${error.message.split("\n")[0]})`);
    }
  }

  /** Some element matching `selector` whose text contains `text`. */
  async seeText(selector, text) {
    await this.waitFor(`« ${text} » in ${selector}`, (s, t) =>
      [...document.querySelectorAll(s)].some((e) => e.textContent.replace(/\s+/g, " ").includes(t)), selector, text);
  }

  async count(selector, n) {
    await this.waitFor(`${n} × ${selector}`, (s, k) => document.querySelectorAll(s).length === k, selector, n);
  }

  async control(label, scope = null) {
    const handle = await this.waitFor(`the field « ${label} »`, controlIn, scope, label);
    return handle.asElement();
  }

  /** Types `value` into the field labelled `label`, as a person would (real key events, after clearing it). */
  async fill(label, value, scope = null) {
    const input = await this.control(label, scope);
    await input.evaluate((e) => { e.value = ""; });
    await input.focus();
    await this.page.keyboard.type(value);
  }

  async select(label, value, scope = null) {
    const control = await this.control(label, scope);
    await this.waitFor(`the option ${value} of « ${label} »`, (e, v) => [...e.options].some((o) => o.value === v),
      control, value);
    await control.select(value);
  }

  /** Clicks the button or link named `name` (a real pointer click). */
  async click(name, scope = null) {
    const handle = await this.waitFor(`the button or link « ${name} »`, actionIn, scope, name);
    await handle.asElement().click();
  }

  /** The error note of the field labelled `label` (its aria-describedby) contains `text`; the field is invalid. */
  async fieldError(label, text, scope = null) {
    const control = await this.control(label, scope);
    await this.waitFor(`the error « ${text} » of « ${label} »`, (c, t) => {
      if (c.getAttribute("aria-invalid") !== "true") return false;
      const ids = (c.getAttribute("aria-describedby") || "").split(/\s+/);
      const note = document.getElementById(ids[ids.length - 1]);
      return !!note && note.textContent.includes(t);
    }, control, text);
  }

  /** The table named `name` (its caption or aria-label) has a row matching `row` that contains `text`. */
  async seeInTable(name, row, text, timeout = TIMEOUT) {
    await this.waitLonger(timeout, `« ${text} » in a row of the table « ${name} »`, (n, r, t) => {
      const table = [...document.querySelectorAll("table")].find((e) =>
        e.getAttribute("aria-label") === n || e.querySelector(":scope > caption")?.textContent.trim() === n);
      return !!table && [...table.querySelectorAll(r)].some((e) => e.textContent.replace(/\s+/g, " ").includes(t));
    }, name, row, text);
  }

  /** Waits until no request but the order streams has been in flight for half a second. */
  async settle() {
    const deadline = Date.now() + TIMEOUT;
    let quietSince = null;
    while (Date.now() < deadline) {
      if (this.inFlight.size) quietSince = null;
      else if (quietSince === null) quietSince = Date.now();
      else if (Date.now() - quietSince >= 500) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Failure(`requests still in flight after ${TIMEOUT} ms: ${[...this.inFlight].map((r) => r.url())}`);
  }

  /** axe-core on the page as it is now: no serious or critical violation. */
  async check(name) {
    await this.settle();
    if (!(await this.page.evaluate(() => typeof window.axe === "object"))) {
      await this.page.evaluate(readFileSync(input.axe, "utf8") + "\n;void 0");
    }
    const violations = await this.page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });
    if (violations.length) throw new Failure(`${name}: accessibility violations\n${JSON.stringify(violations, null, 1)}`);
    report.checked.push(name);
  }

  async signIn() {
    await this.page.goto(input.base + "/");
    await this.fill("Adresse e-mail", input.email);
    await this.fill("Mot de passe", input.password);
    await this.page.keyboard.press("Enter"); // the keyboard submits the form
    await this.waitFor("the main navigation", () => !!document.querySelector("nav[aria-label='Navigation principale']"));
    this.step("signed in");
  }
}

// ---- the journeys, one per role -----------------------------------------------------------------------------

const journeys = {
  /** Dashboard (live), an order and its history, a quote request refused next to its field, then accepted. */
  async manager(d, { order }) {
    await d.seeText("h1, h2", "Tableau de bord des commandes");
    await d.seeText(`tr[data-order='${order}']`, order);
    await d.seeText("p.status[data-live='live']", "en direct"); // the watch_orders stream (A11) in this engine
    await d.check("manager-dashboard");
    await d.click(order);
    await d.seeInTable("Historique", "tbody tr", "Commande prise en compte");
    await d.seeText("#order-live[data-live='live']", "en direct");
    await d.check("manager-order");
    await d.click("Devis");
    await d.fill("Référence du devis", "DV-FX-1");
    await d.fill("Prestataire", "ctr-test");
    await d.fill("Marché", "AC-INCONNU");
    await d.fill("Objet", "Recherche de fuite cage C");
    await d.fill("Élément de patrimoine (identifiant)", "LYON-BAT-C");
    await d.click("Demander le devis");
    await d.fieldError("Marché", "AC-INCONNU");
    await d.check("manager-quote-refused");
    d.step("quote request refused next to « Marché »");
  },

  /** Its orders, an order, acknowledged then scheduled through the execution form (French dates). */
  async contractor(d, { order, start }) {
    await d.seeText("h1, h2", "Mes commandes");
    await d.check("contractor-orders");
    await d.click(order);
    await d.click("Passer à « pris en compte »");
    await d.click("Envoyer");
    await d.seeText("#execution, [role='group']", "Passer à « planifié »");
    d.step("acknowledged");
    await d.click("Passer à « planifié »");
    await d.click("Envoyer");
    await d.fieldError("Début prévu", "planned_start"); // the platform's refusal, next to its field
    await d.fill("Début prévu", `${start} 08:00`);
    await d.fill("Fin prévue", `${start} 17:30`);
    await d.click("Envoyer");
    await d.seeText(".facts", `Prévu ${start} 08:00`);
    await d.check("contractor-order-scheduled");
    d.step("scheduled");
  },

  /** A need through the B2 form (a wrong date refused before sending), then its ranking with reasons. */
  async beneficiary(d, { start, end }) {
    await d.seeText("h1, h2", "Mes besoins");
    await d.click("Nouveau besoin");
    await d.fill("Référence du besoin", "BES-FX-1");
    await d.fill("Intitulé", "Audit d'accessibilité du portail");
    await d.fill("Description de la prestation", "Auditer le portail usagers selon le RGAA.");
    await d.fill("Compétences attendues (une par ligne)", "RGAA\nrecette");
    await d.fill("Début", "31/02/2026");
    await d.fill("Fin", end);
    await d.fill("Durée (jours travaillés)", "20");
    await d.fill("Plafond du TJM (€ HT)", "700");
    await d.click("Soumettre le besoin");
    await d.fieldError("Début", "jj/mm/aaaa");
    await d.check("beneficiary-need-form");
    await d.fill("Début", start);
    await d.click("Soumettre le besoin");
    await d.seeInTable("Professionnels classés", "tr[data-professional]", "Anne Lefèvre", 30000); // scored through Pub/Sub
    await d.check("beneficiary-need-ranking");
    d.step("need submitted and ranked");
  },

  /** The directory (« Annuaire ») filtered by text, then a manager registered (a wrong SIRET refused first). */
  async operator(d, { party }) {
    await d.click("Annuaire");
    await d.seeText("h1, h2", "Annuaire des parties");
    await d.seeText(`tr[data-party='${party}']`, "actif");
    await d.fill("Rechercher (identifiant ou raison sociale)", party);
    await d.count("tr[data-party]", 1);
    await d.check("operator-directory");
    await d.click("Raccordement");
    const form = "#register-manager";
    await d.fill("Identifiant", "mgr-fx", form);
    await d.fill("Raison sociale", "Habitat Firefox (essai)", form);
    await d.fill("SIRET", "12345678901234", form);
    await d.click("Inscrire le gestionnaire", form);
    await d.fieldError("SIRET", "Luhn", form);
    await d.fill("SIRET", "21690123100011", form);
    await d.click("Inscrire le gestionnaire", form);
    await d.seeText(`${form} [data-outcome]`, "Inscription créée — gestionnaire « mgr-fx ».");
    await d.check("operator-onboarding");
    d.step("manager registered");
  },
};

// ---- run ----------------------------------------------------------------------------------------------------

let browser;
let page;
let code = 0;
try {
  browser = await puppeteer.launch({
    browser: "firefox", executablePath: input.firefox, headless: true, protocol: "webDriverBiDi",
    // the browser's machine in UTC, not Paris: the app shows and reads every time as Paris's all the same
    env: { ...process.env, TZ: "UTC" },
    // keep Firefox off the (absent) network: no update, telemetry or remote settings
    extraPrefsFirefox: { "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.enabled": false, "browser.safebrowsing.malware.enabled": false,
      "browser.safebrowsing.phishing.enabled": false, "intl.accept_languages": "en-US" },
  });
  report.engine = await browser.version();
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.setDefaultTimeout(TIMEOUT);
  const driver = new Driver(page);
  await driver.signIn();
  const journey = journeys[input.journey];
  if (!journey) throw new Failure(`no journey « ${input.journey} »`);
  await journey(driver, input.params ?? {});
} catch (error) {
  report.failure = error instanceof Failure ? error.message : String(error.stack ?? error);
  code = 1;
  if (page) {  // what the screen showed then, for the failure's message (and its picture, if asked)
    report.screen = await page.evaluate(() => `${location.hash}\n${document.querySelector("main")?.innerText
      ?? document.body.innerText}`.slice(0, 4000)).catch((e) => `unreadable: ${e.message}`);
    if (input.failure_screenshot) await page.screenshot({ path: input.failure_screenshot, fullPage: true }).catch(() => {});
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  report.ms = Date.now() - started;
  process.stdout.write(JSON.stringify(report) + "\n");
}
process.exit(code);
