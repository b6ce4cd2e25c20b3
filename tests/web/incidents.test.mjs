// Pure formatting of the incidents screens (web/logic.mjs, B9 incidents, D8 first response): the
// channel, the history, the follow-up clock and the time to resolution as IncidentView gives them,
// and the operator's phone report. Run with `node --test tests/web/` (tests/unit/test_web_logic.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import { territoryOptions } from "../../web/logic.mjs";
import {
  callTimeHint, callerTerritory, hoursText, incidentChannelText, incidentHistory, incidentReporterText,
  incidentStepBody, incidentRowView, personText, phoneReport, resolutionClockText,
} from "../../web/incidents_logic.mjs";

const PHONE = {
  incident_id: "inc-1", title: "Connecteur bloqué", reporter_tenant: "ctr-acme", reporter_role: "contractor",
  reported_by: "uid-operator", channel: "phone", reported_at: "2026-03-05T08:10:00+00:00",
  recorded_at: "2026-03-05T08:40:00+00:00", recorded_by: "uid-operator", state: "acknowledged",
  acknowledged_at: "2026-03-05T08:45:00+00:00", acknowledged_by: "uid-operator", note: "Nous regardons.",
  follow_ups: [
    { kind: "follow_up", at: "2026-03-05T10:00:00+00:00", by: "uid-operator", note: "Cause trouvée." },
    { kind: "workaround", at: "2026-03-05T09:30:00+00:00", by: "uid-operator", note: "Relance manuelle." }],
  workaround_at: "2026-03-05T09:30:00+00:00", follow_up_clock: "24/7", time_to_resolution_hours: 2.25,
  resolution_hours: null,
};

test("durations are told in hours and minutes, never in days (a working-hours clock has no 24 h day)", () => {
  assert.equal(hoursText(0.75), "45 min");
  assert.equal(hoursText(3), "3 h");
  assert.equal(hoursText(27.0833), "27 h 05 min");
  assert.equal(hoursText(0), "0 min");
  assert.equal(hoursText(null), "—");
});

test("a phone report shows the call's time; a platform report the time it was made", () => {
  assert.equal(incidentChannelText(PHONE), "par téléphone — appel le 05/03/2026 09:10");
  assert.equal(incidentChannelText({ ...PHONE, channel: "platform" }), "sur la plateforme — le 05/03/2026 09:10");
});

test("the history lists the call, its written record, the first response, follow-ups and workarounds in time order", () => {
  const entries = incidentHistory(PHONE);
  assert.deepEqual(entries.map((e) => e.kind), ["call", "recorded", "acknowledged", "workaround", "follow_up"]);
  assert.equal(entries[0].label, "Appel téléphonique de ctr-acme (prestataire)");
  // who: the reporter in the label, every later step the operator, by role and never by account id
  assert.deepEqual(entries.map((e) => e.by), [null, "l'opérateur", "l'opérateur", "l'opérateur", "l'opérateur"]);
  assert.equal(entries.some((e) => e.label.includes("uid-") || (e.by ?? "").includes("uid-")), false);
  assert.deepEqual(entries.map((e) => e.account), [null, "uid-operator", "uid-operator", "uid-operator", "uid-operator"]);
  assert.equal(entries[2].text, "Nous regardons.");
  assert.equal(entries[3].label, "Solution de contournement (aucun délai interrompu)");
  assert.equal(entries[3].text, "Relance manuelle.");
  assert.equal(entries[4].label, "Suivi");
  const resolved = incidentHistory({ ...PHONE, channel: "platform", recorded_at: null, state: "resolved",
    resolved_at: "2026-03-05T11:00:00+00:00", resolved_by: "uid-operator", resolution: "Abonnement relancé." });
  assert.deepEqual(resolved.map((e) => e.kind), ["reported", "acknowledged", "workaround", "follow_up", "resolved"]);
  assert.equal(resolved[0].label, "Signalé par ctr-acme (prestataire)");
  assert.deepEqual([resolved[0].by, resolved[0].account, resolved.at(-1).by], [null, "uid-operator", "l'opérateur"]);
  assert.equal(resolved.at(-1).text, "Abonnement relancé.");
});

test("the follow-up clock and the time to resolution are read from the view, a workaround stops nothing", () => {
  assert.deepEqual(resolutionClockText(PHONE), ["Suivi 24 h/24, 7 j/7", "Ouvert depuis 2 h 15 min (premier signalement)",
    "Contournement le 05/03/2026 10:30 : le délai de résolution court toujours"]);
  const resolved = { ...PHONE, state: "resolved", follow_up_clock: "working_hours", resolution_hours: 5.5,
    time_to_resolution_hours: 5.5, workaround_at: null };
  assert.deepEqual(resolutionClockText(resolved), ["Suivi heures ouvrées (9 h – 18 h, jours ouvrés)",
    "Résolu en 5 h 30 min depuis le premier signalement"]);
  assert.deepEqual(resolutionClockText({ state: "reported" }), []);  // an answer without the clock shows nothing invented
});

test("the phone report names its reporter and the call's local time with its offset, optional fields left out", () => {
  const form = { reporter_tenant: " ctr-acme ", reporter_role: "contractor", first_reported_at: "05/03/2026 09:10",
    title: " Connecteur bloqué ", severity: "2", description: "Plus rien depuis 8 h.", order_id: "", need_id: " ",
    territory: "69" };
  const { body, errors } = phoneReport(form, () => 60);
  assert.deepEqual(errors, []);
  assert.deepEqual(body, { severity: 2, title: "Connecteur bloqué", description: "Plus rien depuis 8 h.",
    reported_for: { tenant: "ctr-acme", role: "contractor" }, first_reported_at: "2026-03-05T09:10:00+01:00",
    territory: "69" });
  const bad = phoneReport({ ...form, first_reported_at: "03/05/2026 9 heures" }, () => 60);
  assert.deepEqual(bad.errors.map((e) => [e.field, e.code]), [["$.first_reported_at", "INVALID_FORMAT"]]);
});

test("B18: the phone call's time is typed on the clock of the caller's territory, its recorded one proposed", () => {
  const form = { reporter_tenant: "mgr-antilles", reporter_role: "manager", first_reported_at: "05/03/2026 08:00",
    title: "Extranet inaccessible", severity: "3", description: "Plus rien depuis ce matin.", territory: "972" };
  // a call typed 08:00 by a caller in Martinique is 12:00 UTC, its territory sent (where the incident's hours count)
  const { body, errors } = phoneReport(form);
  assert.deepEqual(errors, []);
  assert.equal(body.first_reported_at, "2026-03-05T08:00:00-04:00");
  assert.equal(new Date(body.first_reported_at).toISOString(), "2026-03-05T12:00:00.000Z");
  assert.equal(body.territory, "972");
  // in Réunion 08:00 is 04:00 UTC; on Paris's clock (a metropolitan territory, or none chosen) 07:00 UTC in March,
  // 06:00 UTC in July
  assert.equal(new Date(phoneReport({ ...form, territory: "974" }).body.first_reported_at).toISOString(),
    "2026-03-05T04:00:00.000Z");
  assert.equal(phoneReport({ ...form, territory: "69" }).body.first_reported_at, "2026-03-05T08:00:00+01:00");
  const none = phoneReport({ ...form, territory: "", first_reported_at: "05/07/2026 08:00" }).body;
  assert.equal(none.first_reported_at, "2026-07-05T08:00:00+02:00");
  assert.equal("territory" in none, false);
  // the caller picked: its recorded territory proposed when the platform knows it
  assert.equal(callerTerritory({ id: "mgr-antilles", territory: "972" }), "972");
  assert.equal(callerTerritory({ id: "ctr-acme", territory: null }), "");
  assert.equal(callerTerritory(null), "");
  // the choices name each territory in French, « Non précisé » first; the hint names the clock and its offset
  const options = territoryOptions();
  assert.deepEqual(options[0], { value: "", label: "Non précisé (heure de Paris)" });
  assert.ok(options.some((o) => o.value === "972" && o.label === "Martinique (972)"));
  assert.ok(options.some((o) => o.value === "2A" && o.label === "Corse-du-Sud (2A)"));
  // in the platform's order, Ain (01) first and Corsica after 19 — not the codes that look like numbers first, as an
  // object's keys would list them (« Aube (10) » first, « Ain (01) » after « Mayotte (976) »)
  const codes = options.slice(1).map((o) => o.value);
  assert.deepEqual(codes.slice(0, 3), ["01", "02", "03"]);
  assert.deepEqual(codes.slice(codes.indexOf("19"), codes.indexOf("19") + 4), ["19", "2A", "2B", "21"]);
  assert.ok(codes.indexOf("95") < codes.indexOf("971"));
  assert.equal(codes.at(-1), "WF");
  assert.match(callTimeHint("972", new Date("2026-03-05T12:00:00Z")), /^Heure de la Martinique \(UTC−4\), format jj\/mm\/aaaa/);
  assert.match(callTimeHint("69"), /^Heure de Paris, format/);
  assert.match(callTimeHint(""), /^Heure de Paris, format/);
});

test("the operator's follow-up and resolution are asked for before sending; the note of acknowledging is optional", () => {
  assert.deepEqual(incidentStepBody("inc-1", "resolution", "  "),
    { body: null, errors: [{ field: "$.resolution", message: "Indiquez la résolution de l'incident." }] });
  assert.deepEqual(incidentStepBody("inc-1", "note", "", { extra: { kind: "workaround" } }),
    { body: null, errors: [{ field: "$.note", message: "Indiquez le texte du suivi." }] });
  assert.deepEqual(incidentStepBody("inc-1", "note", " Redémarrage ", { extra: { kind: "workaround" } }),
    { body: { incident_id: "inc-1", kind: "workaround", note: "Redémarrage" }, errors: [] });
  assert.deepEqual(incidentStepBody("inc-1", "note", "", { optional: true }), { body: { incident_id: "inc-1" }, errors: [] });
  assert.deepEqual(incidentStepBody("inc-1", "resolution", "Connecteur corrigé"),
    { body: { incident_id: "inc-1", resolution: "Connecteur corrigé" }, errors: [] });
});

test("who reported it is named: the party by its registered name then its id, each account by name and e-mail (B1, B5)", () => {
  const named = { ...PHONE, reporter_name: "ACME Plomberie" };
  assert.equal(incidentReporterText(named), "ACME Plomberie — ctr-acme (prestataire)");
  assert.equal(incidentReporterText(named, { capital: true }), "ACME Plomberie — ctr-acme (Prestataire)");
  // a registry naming none, or only repeating the id: the id alone, as before
  assert.equal(incidentReporterText(PHONE), "ctr-acme (prestataire)");
  assert.equal(incidentReporterText({ ...PHONE, reporter_name: "ctr-acme" }), "ctr-acme (prestataire)");
  const people = { "uid-operator": "Astreinte <astreinte@passerelle.fr>" };
  const entries = incidentHistory(named, people);
  assert.equal(entries[0].label, "Appel téléphonique de ACME Plomberie — ctr-acme (prestataire)");
  assert.deepEqual(entries.slice(1).map((e) => e.account), Array(4).fill("Astreinte <astreinte@passerelle.fr>"));
  // an account the page does not name keeps its uid; no account, nothing
  assert.equal(personText(people, "uid-gone"), "uid-gone");
  assert.equal(personText(people, null), null);
});

test("B9: an incident's row names the reporter once — « gestionnaire » then « Gestionnaire » was the same party twice", () => {
  const online = { ...PHONE, channel: "platform", reporter_tenant: "mgr-test", reporter_role: "manager",
    reported_by: "uid-manager", recorded_at: null, recorded_by: null };
  const people = { "uid-manager": "Léa Martin <lea.martin@bailleur.fr>", "uid-operator": "Astreinte <astreinte@passerelle.fr>" };
  for (const incident of [online, PHONE]) {
    const view = incidentRowView(incident, people);
    const said = [view.reporter, view.account ?? "", ...view.history.map((e) => e.label)].join(" | ");
    const role = incident.reporter_role === "manager" ? /gestionnaire/gi : /prestataire/gi;
    assert.equal(said.match(role).length, 1, said);
    assert.equal(said.split(incident.reporter_tenant).length - 1, 1, said);
  }
  const view = incidentRowView(online, people);
  assert.equal(view.reporter, "mgr-test (gestionnaire)");
  assert.equal(view.account, "Léa Martin <lea.martin@bailleur.fr>");
  assert.equal(view.history[0].label, "Signalé sur la plateforme");
  assert.equal(incidentRowView(PHONE, people).history[0].label, "Appel téléphonique");
  assert.equal(incidentRowView(PHONE, people).account, null);
});
