// latestOnly (web/latest_logic.mjs): an answer, or an error, of a read begun before a later one is dropped.
import assert from "node:assert/strict";
import test from "node:test";
import { latestOnly } from "../../web/latest_logic.mjs";

function deferred() {
  let resolve, reject;
  const promise = new Promise((yes, no) => { resolve = yes; reject = no; });
  return { promise, resolve, reject };
}
const settled = () => new Promise((done) => setTimeout(done, 0));

test("the first read answering last is dropped and the second's answer is kept", async () => {
  const latest = latestOnly();
  const drawn = [];
  const first = deferred(), second = deferred();
  const load = async (read) => { const turn = latest(); drawn.push(await turn(read)); };
  load(first.promise);
  load(second.promise);
  second.resolve("bénéficiaires");
  await settled();
  first.resolve("prestataires");
  await settled();
  assert.deepEqual(drawn, ["bénéficiaires"]);
});

test("an outdated read's error is dropped too and a current one's is thrown", async () => {
  const latest = latestOnly();
  const boxes = [];
  const load = async (read) => {
    const turn = latest();
    try { await turn(read); } catch (err) { boxes.push(err.message); }
  };
  const first = deferred(), second = deferred();
  load(first.promise);
  load(second.promise);
  first.reject(new Error("délai dépassé"));
  await settled();
  assert.deepEqual(boxes, []);
  second.reject(new Error("refusé"));
  await settled();
  assert.deepEqual(boxes, ["refusé"]);
});

test("an answer is kept when no later read was begun, values and plain values alike", async () => {
  const latest = latestOnly();
  assert.equal(await latest()(Promise.resolve(3)), 3);
  assert.equal(await latest()("sans promesse"), "sans promesse");
});

test("current() says whether a later turn was taken; two sequencers do not outdate each other", async () => {
  const list = latestOnly(), detail = latestOnly();
  const first = list();
  const other = detail();
  assert.equal(first.current(), true);
  const second = list();
  assert.equal(first.current(), false);
  assert.equal(second.current(), true);
  assert.equal(other.current(), true);
  assert.equal(await other(Promise.resolve("détail")), "détail");
});

test("a later read answering first does not let the earlier one through afterwards", async () => {
  const latest = latestOnly();
  const drawn = [];
  const reads = [deferred(), deferred(), deferred()];
  for (const read of reads) (async () => { const turn = latest(); drawn.push(await turn(read.promise)); })();
  reads[2].resolve("troisième");
  reads[0].resolve("premier");
  reads[1].resolve("deuxième");
  await settled();
  assert.deepEqual(drawn, ["troisième"]);
});
