import { ApiError } from "../api/api-error";
import { foundOrNotFound } from "./portal-session";

describe("a page's own resource", () => {
  test("missing, foreign (both 404) or malformed (400) renders the 404 page", async () => {
    for (const status of [404, 400]) {
      const missing = foundOrNotFound(Promise.reject(new ApiError(status, "not_found", "The run was not found.")));
      await expect(missing).rejects.toMatchObject({ digest: expect.stringContaining("404") });
    }
  });

  test("is returned when found; other failures stay errors", async () => {
    await expect(foundOrNotFound(Promise.resolve({ id: "r" }))).resolves.toEqual({ id: "r" });
    const broken = foundOrNotFound(Promise.reject(new ApiError(502, "upstream_error", "Rescue did not answer.")));
    await expect(broken).rejects.toBeInstanceOf(ApiError);
  });
});
