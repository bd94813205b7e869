import { quarantineIntervalMinutes, tenantScheduleOf } from "./tenant-quarantine";

describe("tenant quarantine", () => {
  test("transient failures quarantine from the third in a row, backing off 1 h, 4 h, then daily", () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => quarantineIntervalMinutes(n))).toEqual([null, null, 60, 240, 1440, 1440]);
  });

  test("a failure a person must fix (credentials, consent) quarantines at the first one", () => {
    expect([1, 2, 3].map((n) => quarantineIntervalMinutes(n, true))).toEqual([60, 240, 1440]);
  });

  test("a quarantined tenant's schedule keeps the back-off; once it has passed, the tenant's own interval", () => {
    const now = new Date("2026-11-27T00:00:00Z");
    const until = new Date("2026-11-27T04:00:00Z");
    const tenant = {
      id: "t",
      scheduleIntervalMinutes: 30,
      paused: false,
      activatedAt: new Date("2026-11-01T00:00:00Z"),
      consecutiveFailures: 4,
      quarantinedUntil: until,
    };
    expect(tenantScheduleOf(tenant, now)).toMatchObject({ quarantinedUntil: until, quarantineIntervalMinutes: 240 });
    expect(tenantScheduleOf({ ...tenant, quarantinedUntil: null }, now)).toMatchObject({
      quarantinedUntil: null,
      quarantineIntervalMinutes: null,
      scheduleIntervalMinutes: 30,
    });
  });

  test("rule 14: a tenant nobody started syncing is not scheduled, quarantined or not", () => {
    const tenant = {
      id: "t",
      scheduleIntervalMinutes: 30,
      paused: false,
      consecutiveFailures: 0,
      quarantinedUntil: null,
    };
    expect(tenantScheduleOf({ ...tenant, activatedAt: null })).toMatchObject({ activated: false });
    expect(tenantScheduleOf({ ...tenant, activatedAt: new Date() })).toMatchObject({ activated: true });
  });
});
