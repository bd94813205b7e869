import { ASP_NET_FORM_LIMITS, describeCreatePath, formCost, planFormBatches, UNKNOWN_BULK_CREATE } from "./bulk-create";
import { encodeBulkUsers } from "./wire/plain-text";

const row = (i: number, name = `Tech ${i}`) => ({
  uniqueid: `ts${i}`,
  parentid: 77,
  name,
  nick: "",
  email: `tech.${i}@example.com`,
  ssoid: "",
  pwd: "Welcome-2026!",
  confpwd: "Welcome-2026!",
  status: "Enabled" as const,
});
const fieldsOf = (r: ReturnType<typeof row>, i: number) => encodeBulkUsers([r], i);
const AUTHCODE = { authcode: "x".repeat(79) };

describe("planFormBatches", () => {
  it("keeps every createUsers POST of 500 users within 1,000 form keys, authcode included", () => {
    const rows = Array.from({ length: 500 }, (_, i) => row(i));
    const batches = planFormBatches(rows, fieldsOf, AUTHCODE);
    expect(batches.map((b) => b.length)).toEqual([111, 111, 111, 111, 56]);
    for (const batch of batches) {
      const cost = formCost({ ...AUTHCODE, ...encodeBulkUsers(batch) });
      expect(cost.keys).toBeLessThanOrEqual(ASP_NET_FORM_LIMITS.maxKeys);
    }
  });

  it("cuts by bytes when long fields would pass 4 MB before 1,000 keys", () => {
    const rows = Array.from({ length: 100 }, (_, i) => row(i, "n".repeat(100_000)));
    const batches = planFormBatches(rows, fieldsOf, AUTHCODE);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(formCost({ ...AUTHCODE, ...encodeBulkUsers(batch) }).bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    }
    expect(batches.flat()).toHaveLength(100);
  });
});

describe("describeCreatePath", () => {
  const stats = { createdInBulk: 0, bulkCalls: 0, createdOneByOne: 0, adoptedAfterRefusal: 0, refusal: null };
  it("says nothing when nothing was created", () => {
    expect(describeCreatePath({ ...stats, startedWith: UNKNOWN_BULK_CREATE }, UNKNOWN_BULK_CREATE)).toBeUndefined();
  });

  it("names the mix after a refusal that had created some", () => {
    const now = { capability: "unavailable" as const, reason: "createUsers answered ERROR", checkedAt: new Date() };
    expect(
      describeCreatePath(
        {
          ...stats,
          startedWith: UNKNOWN_BULK_CREATE,
          createdInBulk: 111,
          adoptedAfterRefusal: 5,
          createdOneByOne: 1,
          refusal: { batch: 2, reason: "ERROR" },
        },
        now,
      ),
    ).toBe(
      "Created 117 technicians (111 in bulk, 5 found already created and adopted, 1 one by one (createUser + setUser_v2)): bulk creation (createUsers) refused on batch 2 (ERROR): remembered, this and later runs use the confirmed path",
    );
  });
});
