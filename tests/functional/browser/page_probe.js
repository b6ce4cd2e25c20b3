// B8 "standard browsers": what the second-engine journeys (journeys.json) look for in the page, one function
// shared by both drivers — second_engine.mjs (Firefox, puppeteer-core: page.waitForFunction) and
// test_webkit.py (WebKitGTK, Selenium: execute_script, polled). It is serialised into the page, so it holds
// everything it needs. probe(op, args) answers a falsy value while what is looked for is not there yet.
(function probe(op, args) {
  const text = (e) => e.textContent.replace(/\s+/g, " ");
  const rootOf = (scope) => (scope ? document.querySelector(scope) : document);

  /** The control whose <label> reads `label` (exactly, trimmed), inside `scope` (a CSS selector) if given. */
  function control(label, scope) {
    const root = rootOf(scope);
    if (!root) return null;
    for (const l of root.querySelectorAll("label")) {
      if (text(l).trim() === label) {
        const c = l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector("input, select, textarea");
        if (c && (!scope || root.contains(c))) return c;
      }
    }
    return null;
  }

  /** The visible, enabled button or link whose name reads `name` (exactly, trimmed), inside `scope` if given. */
  function action(name, scope) {
    const root = rootOf(scope);
    if (!root) return null;
    return [...root.querySelectorAll("button, a[href]")].find((e) =>
      (e.getAttribute("aria-label") || text(e)).trim() === name && e.getClientRects().length > 0 && !e.disabled)
      || null;
  }

  switch (op) {
    case "control": return control(args[0], args[1]);
    case "action": return action(args[0], args[1]);
    case "option": { // the select labelled args[0] has the option args[1]
      const c = control(args[0], args[2]);
      return !!c && [...c.options].some((o) => o.value === args[1]) && c;
    }
    case "text": // some element matching args[0] whose text contains args[1]
      return [...document.querySelectorAll(args[0])].some((e) => text(e).includes(args[1]));
    case "count":
      return document.querySelectorAll(args[0]).length === args[1];
    case "fieldError": { // the field labelled args[0] is invalid, its last described-by note contains args[1]
      const c = control(args[0], args[2]);
      if (!c || c.getAttribute("aria-invalid") !== "true") return false;
      const ids = (c.getAttribute("aria-describedby") || "").split(/\s+/);
      const note = document.getElementById(ids[ids.length - 1]);
      return !!note && note.textContent.includes(args[1]);
    }
    case "table": { // the table named args[0] (caption or aria-label) has a row args[1] containing args[2]
      const table = [...document.querySelectorAll("table")].find((e) => e.getAttribute("aria-label") === args[0]
        || e.querySelector(":scope > caption")?.textContent.trim() === args[0]);
      return !!table && [...table.querySelectorAll(args[1])].some((e) => text(e).includes(args[2]));
    }
    case "fits": // no table wider than its frame: nothing scrolls sideways at this width
      return [...document.querySelectorAll(".table-wrap")].every((w) => w.scrollWidth <= w.clientWidth + 1);
    default:
      throw new Error(`no probe « ${op} »`);
  }
})
