// B18 territories on the contracts and accounts screens: a contract's versions and its review's default day, a
// party's accounts and the account requests read on the clock their answer names (get_contract's, list_accounts'
// and the request rows' time_zone), with the order screen's note.
//   node --test tests/web/   (the results do not depend on the machine's zone: TZ=UTC gives the same)
import assert from "node:assert/strict";
import { test } from "node:test";

import { accountRequestOutcome, accountRowView, allAccounts } from "../../web/accounts_logic.mjs";
import { formatDateTime, orderZone, rowTimeText, screenClockNote, todayFrenchIn } from "../../web/logic.mjs";

const WINTER = new Date("2026-12-09T12:00:00Z");
const MARTINIQUE = { territory: "972", time_zone: "America/Martinique", time_zone_label: "Heures de la Martinique" };
const REUNION = { territory: "974", time_zone: "Indian/Reunion", time_zone_label: "Heures de La Réunion" };
const PARIS = { territory: "69", time_zone: "Europe/Paris", time_zone_label: "Heures de Paris" };

test("a contract over La Réunion offers its own today as the review's day, the day the platform accepts", () => {
  // 26 June 2026, 01:30 in La Réunion: still 25 June, 23:30 in Paris (and 21:30 UTC)
  const instant = new Date("2026-06-25T21:30:00Z");
  assert.equal(todayFrenchIn(orderZone(REUNION), instant), "26/06/2026");
  assert.equal(todayFrenchIn(orderZone(PARIS), instant), "25/06/2026");
  // a contract whose answer could not be read, or names no clock: Paris's
  assert.equal(todayFrenchIn(orderZone({}), instant), "25/06/2026");
  assert.equal(todayFrenchIn(undefined, new Date("2026-06-25T22:30:00Z")), "26/06/2026");  // 00:30 in Paris
});

test("a contract over La Réunion names its clock once and shows its versions' times there", () => {
  assert.equal(screenClockNote(REUNION, "contract", WINTER), "Heures de La Réunion (UTC+4) : les heures des versions "
    + "sont affichées à l'heure du territoire du marché, où court son délai D2 ; la date de revue proposée et les dates "
    + "d'effet des pénalités sont des jours de ce territoire.");
  assert.equal(formatDateTime("2026-12-09T12:00:00+00:00", orderZone(REUNION)), "09/12/2026 16:00");
  assert.equal(screenClockNote(PARIS, "contract", WINTER), null);
});

test("a party's accounts carry the clock of its territory, read from the first page, and rows show it", async () => {
  const call = async (name, { query }) => (new URLSearchParams(query).get("after")
    ? { ...MARTINIQUE, accounts: [{ uid: "u2" }], next_cursor: null }
    : { ...MARTINIQUE, accounts: [{ uid: "u1" }], next_cursor: "u1" });
  const read = await allAccounts(call, "mgr-mq");
  assert.deepEqual([read.rows.map((a) => a.uid), read.clock], [["u1", "u2"], MARTINIQUE]);
  // A row created and disabled at 12:00 UTC reads 08:00 in Martinique, and the page's note names the clock once
  const row = { uid: "u1", email: "lea@habitat.mq", rights: [], default_rights: true, status: "disabled",
    created_at: "2026-12-09T12:00:00Z", updated_at: "2026-12-09T12:00:00Z", disabled_at: "2026-12-09T12:00:00Z" };
  const v = accountRowView(row, orderZone(read.clock));
  assert.deepEqual([v.created, v.updated, v.status], ["09/12/2026 08:00", "09/12/2026 08:00",
    "désactivé le 09/12/2026 08:00"]);
  assert.match(screenClockNote(read.clock, "accounts", WINTER), /^Heures de la Martinique \(UTC\u22124\) : les dates /);
  // An older answer naming no clock: Paris's, no note
  const older = await allAccounts(async () => ({ accounts: [row], next_cursor: null }));
  assert.equal(orderZone(older.clock), "Europe/Paris");
  assert.equal(screenClockNote(older.clock, "accounts", WINTER), null);
  assert.equal(accountRowView(row, orderZone(older.clock)).created, "09/12/2026 13:00");
  // The D7 due time a request answers on « Utilisateurs »: on the party's clock, where D7 counts
  const reply = { email: "paul@habitat.mq", due_at: "2026-12-12T04:00:00+00:00" };
  assert.match(accountRequestOutcome(reply, "manager", orderZone(read.clock)), /au plus tard le 12\/12\/2026 00:00 /);
  assert.match(accountRequestOutcome(reply, "manager"), /au plus tard le 12\/12\/2026 05:00 /);
});

test("the operator's account requests show each D7 on its own territory's clock, overseas ones marked", () => {
  const row = { ...REUNION, requested_at: "2026-12-09T12:00:00+00:00", due_at: "2026-12-12T20:00:00+00:00" };
  assert.equal(rowTimeText(row, row.requested_at, WINTER), "09/12/2026 16:00 (heure locale, UTC+4)");
  assert.equal(rowTimeText(row, row.due_at, WINTER), "13/12/2026 00:00 (heure locale, UTC+4)");
  assert.equal(rowTimeText({ ...PARIS }, row.requested_at, WINTER), "09/12/2026 13:00");
});
