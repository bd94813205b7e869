import { clientAddressOf } from "./client-address";

describe("the browser's address for the API's sign-in limits", () => {
  test("is the address the nearest proxy appended, not one the client put first", () => {
    expect(clientAddressOf(new Headers({ "x-forwarded-for": "10.0.0.1, 203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientAddressOf({ "x-forwarded-for": "2001:db8::1" })).toBe("2001:db8::1");
    expect(clientAddressOf({ "x-forwarded-for": "::ffff:198.51.100.4" })).toBe("198.51.100.4");
    expect(clientAddressOf({ "x-real-ip": "198.51.100.5" })).toBe("198.51.100.5");
  });

  test("is nothing when absent or not an address", () => {
    expect(clientAddressOf(undefined)).toBeUndefined();
    expect(clientAddressOf({})).toBeUndefined();
    expect(clientAddressOf({ "x-forwarded-for": "evil; DROP TABLE" })).toBeUndefined();
    expect(clientAddressOf({ "x-forwarded-for": "1".repeat(100) })).toBeUndefined();
  });
});
