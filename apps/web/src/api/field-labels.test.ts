// The portal's messages never show an API field path, a Rescue operation name or an HTTP code.
import { ApiError, apiErrorFromResponse } from "./api-error";
import { fieldLabel, fixOf, inWords } from "./field-labels";

const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("inWords", () => {
  test.each([
    ["entraGroupId, rescueGroupId: this pair is already mapped.", "This pair is already mapped."],
    [
      "userId: the last owner of a tenant cannot be demoted or removed.",
      "The last owner of a tenant cannot be demoted or removed.",
    ],
    [
      "clientSecret: required when the connection is first set.",
      "The client secret is required when the connection is first set.",
    ],
    ["body.email: Invalid email address", "Email: Invalid email address."],
    [
      "rescueGroupId: is not a technician group of the Rescue organisation.",
      "The Rescue group is not a technician group of the Rescue organisation.",
    ],
    ["body.safetyThreshold.percent: Too big", "Safety threshold percent: Too big."],
  ])("%s", (message, expected) => {
    expect(inWords(message)).toBe(expected);
  });

  test("Rescue operation names become what TechSync was doing", () => {
    expect(inWords("Rescue: Could not reach Rescue for getAccount.")).toBe(
      "Rescue: Could not reach Rescue to read the Rescue account.",
    );
    expect(inWords("Rescue: The API token is not valid (getAccount: INVALID_TOKEN).")).toBe(
      "Rescue: The API token is not valid.",
    );
    expect(inWords("Rescue setUser_v2 did not answer within 5000 ms")).toBe(
      "Rescue, asked to change a technician, did not answer within 5000 ms",
    );
  });

  test("HTTP codes are not shown", () => {
    expect(inWords("Rescue getHierarchy_v2 answered HTTP 503")).not.toMatch(/HTTP|\d{3}|getHierarchy/);
  });

  test("a message in words already stays as it is", () => {
    const plain =
      "Connected: User.Read.All, Group.Read.All and Directory.Read.All are granted and the directory answers.";
    expect(inWords(plain)).toBe(plain);
    expect(inWords("Too many attempts; wait 60 seconds.")).toBe("Too many attempts; wait 60 seconds.");
  });

  test("several fields' messages each read as a sentence", () => {
    expect(inWords("body.name: Too small; body.scopes: Required")).toBe("Name: Too small. Scopes: Required.");
  });
});

describe("fieldLabel", () => {
  test("the innermost known part of a path names it", () => {
    expect(fieldLabel("body.filter.value")).toBe("filter value");
    expect(fieldLabel("attributeMapping.nick.0")).toBe("attribute mapping");
    expect(fieldLabel("somethingInternal")).toBeNull();
  });
});

describe("fixOf", () => {
  test("names the setup step where a connection's problem is fixed", () => {
    expect(fixOf("Entra: The client secret has expired.")?.step).toBe("entra");
    expect(fixOf("Rescue: The API token is not valid.")?.step).toBe("rescue");
    expect(fixOf("This pair is already mapped.")).toBeUndefined();
  });
});

describe("apiErrorFromResponse", () => {
  test("a conflict's field list becomes a sentence; the field errors are in words too", async () => {
    const error = await apiErrorFromResponse(
      reply(409, {
        error: "conflict",
        message: "entraGroupId, rescueGroupId: this pair is already mapped.",
        details: [{ field: "clientSecret", message: "required when the connection is first set." }],
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe("This pair is already mapped.");
    expect(error.fieldErrors).toEqual({ clientSecret: "Required when the connection is first set." });
  });

  test("a connected service's refusal (502) says what it refused and where to fix it, without an HTTP code", async () => {
    const error = await apiErrorFromResponse(
      reply(502, {
        error: "upstream_error",
        message: "Entra: The client secret was refused. Paste the secret's Value.",
      }),
    );
    expect(error.message).toBe("Entra: The client secret was refused. Paste the secret's Value.");
    expect(error.message).not.toMatch(/HTTP|502/);
    expect(error.fix).toEqual({ step: "entra", label: "Fix the Entra ID connection" });
  });
});
