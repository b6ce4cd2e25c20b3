// Every file picker speaks French whatever the browser's language (ui.mjs filePicker): what it says beside its
// button (fileChosenText), and that each screen with a file input uses that one helper, never a bare
// <input type=file> (« Choose File / No file chosen » in an English browser) nor a copy of it.
//   node --test tests/web/
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

import { NO_FILE_CHOSEN, fileChosenText } from "../../web/logic.mjs";

test("beside the button: the chosen file's name, how many when several, « Aucun fichier choisi » before any", () => {
  assert.equal(NO_FILE_CHOSEN, "Aucun fichier choisi");
  assert.equal(fileChosenText(null), "Aucun fichier choisi");
  assert.equal(fileChosenText([]), "Aucun fichier choisi");
  assert.equal(fileChosenText([{ name: "rapport-BC-1.pdf" }]), "rapport-BC-1.pdf");
  assert.equal(fileChosenText([{ name: "a.pdf" }, { name: "b.pdf" }]), "2 fichiers choisis");
});

test("each screen's file input goes through filePicker, the app's one French file picker", () => {
  const web = new URL("../../web/", import.meta.url);
  const modules = readdirSync(web).filter((n) => n.endsWith(".mjs"));
  const withFiles = modules.filter((n) => /type: "file"/.test(readFileSync(new URL(n, web), "utf8")));
  assert.deepEqual(withFiles.sort(), ["imports.mjs", "orders.mjs"]);
  for (const name of withFiles) {
    const source = readFileSync(new URL(name, web), "utf8");
    assert.equal((source.match(/type: "file"/g) ?? []).length, (source.match(/\bfilePicker\(/g) ?? []).length, name);
  }
  // one helper: no other module builds its own twin
  const twins = modules.filter((n) => n !== "ui.mjs" && /file-proxy|file-native/.test(readFileSync(new URL(n, web), "utf8")));
  assert.deepEqual(twins, []);
});
