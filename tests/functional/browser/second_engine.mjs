// B8 "standard browsers": one role's journey of journeys.json in a second browser engine, Debian's Firefox ESR,
// driven over WebDriver BiDi (built into Firefox: no geckodriver) by puppeteer-core. The same steps, with the
// same in-page probe (page_probe.js), run in WebKitGTK through test_webkit.py's Selenium driver. Run by
// test_second_engine.py, which prepares the data and the account through the functions and passes, as JSON on
// stdin:
//   {firefox, base, stream, axe, journey, email, password, params}
// Prints one JSON line on stdout, {engine, checked, steps, problems, ms}, and exits 0; on a failed expectation
// it prints the same with "failure" and exits 1. Every screen checked runs axe-core (no violation of any
// impact but axe_allowed.json's); any console error (but the HTTP refusals the journeys provoke) or page error is a problem.

import { readFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const input = JSON.parse(readFileSync(0, "utf8"));
const TIMEOUT = 15000;
const started = Date.now();
const report = { engine: null, checked: [], steps: [], problems: [], ms: 0 };

// ---- what the journeys look for in the page: page_probe.js, shared with the WebKit driver (test_webkit.py) ---

const probe = (0, eval)(readFileSync(new URL("./page_probe.js", import.meta.url), "utf8"));
const JOURNEYS = JSON.parse(readFileSync(new URL("./journeys.json", import.meta.url), "utf8"));
// the axe-core findings allowed on named screens (axe_policy.py, docs/accessibility.md « The allow-list »)
const AXE_ALLOWED = JSON.parse(readFileSync(new URL("./axe_allowed.json", import.meta.url), "utf8")).allowed;

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

  /** probe(op, args) of page_probe.js, in the page, until it answers something truthy (its handle). */
  async until(description, op, args, timeout = TIMEOUT) {
    return this.waitLonger(timeout, description, probe, op, args);
  }

  /** Some element matching `selector` whose text contains `text`. */
  async see(selector, text) {
    await this.until(`« ${text} » in ${selector}`, "text", [selector, text]);
  }

  async count(selector, n) {
    await this.until(`${n} × ${selector}`, "count", [selector, n]);
  }

  async control(label, scope = null) {
    return (await this.until(`the field « ${label} »`, "control", [label, scope])).asElement();
  }

  /** Types `value` into the field labelled `label`, as a person would (real key events, after clearing it). */
  async fill(label, value, scope = null) {
    const input = await this.control(label, scope);
    await input.evaluate((e) => { e.value = ""; });
    await input.focus();
    await this.page.keyboard.type(value);
  }

  async select(label, value, scope = null) {
    const handle = await this.until(`the option ${value} of « ${label} »`, "option", [label, value, scope]);
    await handle.asElement().select(value);
  }

  /** Clicks the button or link named `name` (a real pointer click). */
  async click(name, scope = null) {
    const handle = await this.until(`the button or link « ${name} »`, "action", [name, scope]);
    await handle.asElement().click();
  }

  /** The error note of the field labelled `label` (its aria-describedby) contains `text`; the field is invalid. */
  async fieldError(label, text, scope = null) {
    await this.until(`the error « ${text} » of « ${label} »`, "fieldError", [label, text, scope]);
  }

  /** The table named `name` (its caption or aria-label) has a row matching `row` that contains `text`. */
  async table(name, row, text, timeout = TIMEOUT) {
    await this.until(`« ${text} » in a row of the table « ${name} »`, "table", [name, row, text], timeout);
  }

  /** No table wider than its frame: nothing scrolls sideways at this width (1280 px). */
  async fits() {
    await this.until("every table within its frame", "fits", []);
  }

  /** Follows the main navigation's link `link`; the screen's heading reads `heading`. */
  async visit(link, heading) {
    await this.click(link, "nav[aria-label='Navigation principale']");
    await this.until(`the heading « ${heading} »`, "text", ["h1", heading]);
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

  /** axe-core on the page as it is now: no violation of any impact, but those axe_allowed.json allows on `name`. */
  async check(name) {
    await this.settle();
    if (!(await this.page.evaluate(() => typeof window.axe === "object"))) {
      await this.page.evaluate(readFileSync(input.axe, "utf8") + "\n;void 0");
    }
    const found = await this.page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
    });
    const excused = new Set(AXE_ALLOWED.filter((e) => e.screens.includes(name)).map((e) => e.rule));
    const violations = found.filter((v) => !excused.has(v.id));
    if (violations.length) throw new Failure(`${name}: accessibility violations\n${JSON.stringify(violations, null, 1)}`);
    report.checked.push(name);
  }

  async signIn() {
    await this.page.goto(input.base + "/");
    await this.fill("Adresse e-mail", input.email);
    await this.fill("Mot de passe", input.password);
    await this.page.keyboard.press("Enter"); // the keyboard submits the form
    await this.until("the main navigation", "count", ["nav[aria-label='Navigation principale']", 1]);
    this.step("signed in");
  }
}

// ---- the journeys: journeys.json, one per role, shared with the WebKit driver ----------------------------------

/** Runs the steps of `name` in journeys.json, `params` in place of their {name}s. */
async function run(d, name, params) {
  const journey = JOURNEYS[name];
  if (!journey || name.startsWith("_")) throw new Failure(`no journey « ${name} »`);
  const fill = (a) => (typeof a === "string" ? a.replace(/\{(\w+)\}/g, (m, k) => (k in params ? params[k] : m)) : a);
  for (const [op, ...args] of journey.steps) {
    if (op === "step") d.step(fill(args[0]));
    else if (typeof d[op] === "function" && !["until", "waitFor", "waitLonger", "control"].includes(op)) {
      await d[op](...args.map(fill));
    } else throw new Failure(`no step « ${op} »`);
  }
}

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
  await run(driver, input.journey, input.params ?? {});
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
