import { ZJoinSignUpForm, ZSignUpForm } from "./account-forms";
import { entraConnectionForm, rescueConnectionForm } from "./connection-forms";
import { fieldErrorsOfZod } from "./form-state";
import { ZMappingForm } from "./mapping-form";
import { ZApiKeyForm, ZInvitationForm, ZTenantSettingsForm } from "./settings-forms";

function errorsOf(result: { success: boolean; error?: unknown }) {
  if (result.success) return {};
  return fieldErrorsOfZod(result.error as Parameters<typeof fieldErrorsOfZod>[0]);
}

describe("sign-up form", () => {
  test("names each missing or weak field", () => {
    expect(errorsOf(ZSignUpForm.safeParse({ email: "nope", password: "short", tenantName: "" }))).toEqual({
      email: "Enter an email address like name@company.com.",
      password: "Use at least 10 characters for your password.",
      tenantName: "Name your organisation (your Rescue organisation's name is a good choice).",
    });
  });

  test("accepts a complete form without a name", () => {
    expect(ZSignUpForm.safeParse({ email: "a@b.co", password: "0123456789", tenantName: "Contoso" }).success).toBe(
      true,
    );
  });
});

describe("signing up to accept an invitation", () => {
  test("asks for no organisation, and sends none to the API", () => {
    const parsed = ZJoinSignUpForm.safeParse({ email: "a@b.co", password: "0123456789", tenantName: "" });
    expect(parsed.success && parsed.data).toEqual({ email: "a@b.co", password: "0123456789" });
  });
});

describe("invitation form", () => {
  test("names a missing email and an unknown role", () => {
    expect(errorsOf(ZInvitationForm.safeParse({ email: "", role: "king" }))).toEqual({
      email: "Enter the person's email address.",
      role: "Choose a role.",
    });
  });
});

describe("Rescue connection form (step 1)", () => {
  const first = rescueConnectionForm({ password: false, serviceToken: false, defaultPassword: false });
  const later = rescueConnectionForm({ password: true, serviceToken: true, defaultPassword: true });

  test("the first time, every secret is required and the token's hint says where to find it", () => {
    const errors = errorsOf(first.safeParse({ email: "mah@contoso.example", password: "", serviceToken: "" }));
    expect(Object.keys(errors).sort()).toEqual(["defaultPassword", "password", "serviceToken"]);
    expect(errors.serviceToken).toContain("Global Settings › Active Directory Synchronization");
  });

  test("later, empty secrets mean keep the saved ones and are not sent", () => {
    const parsed = later.parse({ email: "mah@contoso.example", password: "", serviceToken: "", defaultPassword: "" });
    expect(parsed).toEqual({
      email: "mah@contoso.example",
      password: undefined,
      serviceToken: undefined,
      apiBaseUrl: undefined,
      defaultPassword: undefined,
    });
  });

  test("a replaced default password still needs 8 characters, and the API address must be a URL", () => {
    expect(
      errorsOf(later.safeParse({ email: "mah@contoso.example", defaultPassword: "abc", apiBaseUrl: "rescue" })),
    ).toEqual({
      defaultPassword: "Use at least 8 characters for the default password.",
      apiBaseUrl: "The Rescue API address must be a full URL such as https://example.com.",
    });
  });
});

describe("Entra connection form (step 2)", () => {
  test("ids must be GUIDs, the secret is needed once", () => {
    const errors = errorsOf(
      entraConnectionForm({ clientSecret: false }).safeParse({ directoryId: "contoso", clientId: "" }),
    );
    expect(errors.directoryId).toMatch(/GUID/);
    expect(errors.clientId).toMatch(/GUID/);
    expect(errors.clientSecret).toBe("Paste the client secret's value (not its id).");
  });

  test("a saved secret may be left empty", () => {
    const parsed = entraConnectionForm({ clientSecret: true }).parse({
      directoryId: "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10",
      clientId: "A1C2E3F4-0B1D-4C5E-8F90-123456789ABC",
      clientSecret: "",
    });
    expect(parsed.clientSecret).toBeUndefined();
  });
});

describe("mapping form (step 3)", () => {
  const pair = {
    entraGroupId: "g1",
    entraGroupName: "Support",
    rescueGroupId: "7",
    rescueGroupName: "Technicians › Support",
  };

  test("without a filter attribute the pair has no filter", () => {
    const parsed = ZMappingForm.parse({ ...pair, filterAttribute: "", filterValue: "" });
    expect(parsed.filter).toBeNull();
    expect(parsed.rescueGroupId).toBe(7);
  });

  test("a filter needs both an attribute and a value", () => {
    expect(errorsOf(ZMappingForm.safeParse({ ...pair, filterAttribute: "department", filterValue: " " }))).toEqual({
      filterValue: "Enter the value the attribute is compared to.",
    });
    expect(errorsOf(ZMappingForm.safeParse({ ...pair, filterAttribute: "", filterValue: "aid" }))).toEqual({
      filterAttribute: "Choose which attribute to compare.",
    });
    expect(
      ZMappingForm.parse({ ...pair, filterAttribute: "department", filterOperator: "contains", filterValue: " aid " })
        .filter,
    ).toEqual({ attribute: "department", operator: "contains", value: "aid" });
  });

  test("both groups must be chosen", () => {
    expect(errorsOf(ZMappingForm.safeParse({ ...pair, entraGroupId: "", rescueGroupId: "" }))).toMatchObject({
      entraGroupId: "Choose an Entra group in the first column.",
      rescueGroupId: "Choose a Rescue technician group in the second column.",
    });
  });
});

describe("settings form", () => {
  const valid = {
    name: "Contoso",
    scheduleIntervalMinutes: "60",
    paused: false,
    sandboxMode: true,
    thresholdPercent: "10",
    thresholdMinimum: "5",
  };

  test("numbers arrive as text and leave as numbers", () => {
    expect(ZTenantSettingsForm.parse(valid)).toMatchObject({ scheduleIntervalMinutes: 60, thresholdPercent: 10 });
  });

  test("the interval stays between 5 and 1440 minutes and the percentage within 0..100", () => {
    expect(
      errorsOf(ZTenantSettingsForm.safeParse({ ...valid, scheduleIntervalMinutes: "2", thresholdPercent: "120" })),
    ).toEqual({
      scheduleIntervalMinutes: "Runs can be at most every 5 minutes.",
      thresholdPercent: "The percentage is between 0 and 100.",
    });
  });

  test("the attribute mapping must be a JSON object", () => {
    expect(errorsOf(ZTenantSettingsForm.safeParse({ ...valid, attributeMapping: "[1]" })).attributeMapping).toMatch(
      /JSON object/,
    );
    expect(ZTenantSettingsForm.parse({ ...valid, attributeMapping: '{"nick":"mail"}' }).attributeMapping).toEqual({
      nick: "mail",
    });
  });

  test("an API key needs a name and a scope", () => {
    expect(errorsOf(ZApiKeyForm.safeParse({ name: "", scopes: [] }))).toEqual({
      name: "Name the key after what will use it, e.g. “nightly export”.",
      scopes: "Choose at least one scope.",
    });
  });
});
