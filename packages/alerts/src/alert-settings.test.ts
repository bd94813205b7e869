// What a person may choose on the alerts page: webhook addresses under the outbound policy, and known events.
import { DEFAULT_ALERT_EVENTS, ZAlertEventSet } from "./events";
import { webhookUrlRefusal } from "./webhook-url";

const production = { allowHttp: false, allowPrivateAddresses: false };
const development = { allowHttp: true, allowPrivateAddresses: true };

describe("webhook addresses", () => {
  it("accepts a public https address", () => {
    expect(webhookUrlRefusal("https://hooks.example.com/techsync?k=1", production)).toBeUndefined();
  });

  it.each([
    ["http://hooks.example.com/x", "must start with https://"],
    ["not a url", "full address"],
    ["https://user:pw@hooks.example.com/", "user name or password"],
    ["https://127.0.0.1/x", "public internet address"],
    ["https://10.1.2.3/x", "public internet address"],
    ["https://169.254.169.254/latest", "public internet address"],
    ["https://[::1]/x", "public internet address"],
    ["https://localhost:8443/x", "local or internal name"],
    ["ftp://hooks.example.com/", "must start with https://"],
  ])("refuses %s in production, in words", (url, words) => {
    expect(webhookUrlRefusal(url, production)).toContain(words);
  });

  it("allows a local http receiver only when the operator allows it (development, tests)", () => {
    expect(webhookUrlRefusal("http://127.0.0.1:9000/hook", development)).toBeUndefined();
    expect(webhookUrlRefusal("http://127.0.0.1:9000/hook", production)).toBeDefined();
  });
});

describe("event choices", () => {
  it("keeps known events once, in a fixed order", () => {
    expect(ZAlertEventSet.parse(["run_failed", "run_blocked", "run_failed"])).toEqual(["run_blocked", "run_failed"]);
  });

  it("refuses an unknown event", () => {
    expect(ZAlertEventSet.safeParse(["run_exploded"]).success).toBe(false);
  });

  it("leaves every successful run off by default", () => {
    expect(DEFAULT_ALERT_EVENTS).not.toContain("run_succeeded");
    expect(DEFAULT_ALERT_EVENTS).toContain("run_blocked");
  });
});
