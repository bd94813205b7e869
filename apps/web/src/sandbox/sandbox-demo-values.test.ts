import { ZSetRescueConnectionBody } from "@techsync/api-contract";
import { sandboxRescueConnection } from "./sandbox-demo-values";

describe("the sandbox's Rescue form", () => {
  test("rule 15: each sandbox tenant gets a token of the emulator's sandbox form of its own, which the API accepts", () => {
    const a = sandboxRescueConnection("5a4d0b0e-0000-4000-8000-00000000de02");
    const b = sandboxRescueConnection("7C1F0B0E-1111-4000-8000-00000000DE03");
    expect(a.apiToken).toBe("demotoken0techsync0sandbox0org05a4d0b0e00004000800000000000de02");
    expect(b.apiToken).toMatch(/^demotoken0techsync0sandbox0org0[0-9a-f]{32}$/);
    expect(a.email).toBe("mah+5a4d0b0e00004000800000000000de02@contoso-demo.example");
    expect(a.apiToken).not.toBe(b.apiToken);
    expect(ZSetRescueConnectionBody.safeParse(a).success).toBe(true);
  });
});
