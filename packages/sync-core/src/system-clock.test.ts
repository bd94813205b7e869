import { systemClock } from "./system-clock";

describe("systemClock: the worker's real clock", () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date("2026-03-04T05:06:07Z") }));
  afterEach(() => jest.useRealTimers());

  it("tells the current time", () => {
    expect(systemClock.now()).toEqual(new Date("2026-03-04T05:06:07Z"));
  });

  it("sleeps for the time asked, no less", async () => {
    let woke = false;
    void systemClock.sleep(1000).then(() => {
      woke = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
  });
});
