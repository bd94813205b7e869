/** @jest-environment jsdom */
// Wizard steps 1 and 2 as the person sees them: saved values come back, secrets never do,
// the API's answers appear next to their field, and Test shows its result in plain words.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { entraCloudOptions, rescueRegionOptions } from "../../../../src/forms/destination-options";
import type { EntraStepState, RescueStepState } from "./actions";
import { EntraStepForm } from "./entra/entra-step-form";
import { RescueStepForm, type SavedRescueStep } from "./rescue/rescue-step-form";

jest.mock("next/link", () => ({
  __esModule: true,
  default: ({ href, children, ...rest }: { href: string; children: React.ReactNode }) => (
    <a href={href} {...rest}>
      {children}
    </a>
  ),
}));

const savedRescue: SavedRescueStep = {
  email: "mah@contoso.example",
  region: "global",
  regionOptions: rescueRegionOptions(false),
  hasPassword: true,
  hasApiToken: true,
  hasDefaultPassword: false,
  lastTest: null,
  organisation: null,
};

describe("step 1: Rescue", () => {
  test("shows what was saved; saved secrets are only marked as saved", () => {
    render(<RescueStepForm action={jest.fn()} saved={savedRescue} />);
    expect((screen.getByLabelText("Email") as HTMLInputElement).value).toBe("mah@contoso.example");
    const password = screen.getByLabelText("Password (optional)") as HTMLInputElement;
    expect(password.value).toBe("");
    expect(password.placeholder).toContain("saved");
    expect(screen.getByLabelText("Default password for new technicians").getAttribute("placeholder")).toBeNull();
  });

  test("tells where to find the API token the first time", () => {
    render(<RescueStepForm action={jest.fn()} saved={{ ...savedRescue, hasApiToken: false }} />);
    const hint = document.getElementById("field-apiToken-hint");
    expect(hint?.textContent).toContain("Global Settings › Generate API token › Generate and Copy");
    expect(hint?.textContent).toContain("Master Account Holder or a Master Administrator");
    expect(screen.getByLabelText("API token").getAttribute("aria-describedby")).toBe("field-apiToken-hint");
  });

  test("the region is a choice from the list, never an address; the sandbox only for sandbox tenants", () => {
    const { unmount } = render(<RescueStepForm action={jest.fn()} saved={savedRescue} />);
    const region = screen.getByLabelText("Rescue region") as HTMLSelectElement;
    expect(Array.from(region.options).map((o) => o.value)).toEqual(["global", "enterprise"]);
    expect(region.value).toBe("global");
    expect(screen.queryByRole("textbox", { name: /URL|address/i })).toBeNull();
    unmount();
    render(
      <RescueStepForm
        action={jest.fn()}
        saved={{ ...savedRescue, region: "sandbox", regionOptions: rescueRegionOptions(true) }}
      />,
    );
    expect((screen.getByLabelText("Rescue region") as HTMLSelectElement).value).toBe("sandbox");
  });

  test("Test connection sends the form and shows the result in plain words", async () => {
    const action = jest.fn(
      async (_previous: RescueStepState, _form: FormData): Promise<RescueStepState> => ({
        ok: false,
        test: {
          ok: false,
          result: "password_invalid",
          message: "Rescue refused the password for mah@contoso.example: it is wrong.",
          checks: [
            { credential: "apiToken", outcome: "passed", message: "Rescue accepted the API token." },
            { credential: "email", outcome: "passed", message: "The API token belongs to mah@contoso.example." },
            { credential: "password", outcome: "failed", message: "Rescue refused the password." },
          ],
          masterAdministrator: true,
          warnings: ["The token expires soon."],
        },
      }),
    );
    render(<RescueStepForm action={action} saved={savedRescue} />);
    fireEvent.change(screen.getByLabelText("Default password for new technicians"), {
      target: { value: "Welcome-2026!" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Could not connect to Rescue.");
    expect(alert.textContent).toContain("Rescue refused the password for mah@contoso.example: it is wrong.");
    // Which credential failed, one line each.
    expect(alert.textContent).toContain("API token: OK");
    expect(alert.textContent).toContain("Password: Failed — Rescue refused the password.");
    expect(alert.textContent).toContain("The token expires soon.");
    const form = action.mock.calls[0]![1];
    expect(form.get("intent")).toBe("test");
    expect(form.get("defaultPassword")).toBe("Welcome-2026!");
  });

  test("an error from the API sits under its field and is announced with it", async () => {
    const action = jest.fn(
      async (_previous: RescueStepState, _form: FormData): Promise<RescueStepState> => ({
        ok: false,
        message: "Some of the values are not valid.",
        values: { email: "not-an-email" },
        fieldErrors: { email: "Enter the Master Account Holder's email address." },
      }),
    );
    render(<RescueStepForm action={action} saved={savedRescue} />);
    fireEvent.click(screen.getByRole("button", { name: "Save and continue" }));
    await screen.findByText("Enter the Master Account Holder's email address.");
    const email = screen.getByLabelText("Email") as HTMLInputElement;
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(email.getAttribute("aria-describedby")).toBe("field-email-error");
    await waitFor(() => expect(email.value).toBe("not-an-email"));
    expect(action.mock.calls[0]![1].get("intent")).toBe("next");
  });

  test("rule 15: an organisation another tenant of the person's holds is offered to move here, sent as moveFrom", async () => {
    const fromTenantId = "0b6f5f0e-1c2d-4e3f-8a9b-0c1d2e3f4a5b";
    const action = jest.fn(
      async (previous: RescueStepState, _form: FormData): Promise<RescueStepState> =>
        previous.move
          ? { ok: true, message: "Saved." }
          : {
              ok: false,
              message: "The Rescue organisation “Contoso” (account 560961) is connected to your tenant “Contoso Old”.",
              move: { fromTenantId, fromTenantName: "Contoso Old" },
            },
    );
    render(<RescueStepForm action={action} saved={savedRescue} />);
    fireEvent.click(screen.getByRole("button", { name: "Save and continue" }));
    const offer = await screen.findByRole("alert");
    expect(offer.textContent).toContain("is connected to your tenant “Contoso Old”");
    expect(offer.textContent).toContain("enter the API token");
    fireEvent.click(screen.getByRole("button", { name: "Move it from “Contoso Old” to this tenant" }));
    await waitFor(() => expect(action).toHaveBeenCalledTimes(2));
    expect(action.mock.calls[1]![1].get("moveFrom")).toBe(fromTenantId);
    expect(action.mock.calls[0]![1].get("moveFrom")).toBeNull();
  });

  test("shows the organisation the connection opens", () => {
    render(
      <RescueStepForm
        action={jest.fn()}
        saved={{ ...savedRescue, organisation: { accountId: 560961, name: "Contoso Support" } }}
      />,
    );
    expect(screen.getByText("Connected organisation: Contoso Support (account 560961).")).toBeTruthy();
  });
});

describe("step 2: Entra ID", () => {
  const saved = {
    directoryId: "7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10",
    clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
    cloud: "global",
    cloudOptions: entraCloudOptions(false),
    hasClientSecret: true,
  };

  test("Test lists each permission as granted or missing", async () => {
    const action = jest.fn(
      async (): Promise<EntraStepState> => ({
        ok: false,
        test: {
          ok: false,
          message: "Admin consent is missing.",
          permissions: [
            { permission: "User.Read.All", granted: true },
            { permission: "Group.Read.All", granted: false },
            { permission: "Directory.Read.All", granted: true },
          ],
          summary: ["Grant admin consent for your directory."],
        },
      }),
    );
    render(<EntraStepForm tenantId="t1" action={action} saved={saved} />);
    fireEvent.click(screen.getByRole("button", { name: "Test" }));
    const list = await screen.findByRole("list", { name: "Graph permissions" });
    expect(Array.from(list.querySelectorAll("li")).map((li) => li.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "User.Read.All granted",
      "Group.Read.All missing",
      "Directory.Read.All granted",
    ]);
    expect(screen.getByText("Grant admin consent for your directory.")).toBeTruthy();
  });

  test("a secret expiry read from Entra is told beside an empty date field, so saving does not make it an entered one", () => {
    render(
      <EntraStepForm
        tenantId="t1"
        action={jest.fn()}
        saved={{ ...saved, clientSecretExpiresOnInEntra: "2026-12-20" }}
      />,
    );
    const date = screen.getByLabelText("Client secret expires on (optional)") as HTMLInputElement;
    expect(date.value).toBe("");
    expect(screen.getByText(/Microsoft Entra ID says the secret expires on 20 December 2026/)).toBeTruthy();
  });

  test("Back returns to step 1", () => {
    render(<EntraStepForm tenantId="t1" action={jest.fn()} saved={saved} />);
    expect(screen.getByRole("link", { name: "Back" }).getAttribute("href")).toBe("/t/t1/onboarding/rescue");
    expect((screen.getByLabelText("Client secret value") as HTMLInputElement).value).toBe("");
    const cloud = screen.getByLabelText("Microsoft cloud") as HTMLSelectElement;
    expect(Array.from(cloud.options).map((o) => o.value)).toEqual(["global", "usgov", "usgov-dod", "china"]);
  });
});
