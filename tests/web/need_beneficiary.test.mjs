// B1 parties: the operator's « Proposer » names the need's beneficiary with the name its list of needs read
// (list_needs' beneficiary_name), no read of its own (web/sourcing_logic.mjs). Run with `node --test tests/web/`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { beneficiaryFact, rememberBeneficiaryNames } from "../../web/sourcing_logic.mjs";

test("the list's names are remembered for « Proposer », its name over its id, the id alone when none was read", () => {
  const names = rememberBeneficiaryNames([
    { beneficiary_id: "ben-lyon", beneficiary_name: "Métropole de Lyon", need_id: "n-1" },
    { beneficiary_id: "ben-lyon", beneficiary_name: "Métropole de Lyon", need_id: "n-2" },
    { beneficiary_id: "ben-x", beneficiary_name: "ben-x", need_id: "n-3" },  // unnamed: list_needs answers its id
  ]);
  assert.deepEqual([...names], [["ben-lyon", "Métropole de Lyon"]]);
  assert.deepEqual(beneficiaryFact(names, "ben-lyon"), { name: "Métropole de Lyon", id: "ben-lyon" });
  assert.deepEqual(beneficiaryFact(names, "ben-x"), { name: "ben-x", id: null });
  assert.deepEqual(beneficiaryFact(new Map(), "ben-lyon"), { name: "ben-lyon", id: null });  // opened from a link
  // a later page adds to what is known, a renamed beneficiary is named anew
  rememberBeneficiaryNames([{ beneficiary_id: "ben-lyon", beneficiary_name: "Grand Lyon" }], names);
  assert.equal(beneficiaryFact(names, "ben-lyon").name, "Grand Lyon");
  assert.deepEqual(rememberBeneficiaryNames(undefined).size, 0);
});
