"""What the RGAA's theme 10 asks that axe-core does not measure, as JavaScript run in the page (Playwright's
``page.evaluate``, through the DevTools protocol, so that the app's CSP stays on): reflow at 320 px (10.11), text at
200 % (10.4), the WCAG 1.4.12 text spacing (10.12), a visible focus on each element Tab reaches (10.7, with the
indicator's contrast against what surrounds it, 3.3) and content shown on hover or focus (10.13, 10.14). Used by
devtools/a11y_walk.py (every role's menu on the dev stack) and by the browser tests
(tests/functional/browser/test_small_screens.py). docs/accessibility.md says what each one covers."""

from __future__ import annotations

# Content wider than the screen: the page scrolls sideways, or an element (but those inside a table's own scrolling
# frame, .table-wrap) reaches past its right edge. Answers the offenders, described.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const offenders = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-wrap, .visually-hidden, .skip, svg') || !el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 0.5 && getComputedStyle(el).position !== 'fixed') {
      offenders.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className
        === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''} right ${Math.round(r.right)}`);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, width,
           offenders: offenders.filter((o, i) => offenders.indexOf(o) === i).slice(0, 8) };
}"""

# Text cut off: an element that hides its overflow (overflow hidden or clip, text-overflow…) whose content is larger
# than its box — the visually hidden texts, the skip link and the table frames (they scroll) apart.
CLIPPED = """() => {
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.visually-hidden, .skip, svg') || !el.getClientRects().length) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // hidden for the eye, kept for screen readers (a card's thead)
    const cs = getComputedStyle(el);
    const hides = (v) => v === 'hidden' || v === 'clip';
    if (!hides(cs.overflowX) && !hides(cs.overflowY)) continue;
    if (!el.textContent.trim()) continue;
    if ((hides(cs.overflowX) && el.scrollWidth > el.clientWidth + 1)
        || (hides(cs.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      clipped.push(`${el.tagName.toLowerCase()}.${String(el.className).trim().split(/\\s+/).join('.')} « ${
        el.textContent.trim().slice(0, 40)} » ${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${
        el.clientHeight}`);
    }
  }
  return clipped.slice(0, 8);
}"""

# WCAG 1.4.12's values, as the W3C's own bookmarklet sets them: a constructed style sheet (adoptedStyleSheets is
# CSSOM, which the CSP's style-src does not govern). Off again with TEXT_SPACING_OFF.
TEXT_SPACING_ON = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('* { line-height: 1.5 !important; letter-spacing: .12em !important; '
    + 'word-spacing: .16em !important; } p { margin-bottom: 2em !important; }');
  window.__textSpacing = sheet;
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return getComputedStyle(document.body).letterSpacing;
}"""
TEXT_SPACING_OFF = """() => {
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== window.__textSpacing);
}"""

# Text only at 200 % (Firefox's « Zoom texte seulement », which RGAA's test 10.4.1 uses): every element's computed
# font size doubled in place, px or rem alike (the body's is in px). Undone by TEXT_200_OFF.
TEXT_200 = """() => {
  const els = [...document.querySelectorAll('body, body *')];
  const sizes = els.map((el) => parseFloat(getComputedStyle(el).fontSize));
  window.__text200 = els.map((el) => [el, el.style.getPropertyValue('font-size'), el.style.getPropertyPriority(
    'font-size')]);
  els.forEach((el, i) => el.style.setProperty('font-size', `${sizes[i] * 2}px`, 'important'));
  return sizes.length;
}"""
TEXT_200_OFF = """() => {
  for (const [el, value, priority] of window.__text200 ?? []) {
    if (value) el.style.setProperty('font-size', value, priority); else el.style.removeProperty('font-size');
  }
  window.__text200 = [];
}"""

# The element Tab has just focused: its outline or box shadow now, remembered in window.__focusWalk with the element
# (FOCUS_UNFOCUSED compares them with the same element unfocused). Answers null when the focus left the document.
FOCUS_NOW = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if ((window.__focusWalk ?? []).some((f) => f.el === el)) return 'seen';
  const cs = getComputedStyle(el);
  const entry = { el, outline: cs.outlineStyle !== 'none' ? `${cs.outlineWidth} ${cs.outlineStyle} ${cs.outlineColor}`
      : 'none', outlineWidth: cs.outlineStyle !== 'none' ? parseFloat(cs.outlineWidth) : 0,
    outlineColor: cs.outlineColor, offset: parseFloat(cs.outlineOffset) || 0, shadow: cs.boxShadow,
    visible: el.matches(':focus-visible'),
    name: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} « ${(el.getAttribute('aria-label')
      || el.textContent || el.name || '').trim().slice(0, 40)} »` };
  (window.__focusWalk ??= []).push(entry);
  return entry.name;
}"""

# Each element the walk focused, unfocused now: which of them showed no indicator (no outline of 2 px at least, and
# no box shadow it did not have unfocused), or one whose colour contrasts less than 3:1 with the background around it
# (RGAA 3.3, WCAG 1.4.11), or one cut off by a parent that hides its overflow.
FOCUS_UNFOCUSED = """() => {
  document.activeElement?.blur();
  const rgb = (c) => (c.match(/[\\d.]+/g) || ['0', '0', '0', '0']).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92
    : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const behind = (el) => { for (let e = el.parentElement; e; e = e.parentElement) { const c = rgb(
    getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
  const faults = [];
  for (const f of window.__focusWalk ?? []) {
    const cs = getComputedStyle(f.el);
    const shadowAdded = f.shadow !== 'none' && f.shadow !== cs.boxShadow;
    const ring = f.outlineWidth >= 2 || shadowAdded;
    if (!f.visible && !ring) continue;  // focused by a click, not by the keyboard: not this walk's business
    if (!ring) { faults.push(`${f.name}: no focus indicator`); continue; }
    if (f.outlineWidth >= 2) {
      const contrast = ratio(rgb(f.outlineColor), behind(f.el));
      if (contrast < 3) faults.push(`${f.name}: outline ${f.outlineColor} at ${contrast.toFixed(2)}:1 on its background`);
    }
    const r = f.el.getBoundingClientRect(), grow = f.outlineWidth + f.offset;
    for (let e = f.el.parentElement; e && e !== document.body; e = e.parentElement) {
      const p = getComputedStyle(e);
      if (!['hidden', 'clip', 'auto', 'scroll'].includes(p.overflowX) && !['hidden', 'clip', 'auto', 'scroll']
        .includes(p.overflowY)) continue;
      const b = e.getBoundingClientRect();
      if (r.left - grow < b.left - 0.5 || r.right + grow > b.right + 0.5 || r.top - grow < b.top - 0.5
          || r.bottom + grow > b.bottom + 0.5) { faults.push(`${f.name}: its outline cut by ${e.tagName.toLowerCase()}.${
            String(e.className).trim().split(/\\s+/).join('.')}`); }
      break;
    }
  }
  const count = (window.__focusWalk ?? []).length;
  window.__focusWalk = [];
  return { count, faults: [...new Set(faults)] };
}"""

# RGAA 10.13 / 10.14: content shown on hover or focus. Every style rule (media queries included) whose selector holds
# :hover and that shows something — display, visibility, opacity, a size, a clip, a position, a content — must have
# its keyboard twin: the same selector with :focus, :focus-visible or :focus-within in some rule (10.14); one that
# does not is a fault. The rules that show something on focus (the skip link) and the browser's own tooltips (`title`:
# the user agent shows them, outside 10.13 as WCAG 1.4.13's exception says) are listed, not judged.
HOVER_FOCUS = """() => {
  const REVEALS = ['display', 'visibility', 'opacity', 'clip', 'clip-path', 'width', 'height', 'max-height',
    'max-width', 'position', 'left', 'top', 'right', 'bottom', 'transform', 'content', 'overflow'];
  const rules = [];
  const walk = (list) => {
    for (const rule of list) {
      if (rule.selectorText !== undefined) rules.push(rule);
      else if (rule.cssRules) walk(rule.cssRules);
    }
  };
  for (const sheet of [...document.styleSheets, ...document.adoptedStyleSheets]) {
    try { walk(sheet.cssRules); } catch (err) { /* another origin's sheet: not the app's */ }
  }
  const selectors = rules.flatMap((r) => r.selectorText.split(',').map((x) => x.trim()));
  const shows = (rule) => REVEALS.some((p) => rule.style.getPropertyValue(p) !== '');
  const faults = [];
  const onFocus = [];
  for (const rule of rules.filter(shows)) {
    for (const sel of rule.selectorText.split(',').map((x) => x.trim())) {
      if (sel.includes(':hover')) {
        const twins = [':focus', ':focus-visible', ':focus-within'].map((f) => sel.replaceAll(':hover', f));
        if (!twins.some((t) => selectors.includes(t))) faults.push(`shown on hover only: ${sel}`);
      } else if (/:focus(-visible|-within)?\\b/.test(sel)) {
        onFocus.push(sel);
      }
    }
  }
  const tooltips = [...document.querySelectorAll('[title]')].filter((el) => el.getAttribute('title').trim()
    && el.getClientRects().length).map((el) => `${el.tagName.toLowerCase()}.${String(el.className).trim()
    .split(/\\s+/).join('.')} « ${el.getAttribute('title').slice(0, 40)} »`);
  return { faults: [...new Set(faults)], on_focus: [...new Set(onFocus)],
           tooltips: tooltips.filter((t, i) => tooltips.indexOf(t) === i).slice(0, 8) };
}"""


def focus_walk(page, limit: int = 80) -> dict:
    """Tab from where the screen put the focus (its <h1>) through its content and footer, out of the page and in
    again from the top (« Aller au contenu », the header), until an element comes round a second time or ``limit``
    presses; then each element's indicator judged (FOCUS_UNFOCUSED): {"count", "faults"}."""
    page.evaluate("() => { window.__focusWalk = []; }")
    outside = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(FOCUS_NOW)
        if name == "seen":
            break
        if name is None:
            outside += 1
            if outside > 1:
                break
    return page.evaluate(FOCUS_UNFOCUSED)


def theme_10(page, screen: str) -> dict:
    """The four probes on the screen now shown, which is left as it was found (viewport, styles, focus on its
    <h1>): {"focus", "text_spacing", "text_200", "reflow_320", "hover_only"}, each with what failed (empty lists
    when nothing; "hover_only": what CSS shows on hover and not on focus, HOVER_FOCUS).
    At the viewport's own width but for reflow (320 × 640 then back)."""
    size = page.viewport_size
    found = {"focus": focus_walk(page)["faults"], "hover_only": page.evaluate(HOVER_FOCUS)["faults"]}
    page.evaluate(TEXT_SPACING_ON)
    found["text_spacing"] = _layout(page)
    page.evaluate(TEXT_SPACING_OFF)
    page.evaluate(TEXT_200)
    found["text_200"] = _layout(page)
    page.evaluate(TEXT_200_OFF)
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_timeout(150)
    found["reflow_320"] = _layout(page)
    page.set_viewport_size(size)
    page.evaluate("() => document.querySelector('main h1')?.focus({preventScroll: true})")
    return found


def _layout(page) -> list[str]:
    """What the layout now cuts off or pushes past the screen's right edge."""
    page.wait_for_timeout(50)
    overflow = page.evaluate(OVERFLOW)
    wide = ([f"the page scrolls sideways: {overflow['scrollWidth']} px for {overflow['width']}"]
            if overflow["scrollWidth"] > overflow["width"] else [])
    return wide + [f"past the edge: {o}" for o in overflow["offenders"]] + [
        f"cut off: {c}" for c in page.evaluate(CLIPPED)]
