// Pure logic of the « Export » screen (A8 reversibility, export_space; web/exports.mjs): the archive's file name,
// the job's French text, what the archive holds for each role. No DOM, no network — tested with `node --test`
// (tests/web/export.test.mjs).
import { formatDateTime, plural } from "./logic.mjs";

// --- reversibility export (A8, export_space) ---------------------------------------------------------
// The name the archive is saved under: the job's download_name (« passerelle-export-rhone-habitat-2026-12-07.zip »,
// which the signed URL also asks Storage to send as its Content-Disposition: a cross-origin link's `download`
// attribute is ignored by browsers), never the job's hash; a job answered without one: « passerelle-export.zip ».
export function exportFileName(job) {
  return job?.download_name || "passerelle-export.zip";
}

// What the export screen says of a job (ExportJob: pending, running, completed, expired), in French, and whether
// it is still to be followed (polled) — a completed job offers its archive, an expired one a new export.
export function exportJobText(job) {
  const progress = job?.progress ?? {};
  const counted = `${plural(progress.records ?? 0, "enregistrement", undefined, "aucun enregistrement")}, `
    + `${plural(progress.files ?? 0, "fichier", undefined, "aucun fichier")}`;
  switch (job?.status) {
    case "pending": return { text: "Export demandé : il démarre dans un instant.", follow: true };
    case "running": return { text: `Export en cours : ${counted} à ce stade.`, follow: true };
    case "completed": return { text: `Export terminé le ${formatDateTime(job.completed_at)} : ${counted}, archive ZIP de `
      + `${sizeText(job.archive_bytes)}.`, follow: false };
    case "expired":
    case "purged": return { text: "Cette archive n'est plus disponible : lancez un nouvel export.", follow: false };
    default: return { text: "État de l'export inconnu : lancez un nouvel export.", follow: false };
  }
}

// What the export screen says the archive holds, by role: a manager's space, or a beneficiary's (its needs and
// missions, with the space of its missions' orders: SPACES_BY_ROLE in shared/service/exports.py).
export function exportContents(role) {
  return role === "beneficiary"
    ? "besoins et leurs versions, propositions, missions, commandes de vos missions et leur historique, documents, devis…"
    : "commandes et leur historique, documents, devis, marchés, patrimoine, pénalités…";
}

// A size in bytes as a person reads it: « 1,2 Mio », « 350 Kio », « 812 octets ».
export function sizeText(bytes) {
  const n = Number(bytes ?? 0);
  const fr = (v) => new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 }).format(v);
  if (n >= 1024 * 1024) return `${fr(n / (1024 * 1024))} Mio`;
  if (n >= 1024) return `${fr(n / 1024)} Kio`;
  return `${n} octets`;
}
