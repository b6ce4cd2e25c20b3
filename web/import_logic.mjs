// Pure logic of the manager's imports from the web app: a contract's catalogue (A14 service-code catalogue,
// import_catalogue) on its contract screen, the property tree (A7 property tree, import_property_tree) on the
// « Patrimoine » screen. The file is read here only to show it and to place the platform's refusals next to its
// lines; what is sent is the file itself (a French CSV, as the functions take it) or its JSON. No DOM, no network —
// tested with `node --test tests/web/` (tests/web/imports.test.mjs).
import { parseFrenchDate, plural } from "./logic.mjs";

// The columns of each import, as the functions read them (shared/domain/catalogue.py COLUMNS,
// shared/domain/property_tree.py), with the French name a person reads.
export const CATALOGUE_COLUMNS = Object.freeze([
  { name: "code", label: "Code" }, { name: "label", label: "Libellé" }, { name: "unit", label: "Unité" },
  { name: "unit_price", label: "Prix unitaire HT (€)" }, { name: "vat_rate", label: "TVA (%)" },
]);
export const TREE_COLUMNS = Object.freeze([
  { name: "node_id", label: "Identifiant" }, { name: "kind", label: "Type" }, { name: "parent_id", label: "Parent" },
  { name: "label", label: "Libellé" }, { name: "commune", label: "Commune (INSEE)" },
]);

// The template each form offers to download: the header and rows of the documented examples
// (docs/exchange-perimeter.md), UTF-8 with a BOM so that a spreadsheet opens it as UTF-8.
export const CATALOGUE_TEMPLATE = "\ufeffcode;label;unit;unit_price;vat_rate\r\n"
  + "PLB-010;Recherche de fuite;U;85,00;10\r\nPLB-024;Remplacement siphon;U;42,00;10\r\n";
// The tree's kinds in French, as a manager writes them (the platform takes them beside the codes: A7 property tree,
// shared/domain/property_tree.py FRENCH_NAMES).
export const TREE_TEMPLATE = "\ufeffnode_id;kind;parent_id;label;commune\r\n"
  + "LYON;site;;Résidence Les Tilleuls;69383\r\nLYON-BAT-A;bâtiment;LYON;Bâtiment A;\r\n"
  + "LYON-BAT-A-LOG-12;logement;LYON-BAT-A;Logement 12;\r\n";

export const PREVIEW_ROWS = 10;  // lines shown before sending
export const REFUSED_ROWS = 200;  // refused lines shown at most (the others counted)

// The file's bytes as text, or why it cannot be read: the platform reads UTF-8 only (with or without BOM), so a
// file saved as « CSV (séparateur : point-virgule) » in Windows-1252 is told here, before anything is sent.
export function decodeFile(bytes) {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.replace(/^\ufeff/, "") };
  } catch {
    return { errors: [{ field: "file", message: "Le fichier n'est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 » puis choisissez-le de nouveau." }] };
  }
}

// "csv" or "json": by the file's name, else by its first character.
export function fileFormat(name, text) {
  if (/\.json$/i.test(name ?? "")) return "json";
  if (/\.csv$/i.test(name ?? "")) return "csv";
  return /^\s*[[{]/.test(text ?? "") ? "json" : "csv";
}

// A French CSV (`;`, quotes doubled inside quoted cells) → records, each with the line it ends on, counted as the
// platform counts (the header is line 1; a quoted cell over several lines counts where its row ends; blank lines
// are skipped but counted) — Python's csv.reader line_num.
export function csvRecords(text) {
  const records = [];
  let cells = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let touched = false;
  const endRow = () => {
    cells.push(cell);
    if (touched) records.push({ line, cells });
    cells = [];
    cell = "";
    touched = false;
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false;
      else { if (c === "\n") line += 1; cell += c; }
    } else if (c === '"') { quoted = true; touched = true; } else if (c === ";") { cells.push(cell); cell = ""; touched = true; } else if (c === "\r" || c === "\n") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      endRow();
      line += 1;
    } else { cell += c; touched = true; }
  }
  if (touched || cell) endRow();
  return records;
}

// The file as rows to show: { format, header, rows: [{ line, cells: {column: text} }], errors } — `errors` what
// prevents sending at all (nothing to read, JSON that is not JSON), said in French. Lines are numbered as the
// platform numbers them: a CSV's by its lines (header 1), a JSON's items from 1. `listKey`: the JSON's list
// ("items" for a catalogue, "nodes" for a tree); a bare array is taken too.
export function readImportFile(format, text, listKey) {
  if (format === "json") {
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      return { format, header: [], rows: [], errors: [{ field: "file", message: "Le fichier JSON est illisible : vérifiez sa syntaxe (virgules, guillemets, crochets)." }] };
    }
    const list = Array.isArray(data) ? data : data?.[listKey];
    if (!Array.isArray(list) || !list.length || !list.every((r) => r && typeof r === "object" && !Array.isArray(r))) {
      return { format, header: [], rows: [], errors: [{ field: "file", message: `Le fichier JSON doit contenir une liste « ${listKey} » d'objets, non vide.` }] };
    }
    const header = [...new Set(list.flatMap((r) => Object.keys(r)))];
    const rows = list.map((r, i) => ({ line: i + 1, cells: Object.fromEntries(Object.entries(r).map(([k, v]) =>
      [k, v === null || v === undefined ? "" : String(v)])) }));
    return { format, header, rows, data, errors: [] };
  }
  const [head, ...body] = csvRecords(text);
  if (!head || !body.length) {
    return { format, header: head?.cells ?? [], rows: [], errors: [{ field: "file", message: "Le fichier ne contient aucune ligne après son en-tête." }] };
  }
  const header = head.cells.map((c) => c.trim());
  const rows = body.map((r) => ({ line: r.line, cells: Object.fromEntries(header.map((name, i) => [name, r.cells[i] ?? ""])) }));
  return { format, header, rows, errors: [] };
}

// The platform's refusal placed: `line <n>.<column>` at its line (and column), the rest — the file as a whole
// (`$`, `line 1`: its header), the form's own fields — above. `labels` gives each column's French name.
// → { byLine: Map(line → [{ column, message }]), general: [{ field, message }] }
export function placeImportErrors(problem, columns) {
  const errors = Array.isArray(problem) ? problem : (problem?.errors ?? []);
  const label = new Map(columns.map((c) => [c.name, c.label]));
  const byLine = new Map();
  const general = [];
  for (const error of errors) {
    const message = error.message || error.code;
    const match = /^line (\d+)(?:\.(.+))?$/.exec(error.field ?? "");
    if (match && Number(match[1]) > 1) {
      const line = Number(match[1]);
      const column = match[2] ?? null;
      if (!byLine.has(line)) byLine.set(line, []);
      byLine.get(line).push({ column, message: column ? `${label.get(column) ?? column} : ${message}` : message });
    } else if (match) {
      general.push({ field: "file", message: `En-tête du fichier (ligne 1) : ${message}` });
    } else {
      general.push({ field: error.field, message: error.field === "$" ? `Fichier : ${message}` : message });
    }
  }
  if (!errors.length && problem?.detail) general.push({ field: "$", message: problem.detail });
  return { byLine, general };
}

// The lines to show: before sending, the first PREVIEW_ROWS; after a refusal, the refused ones (at most
// REFUSED_ROWS), each with its errors, and those of a line the file does not hold (a JSON item beyond the list).
// → { rows: [{ line, cells, errors }], hidden }: `hidden` the lines not shown.
export function rowsToShow(read, byLine = new Map()) {
  if (!byLine.size) {
    return { rows: read.rows.slice(0, PREVIEW_ROWS).map((r) => ({ ...r, errors: [] })),
      hidden: Math.max(0, read.rows.length - PREVIEW_ROWS) };
  }
  const known = new Map(read.rows.map((r) => [r.line, r]));
  const lines = [...byLine.keys()].sort((a, b) => a - b);
  const rows = lines.slice(0, REFUSED_ROWS).map((line) => ({ line, cells: known.get(line)?.cells ?? {},
    errors: byLine.get(line) }));
  return { rows, hidden: Math.max(0, lines.length - REFUSED_ROWS) };
}

// Under the lines shown, those left out: « … et 1 autre ligne refusée. », « … et 12 autres lignes, envoyées avec
// celles-ci. » (before sending: they go with the ones shown).
export function hiddenRowsText(hidden, refused) {
  if (!hidden) return "";
  return refused ? `… et ${plural(hidden, "autre ligne refusée", "autres lignes refusées")}.`
    : `… et ${plural(hidden, "autre ligne", "autres lignes")}, ${hidden >= 2 ? "envoyées" : "envoyée"} avec celles-ci.`;
}

// What the refusal says above the lines: how many lines, and that nothing was recorded.
export function refusalText(byLine, general) {
  const n = byLine.size;
  if (!n && !general.length) return null;
  const lines = n ? `${plural(n, "ligne refusée", "lignes refusées")} (voir ci-dessous). ` : "";
  return `${lines}Rien n'a été enregistré : corrigez le fichier et envoyez-le de nouveau.`;
}

// No answer, a 5xx, or the same import still on its way (409): the import may have been recorded, so the same
// file is sent again as the same request (its Idempotency-Key kept), never recorded twice; null for a refusal.
export function noAnswerText(status) {
  if (status === 409) return "Cet import est déjà en cours : attendez quelques secondes puis cliquez de nouveau ; il ne sera pas enregistré deux fois.";
  if (!status || status >= 500) return "Le service n'a pas répondu : cliquez de nouveau pour renvoyer le même fichier ; il ne sera pas enregistré deux fois.";
  return null;
}

// --- the catalogue (A14) ---

// The request of a catalogue import, or the errors to fix before sending (each at its field).
// → { request: { query, csv } | { json } , content } | { errors }
export function catalogueRequest({ contractId, validFrom, reviewedOn, read, bytesDigest }) {
  const errors = [];
  const from = parseFrenchDate(validFrom);
  const reviewed = parseFrenchDate(reviewedOn);
  if (!from) errors.push({ field: "$.valid_from", message: validFrom?.trim() ? "Date au format jj/mm/aaaa." : "Indiquez la date d'application." });
  if (!reviewed) errors.push({ field: "$.reviewed_on", message: reviewedOn?.trim() ? "Date au format jj/mm/aaaa." : "Indiquez la date de revue." });
  if (!read) errors.push({ field: "file", message: "Choisissez le fichier du catalogue (CSV ou JSON)." });
  else errors.push(...read.errors);
  if (read?.format === "json" && read.data && !Array.isArray(read.data) && read.data.contract_id
      && read.data.contract_id !== contractId) {
    errors.push({ field: "file", message: `Ce fichier concerne le marché « ${read.data.contract_id} », pas « ${contractId} ».` });
  }
  if (errors.length) return { errors };
  const content = { contract_id: contractId, valid_from: from, reviewed_on: reviewed, format: read.format, file: bytesDigest };
  if (read.format === "csv") {
    return { content, request: { query: new URLSearchParams({ contract_id: contractId, valid_from: from, reviewed_on: reviewed }).toString(), csv: true } };
  }
  const items = Array.isArray(read.data) ? read.data : read.data.items;
  return { content, request: { json: { contract_id: contractId, valid_from: from, reviewed_on: reviewed, items } } };
}

// "85,00", "1 234,5", "85.00" → cents, as the platform reads a price (shared/domain/catalogue.py _cents); else null.
export function priceCents(text) {
  const clean = String(text ?? "").replace(/[\u00a0\u202f ]/g, "").replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(clean)) return null;
  const [units, decimals = ""] = clean.split(".");
  if (decimals.replace(/0+$/, "").length > 2) return null;
  return Number(units) * 100 + Number((decimals + "00").slice(0, 2));
}

function sameItem(row, item) {
  const vat = (v) => Number(String(v ?? "").replace(",", "."));
  return String(row.label ?? "").trim() === item.label && String(row.unit ?? "").trim() === item.unit
    && priceCents(row.unit_price) === item.unit_price_cents && vat(row.vat_rate) === vat(item.vat_rate);
}

// After a success: the codes of the new version compared with the previous one (`previous`: its version number and
// items by code, or null when there was none) — created, changed (label, unit, price or VAT), unchanged, and the
// previous codes the new version no longer holds.
export function catalogueSummary(answer, read, previous) {
  const before = previous?.items ?? {};
  const counts = { created: 0, changed: 0, unchanged: 0, removed: 0 };
  const codes = new Set();
  for (const { cells } of read.rows) {
    const code = String(cells.code ?? "").trim();
    codes.add(code);
    if (!(code in before)) counts.created += 1;
    else if (sameItem(cells, before[code])) counts.unchanged += 1;
    else counts.changed += 1;
  }
  counts.removed = Object.keys(before).filter((code) => !codes.has(code)).length;
  return { version: answer.version, validFrom: answer.valid_from, items: answer.items, previous: previous?.version ?? null,
    ...counts };
}

export function catalogueSummaryText(s, frenchDate) {
  const against = s.previous ? ` (par rapport à la version ${s.previous})` : "";
  const removed = s.removed ? ` ; ${plural(s.removed, "code")} de la version ${s.previous} n'y figure${s.removed > 1 ? "nt" : ""} plus` : "";
  return `Version ${s.version} du catalogue importée, applicable à partir du ${frenchDate(s.validFrom)} : `
    + `${plural(s.items, "code")} — ${plural(s.created, "créé")}, ${plural(s.changed, "modifié")}, `
    + `${plural(s.unchanged, "inchangé")}${against}${removed}. Le prestataire en est informé.`;
}

// --- the property tree (A7) ---

export const TREE_MODES = Object.freeze([
  { value: "replace", label: "Arbre complet" },
  { value: "merge", label: "Ajouts et modifications" },
]);

// The request of a tree import, or the errors to fix before sending.
export function treeRequest({ mode, read, bytesDigest }) {
  const errors = [];
  if (!TREE_MODES.some((m) => m.value === mode)) errors.push({ field: "$.mode", message: "Choisissez le mode d'import." });
  if (!read) errors.push({ field: "file", message: "Choisissez le fichier du patrimoine (CSV ou JSON)." });
  else errors.push(...read.errors);
  if (errors.length) return { errors };
  const content = { mode, format: read.format, file: bytesDigest };
  if (read.format === "csv") return { content, request: { query: new URLSearchParams({ mode }).toString(), csv: true } };
  const nodes = Array.isArray(read.data) ? read.data : read.data.nodes;
  return { content, request: { json: { nodes, mode } } };
}

// After a success: the file's nodes created (unknown to the tree before: `knownIds`, every node read before the
// import, retired ones included, or null when it could not be read), changed and unchanged — the platform writes
// only the new or changed ones (`written_now`) —, and the nodes retired.
export function treeSummary(answer, read, knownIds) {
  const inFile = answer.nodes_in_file ?? read.rows.length;
  const written = answer.changed ? (answer.written_now ?? 0) : 0;
  const fresh = knownIds ? read.rows.filter((r) => !knownIds.has(String(r.cells.node_id ?? "").trim())).length : null;
  const created = fresh === null ? null : Math.min(fresh, written);
  return { inFile, written, created, changed: created === null ? null : written - created, unchanged: inFile - written,
    retired: answer.changed ? (answer.retired_now ?? 0) : 0, treeNodes: answer.tree_nodes ?? null,
    resumed: Boolean(answer.resumed) };
}

export function treeSummaryText(s) {
  const written = s.created === null ? `${plural(s.written, "créé ou modifié", "créés ou modifiés")}`
    : `${plural(s.created, "créé")}, ${plural(s.changed, "modifié")}`;
  const total = s.treeNodes === null ? "" : ` Le patrimoine compte ${plural(s.treeNodes, "élément actif", "éléments actifs")}.`;
  const resumed = s.resumed ? " (import interrompu repris)" : "";
  return `Patrimoine importé${resumed} : ${plural(s.inFile, "élément")} dans le fichier — ${written}, `
    + `${plural(s.unchanged, "inchangé")} ; ${plural(s.retired, "retiré")}.${total}`;
}
