// Every column of a table the screens draw has a header that says something (axe-core's `empty-table-header`,
// RGAA 5.6): a column of buttons is « Action », not "". Read from the screens' `table([...], …)` calls (web/ui.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

const WEB = new URL("../../web/", import.meta.url);
const HEADERS = /\btable\(\s*\[([^\]]*)\]/g;

test("no table column of any screen has an empty header", () => {
  const calls = readdirSync(WEB).filter((f) => /\.(m?js)$/.test(f))
    .flatMap((f) => [...readFileSync(new URL(f, WEB), "utf8").matchAll(HEADERS)].map((m) => ({ f, headers: m[1] })));
  assert.ok(calls.length > 10, "the screens' table([...]) calls are found");
  const empty = calls.filter(({ headers }) => /(^|,)\s*(""|''|``)\s*(,|$)/.test(headers)).map(({ f, headers }) => `${f}: ${headers}`);
  assert.deepEqual(empty, []);
});
