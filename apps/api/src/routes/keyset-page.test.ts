import { keysetPage } from "./keyset-page";

describe("keysetPage", () => {
  test("a query that found one row more than the page has a next page, whose cursor is the page's last row", () => {
    expect(keysetPage([1, 2, 3], 2, String)).toEqual({ page: [1, 2], nextCursor: "2" });
  });

  test("a short or exact page is the last one", () => {
    expect(keysetPage([1, 2], 2, String)).toEqual({ page: [1, 2] });
    expect(keysetPage([], 2, String)).toEqual({ page: [] });
  });
});
