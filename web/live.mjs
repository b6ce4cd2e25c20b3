// The push channel in the page (A11 real-time view): watch_orders' stream read with fetch() and a
// ReadableStream (EventSource cannot send the Authorization header), reconnected with a fresh token —
// at once after the server's `end`, with backoff after a failure — and polling every refresh_seconds
// meanwhile, so that a screen is never staler than before the stream existed. Pure logic in live_logic.mjs.
import { backoffDelay, sseParser } from "./live_logic.mjs";

// follow({ open, refresh, onOrder, onMode, refreshSeconds }) → stop()
//   open(signal): a promise of the stream's fetch Response (app.js: request("watch_orders")), with a fresh token
//   refresh(): re-read the whole screen (after each `ready`, and on each poll while the stream is down)
//   onOrder(event): one order changed ({ manager_id, order_id, state, state_label, updated_at })
//   onMode("live" | "polling"): what the screen says (liveStatusText)
export function follow({ open, refresh, onOrder, onMode, refreshSeconds }) {
  let stopped = false;
  let failures = 0;
  let poll = null;
  let controller = null;
  let wake = null;

  const startPolling = () => {
    if (!poll) poll = setInterval(() => { if (!document.hidden) refresh(); }, refreshSeconds * 1000);
    onMode("polling");
  };
  const stopPolling = () => {
    clearInterval(poll);
    poll = null;
  };
  const sleep = (ms) => new Promise((resolve) => { wake = resolve; setTimeout(resolve, ms); });

  async function readOnce() {
    controller = new AbortController();
    const response = await open(controller.signal);
    if (!response.ok || !response.body) throw new Error(`flux indisponible (${response.status})`);
    const parser = sseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let ended = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done || stopped) break;
      for (const { event, data } of parser.push(value)) {
        if (event === "ready") {
          failures = 0;
          stopPolling();
          onMode("live");
          refresh();  // what changed while the stream was down or opening
        } else if (event === "order") onOrder(data);
        else if (event === "end") ended = true;
      }
    }
    return ended;
  }

  (async () => {
    onMode("polling");
    while (!stopped) {
      let ended = false;
      try {
        ended = await readOnce();
      } catch {
        ended = false;
      }
      if (stopped) break;
      if (!ended) failures += 1;
      if (failures) startPolling();
      await sleep(backoffDelay(failures));
    }
  })();

  return () => {
    stopped = true;
    stopPolling();
    controller?.abort();
    wake?.();
  };
}
