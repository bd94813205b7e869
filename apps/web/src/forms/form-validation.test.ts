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
  const first = rescueConnectionForm({ apiToken: false, defaultPassword: false });
  const later = rescueConnectionForm({ apiToken: true, defaultPassword: true, region: "global" });

  test("the first time, the API token and default password are required; the token's hint says where to find it", () => {
    const errors = errorsOf(first.safeParse({ email: "mah@contoso.example", password: "", apiToken: "" }));
    expect(Object.keys(errors).sort()).toEqual(["apiToken", "defaultPassword"]);
    expect(errors.apiToken).toContain("Admin Center › Global Settings › Generate API token");
  });

  test("later, empty secrets mean keep the saved ones and are not sent; the region defaults to global", () => {
    const parsed = later.parse({ email: "mah@contoso.example", password: "", apiToken: "", defaultPassword: "" });
    expect(parsed).toEqual({
      email: "mah@contoso.example",
      password: undefined,
      apiToken: undefined,
      region: "global",
      defaultPassword: undefined,
    });
  });

  test("another region needs the API token again; a region must be one of the list", () => {
    expect(errorsOf(later.safeParse({ email: "mah@contoso.example", region: "enterprise" })).apiToken).toContain(
      "region changed",
    );
    expect(later.safeParse({ email: "mah@contoso.example", region: "enterprise", apiToken: "t" }).success).toBe(true);
    expect(errorsOf(later.safeParse({ email: "mah@contoso.example", region: "http://127.0.0.1:1" }))).toHaveProperty(
      "region",
    );
  });

  test("a replaced default password still needs 8 characters", () => {
    expect(errorsOf(later.safeParse({ email: "mah@contoso.example", defaultPassword: "abc" }))).toEqual({
      defaultPassword: "Use at least 8 characters for the default password.",
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
    expect(parsed.cloud).toBe("global");
  });

  test("another cloud needs the client secret again", () => {
    const form = entraConnectionForm({ clientSecret: true, cloud: "global" });
    const ids = {
      directoryId: "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10",
      clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
    };
    expect(errorsOf(form.safeParse({ ...ids, cloud: "usgov" })).clientSecret).toContain("cloud changed");
    expect(form.safeParse({ ...ids, cloud: "usgov", clientSecret: "s" }).success).toBe(true);
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
    includeGuests: false,
    thresholdPercent: "10",
    thresholdMinimum: "5",
  };

  test("the SSO id source is Rescue's unless the box is ticked (rule 16)", () => {
    expect(ZTenantSettingsForm.parse(valid).ssoIdFromEntra).toBe(false);
    expect(ZTenantSettingsForm.parse({ ...valid, ssoIdFromEntra: true }).ssoIdFromEntra).toBe(true);
  });

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
