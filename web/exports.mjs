// Reversibility (A8): a manager or a beneficiary exports all of its space's data at any time (export_space). « Lancer l'export »
// starts a job; the screen follows it (GET ?job_id=, every 2 s) until the archive is ready, then offers its download
// link (signed for 15 minutes: a fresh one is asked each time the screen is opened). The last job of the session is
// remembered (sessionStorage), so that leaving the screen and coming back finds it.
import { exportContents, exportFileName, exportJobText } from "./exports_logic.mjs";
import { exportStartContent } from "./record_logic.mjs";
import { errorBox, h, messagesOf, recorder } from "./ui.mjs";

const JOB_KEY = "passerelle.export";
const POLL_MS = 2000;

export function renderExport(ctx) {
  const status = h("p", { className: "status", role: "status", id: "export-status" });
  const download = h("div", { id: "export-download" });
  const errors = h("div");
  const start = h("button", { type: "button" }, "Lancer l'export");
  const actions = h("p", {}, start);
  let timer = null;
  let shown = true;
  const stop = () => { clearTimeout(timer); timer = null; };

  async function follow(jobId) {
    stop();
    try {
      const job = await ctx.call("export_space", { query: new URLSearchParams({ job_id: jobId }).toString() });
      show(job);
    } catch (err) {
      if (err.status === 401) return;
      if (err.status === 404) sessionStorage.removeItem(JOB_KEY);  // another session's, or gone: start afresh
      else errors.replaceChildren(errorBox(messagesOf(err)));
      start.disabled = false;
    }
  }

  function show(job) {
    if (!shown || !document.body.contains(status)) { shown = false; return; }  // the screen was left
    const { text, follow: again } = exportJobText(job);
    status.textContent = text;
    start.disabled = again;
    download.replaceChildren(job.status === "completed" && job.download_url
      ? h("p", {}, h("a", { className: "button", href: job.download_url, download: exportFileName(job) },
        "Télécharger l'archive (ZIP)"), h("span", { className: "hint" },
        ` Lien valable 15 minutes. SHA-256 : ${job.archive_sha256 ?? "—"}`))
      : []);
    if (again) timer = setTimeout(() => follow(job.job_id), POLL_MS);
  }

  // One export per start (recorder): a double click, or a click again after no answer, a 5xx or a 409 « en cours »,
  // is the same request under the same Idempotency-Key — the platform answers the first job again, never starts a
  // second —; once a job has started, the next start is a new one (the attempt's content names the job it follows:
  // exportStartContent). The body sent is always {}.
  const send = recorder(ctx, "export_space", { form: actions });
  start.addEventListener("click", async () => {
    if (send.busy) return;
    start.disabled = true;
    errors.replaceChildren();
    download.replaceChildren();
    try {
      const sent = await send.send(exportStartContent(sessionStorage.getItem(JOB_KEY)), () => ({}));
      if (sent.ignored) return;
      sessionStorage.setItem(JOB_KEY, sent.reply.job_id);
      show(sent.reply);
    } catch (err) {
      start.disabled = false;
      if (err.status !== 401) errors.replaceChildren(errorBox(messagesOf(err)));
    }
  });

  ctx.show("Export des données",
    h("p", {}, `Toutes les données de votre espace — ${exportContents(ctx.session.claims.role)} — dans une archive ZIP `
      + "(fichiers JSON Lines et PDF), à tout moment (réversibilité)."),
    errors, actions, status, download);
  const last = sessionStorage.getItem(JOB_KEY);
  if (last) follow(last);
}
