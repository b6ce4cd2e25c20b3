// The manager's imports from the web app (A7 property tree, A14 service-code catalogue): the file read as the
// platform reads it, its refusals placed at their lines, the request sent, and the summary once done.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CATALOGUE_COLUMNS, CATALOGUE_TEMPLATE, PREVIEW_ROWS, TREE_COLUMNS, TREE_TEMPLATE, catalogueRequest, catalogueSummary,
  catalogueSummaryText, csvRecords, decodeFile, fileFormat, noAnswerText, placeImportErrors, priceCents,
  readImportFile, refusalText, rowsToShow, treeRequest, treeSummary, treeSummaryText,
} from "../../web/import_logic.mjs";
import { allNodes } from "../../web/coverage_logic.mjs";
import { isoToFrenchDate } from "../../web/logic.mjs";

const bytes = (text) => new TextEncoder().encode(text);
const CSV = "code;label;unit;unit_price;vat_rate\nPLB-010;Recherche de fuite;U;85,00;10\n\n"
  + 'PLB-024;"Siphon ""PVC""\nlong";U;quarante;10\n';

test("a French CSV is numbered as the platform numbers it: header 1, blank lines counted, a row where it ends", () => {
  assert.deepEqual(csvRecords("a;b\r\n1;2\r\n\r\n\"x\ny\";3\n4;5"), [
    { line: 1, cells: ["a", "b"] }, { line: 2, cells: ["1", "2"] }, { line: 5, cells: ["x\ny", "3"] },
    { line: 6, cells: ["4", "5"] }]);
  const read = readImportFile("csv", CSV, "items");
  assert.deepEqual(read.errors, []);
  assert.deepEqual(read.rows.map((r) => r.line), [2, 5]);
  assert.equal(read.rows[1].cells.label, 'Siphon "PVC"\nlong');
  assert.equal(read.rows[1].cells.unit_price, "quarante");
});

test("a file that is not UTF-8, JSON that is not JSON, a file without rows: told before anything is sent", () => {
  assert.equal(decodeFile(bytes("\ufeffcode;label\n")).text, "code;label\n");  // the BOM the template carries
  assert.match(decodeFile(new Uint8Array([0x63, 0xe9, 0x0a])).errors[0].message, /UTF-8/);  // « é » in Windows-1252
  assert.match(readImportFile("json", "{items: [", "items").errors[0].message, /illisible/);
  assert.match(readImportFile("json", '{"items": []}', "items").errors[0].message, /liste « items »/);
  assert.match(readImportFile("csv", "code;label\n", "items").errors[0].message, /aucune ligne/);
  assert.equal(fileFormat("bordereau.JSON", ""), "json");
  assert.equal(fileFormat("export", '  {"nodes": []}'), "json");
  assert.equal(fileFormat("export.txt", "node_id;kind"), "csv");
});

test("the templates are read without error, with the columns the functions take", () => {
  const cat = readImportFile("csv", decodeFile(bytes(CATALOGUE_TEMPLATE)).text, "items");
  assert.deepEqual(cat.header, CATALOGUE_COLUMNS.map((c) => c.name));
  assert.equal(cat.rows.length, 2);
  const tree = readImportFile("csv", decodeFile(bytes(TREE_TEMPLATE)).text, "nodes");
  assert.deepEqual(tree.header, TREE_COLUMNS.map((c) => c.name));
  assert.deepEqual(tree.rows.map((r) => r.cells.parent_id), ["", "LYON", "LYON-BAT-A"]);
  // A7: the kinds in French, as a manager writes them (the platform stores the codes)
  assert.deepEqual(tree.rows.map((r) => r.cells.kind), ["site", "bâtiment", "logement"]);
});

test("a JSON file's items are numbered from 1, as the platform names them", () => {
  const read = readImportFile("json", JSON.stringify({ nodes: [{ node_id: "LYON", kind: "site", label: "R", commune: null },
    { node_id: "A", kind: "building", parent_id: "LYON", label: "Bâtiment A" }] }), "nodes");
  assert.deepEqual(read.rows.map((r) => [r.line, r.cells.node_id, r.cells.commune ?? ""]), [[1, "LYON", ""], [2, "A", ""]]);
  assert.equal(readImportFile("json", '[{"code": "X"}]', "items").rows.length, 1);  // a bare array too
});

test("the platform's refusal is placed at its line and column in French, the rest above, nothing hidden", () => {
  const problem = { errors: [
    { field: "line 5.unit_price", code: "INVALID_FORMAT", message: "Format invalide : montant en euros attendu, ex. 85,00." },
    { field: "line 5.vat_rate", code: "INVALID_VALUE", message: "Valeur invalide : taux de TVA." },
    { field: "line 1", code: "INVALID_FORMAT", message: "Format invalide : colonnes manquantes : unit." },
    { field: "$.valid_from", code: "OUT_OF_RANGE", message: "Valeur hors limites : après le 2026-01-01." },
    { field: "$", code: "REQUIRED", message: "Champ obligatoire manquant." }] };
  const { byLine, general } = placeImportErrors(problem, CATALOGUE_COLUMNS);
  assert.deepEqual(byLine.get(5), [
    { column: "unit_price", message: "Prix unitaire HT (€) : Format invalide : montant en euros attendu, ex. 85,00." },
    { column: "vat_rate", message: "TVA (%) : Valeur invalide : taux de TVA." }]);
  assert.deepEqual(general, [
    { field: "file", message: "En-tête du fichier (ligne 1) : Format invalide : colonnes manquantes : unit." },
    { field: "$.valid_from", message: "Valeur hors limites : après le 2026-01-01." },
    { field: "$", message: "Fichier : Champ obligatoire manquant." }]);
  assert.equal(refusalText(byLine, general), "1 ligne refusée (voir ci-dessous). Rien n'a été enregistré : corrigez le fichier et envoyez-le de nouveau.");
  assert.deepEqual(placeImportErrors({ detail: "Accès refusé." }, CATALOGUE_COLUMNS).general, [{ field: "$", message: "Accès refusé." }]);
});

test("before sending the first lines are shown; after a refusal, the refused lines with their errors", () => {
  const rows = Array.from({ length: 25 }, (_, i) => ({ line: i + 2, cells: { code: `C${i}` } }));
  const before = rowsToShow({ rows });
  assert.equal(before.rows.length, PREVIEW_ROWS);
  assert.equal(before.hidden, 25 - PREVIEW_ROWS);
  const refused = rowsToShow({ rows }, new Map([[7, [{ column: "code", message: "x" }]], [3, [{ column: null, message: "y" }]]]));
  assert.deepEqual(refused.rows.map((r) => [r.line, r.cells.code, r.errors.length]), [[3, "C1", 1], [7, "C5", 1]]);
  assert.equal(refused.hidden, 0);
});

test("A14: a CSV is sent as it is with the contract and the dates in the query; a JSON's items in the body", () => {
  const read = readImportFile("csv", CSV, "items");
  const built = catalogueRequest({ contractId: "AC-1", validFrom: "01/07/2026", reviewedOn: "15/06/2026", read,
    bytesDigest: "abc" });
  assert.deepEqual(built.request, { csv: true, query: "contract_id=AC-1&valid_from=2026-07-01&reviewed_on=2026-06-15" });
  assert.deepEqual(built.content, { contract_id: "AC-1", valid_from: "2026-07-01", reviewed_on: "2026-06-15", format: "csv",
    file: "abc" });
  const items = [{ code: "X", label: "L", unit: "U", unit_price: "1,00", vat_rate: "20" }];
  const json = catalogueRequest({ contractId: "AC-1", validFrom: "2026-07-01", reviewedOn: "15/06/2026",
    read: readImportFile("json", JSON.stringify({ contract_id: "AC-1", items }), "items"), bytesDigest: "d" });
  assert.deepEqual(json.request.json, { contract_id: "AC-1", valid_from: "2026-07-01", reviewed_on: "2026-06-15", items });
  // another file's contract, missing dates and no file: said at their fields, nothing sent
  const other = catalogueRequest({ contractId: "AC-1", validFrom: "", reviewedOn: "31/02/2026",
    read: readImportFile("json", JSON.stringify({ contract_id: "AC-9", items }), "items") });
  assert.deepEqual(other.errors.map((e) => [e.field, e.message]), [
    ["$.valid_from", "Indiquez la date d'application."], ["$.reviewed_on", "Date au format jj/mm/aaaa."],
    ["file", "Ce fichier concerne le marché « AC-9 », pas « AC-1 »."]]);
  assert.equal(catalogueRequest({ contractId: "AC-1", validFrom: "01/07/2026", reviewedOn: "01/07/2026", read: null })
    .errors[0].message, "Choisissez le fichier du catalogue (CSV ou JSON).");
});

test("A14: prices are read as the platform reads them", () => {
  assert.equal(priceCents("85,00"), 8500);
  assert.equal(priceCents("1 234,5"), 123450);
  assert.equal(priceCents("42.10"), 4210);
  assert.equal(priceCents("42,100"), 4210);
  assert.equal(priceCents("42,105"), null);
  assert.equal(priceCents("quarante"), null);
});

test("A14: the summary counts the codes created, changed and unchanged against the previous version", () => {
  const read = readImportFile("csv", "code;label;unit;unit_price;vat_rate\nA;Fuite;U;85,00;10\nB;Siphon;U;45,00;10\n"
    + "C;Colonne;ML;12,00;20\n", "items");
  const previous = { version: 1, items: {
    A: { code: "A", label: "Fuite", unit: "U", unit_price_cents: 8500, vat_rate: "10.0" },
    B: { code: "B", label: "Siphon", unit: "U", unit_price_cents: 4200, vat_rate: "10" },
    Z: { code: "Z", label: "Ancien", unit: "U", unit_price_cents: 100, vat_rate: "20" } } };
  const summary = catalogueSummary({ version: 2, valid_from: "2026-07-01", items: 3 }, read, previous);
  assert.deepEqual(summary, { version: 2, validFrom: "2026-07-01", items: 3, previous: 1, created: 1, changed: 1,
    unchanged: 1, removed: 1 });
  assert.equal(catalogueSummaryText(summary, isoToFrenchDate),
    "Version 2 du catalogue importée, applicable à partir du 01/07/2026 : 3 codes — 1 créé, 1 modifié, 1 inchangé "
    + "(par rapport à la version 1) ; 1 code de la version 1 n'y figure plus. Le prestataire en est informé.");
  const first = catalogueSummary({ version: 1, valid_from: "2026-01-01", items: 3 }, read, null);
  assert.equal(catalogueSummaryText(first, isoToFrenchDate),
    "Version 1 du catalogue importée, applicable à partir du 01/01/2026 : 3 codes — 3 créés, 0 modifié, 0 inchangé. "
    + "Le prestataire en est informé.");
});

test("A7: a CSV is sent as it is with its mode; a JSON's nodes with the mode chosen", () => {
  const read = readImportFile("csv", decodeFile(bytes(TREE_TEMPLATE)).text, "nodes");
  assert.deepEqual(treeRequest({ mode: "merge", read, bytesDigest: "d" }),
    { content: { mode: "merge", format: "csv", file: "d" }, request: { csv: true, query: "mode=merge" } });
  const nodes = [{ node_id: "LYON", kind: "site", label: "R" }];
  assert.deepEqual(treeRequest({ mode: "replace", read: readImportFile("json", JSON.stringify({ nodes, mode: "merge" }), "nodes"),
    bytesDigest: "d" }).request, { json: { nodes, mode: "replace" } });
  assert.deepEqual(treeRequest({ mode: "autre", read: null }).errors.map((e) => e.field), ["$.mode", "file"]);
});

test("A7: the summary tells created from changed by the tree read before, the unchanged and the retired", () => {
  const read = readImportFile("csv", decodeFile(bytes(TREE_TEMPLATE)).text, "nodes");
  const answer = { changed: true, nodes_in_file: 3, written_now: 2, retired_now: 1, tree_nodes: 3, resumed: false };
  const known = new Set(["LYON", "LYON-BAT-A", "OLD"]);
  assert.deepEqual(treeSummary(answer, read, known), { inFile: 3, written: 2, created: 1, changed: 1, unchanged: 1,
    retired: 1, treeNodes: 3, resumed: false });
  assert.equal(treeSummaryText(treeSummary(answer, read, known)),
    "Patrimoine importé : 3 éléments dans le fichier — 1 créé, 1 modifié, 1 inchangé ; 1 retiré. "
    + "Le patrimoine compte 3 éléments actifs.");
  // the same file again: nothing written; the tree unread: created and changed together
  assert.equal(treeSummaryText(treeSummary({ ...answer, changed: false, written_now: 0 }, read, known)),
    "Patrimoine importé : 3 éléments dans le fichier — 0 créé, 0 modifié, 3 inchangés ; 0 retiré. "
    + "Le patrimoine compte 3 éléments actifs.");
  assert.match(treeSummaryText(treeSummary(answer, read, null)), /2 créés ou modifiés, 1 inchangé/);
});

test("A7: every node of the tree is read before an import, retired ones included", async () => {
  const tree = [{ node_id: "A", status: "active" }, { node_id: "B", status: "retired" }, { node_id: "C", status: "active" }];
  const call = async (_name, { query }) => {
    const after = new URLSearchParams(query).get("after");
    const rest = tree.slice(after ? tree.findIndex((n) => n.node_id === after) + 1 : 0);
    return { tree_in_force: true, nodes: rest.slice(0, 2), more: rest.length > 2, next_cursor: rest[1]?.node_id ?? null };
  };
  const all = await allNodes(call, { pageSize: 2 });
  assert.deepEqual(all.rows.map((n) => n.node_id), ["A", "B", "C"]);
  assert.equal(all.complete, true);
});

test("no answer, a 5xx or an import in progress: sent again as the same request; a refusal is not", () => {
  assert.match(noAnswerText(undefined), /pas répondu/);
  assert.match(noAnswerText(503), /ne sera pas enregistré deux fois/);
  assert.match(noAnswerText(409), /déjà en cours/);
  assert.equal(noAnswerText(422), null);
});
