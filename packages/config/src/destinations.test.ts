import {
  DestinationError,
  ENTRA_CLOUD_NAMES,
  RESCUE_REGION_NAMES,
  resolveEntraEndpoint,
  resolveRescueEndpoint,
} from "./destinations";

const emulators = { rescueUrl: "http://127.0.0.1:4010", graphUrl: "https://127.0.0.1:4020/" };
const production = { sandboxMode: false };
const sandbox = { sandboxMode: true };

describe("Rescue regions", () => {
  it("maps each public region to its fixed https host, never to the emulator", () => {
    expect(resolveRescueEndpoint("global", production, emulators)).toEqual({
      region: "global",
      baseUrl: "https://secure.logmeinrescue.com",
      emulator: false,
    });
    expect(resolveRescueEndpoint("enterprise", sandbox, emulators).baseUrl).toBe(
      "https://secure.logmeinrescue-enterprise.com",
    );
    expect(RESCUE_REGION_NAMES).toEqual(["global", "enterprise", "sandbox"]);
  });

  it("gives the sandbox region to sandbox tenants only, and only when the server has an emulator", () => {
    expect(resolveRescueEndpoint("sandbox", sandbox, emulators)).toEqual({
      region: "sandbox",
      baseUrl: "http://127.0.0.1:4010",
      emulator: true,
    });
    expect(() => resolveRescueEndpoint("sandbox", production, emulators)).toThrow(/sandbox mode/);
    expect(() => resolveRescueEndpoint("sandbox", sandbox, {})).toThrow(/no Rescue emulator/);
  });

  it("refuses anything that is not a region name, URLs and prototype keys included", () => {
    for (const bad of ["http://127.0.0.1:9", "GLOBAL", "toString", "__proto__", ""]) {
      expect(() => resolveRescueEndpoint(bad, sandbox, emulators)).toThrow(DestinationError);
    }
  });
});

describe("Entra clouds", () => {
  it("pairs each cloud's authority with its own Graph host and token scope", () => {
    expect(resolveEntraEndpoint("usgov-dod", production, emulators)).toEqual({
      cloud: "usgov-dod",
      authorityHost: "https://login.microsoftonline.us",
      graphBaseUrl: "https://dod-graph.microsoft.us",
      graphScope: "https://dod-graph.microsoft.us/.default",
      emulator: false,
    });
    expect(resolveEntraEndpoint("china", production, emulators).graphBaseUrl).toBe(
      "https://microsoftgraph.chinacloudapi.cn",
    );
    expect(ENTRA_CLOUD_NAMES).toEqual(["global", "usgov", "usgov-dod", "china", "sandbox"]);
  });

  it("gives the sandbox cloud (the Graph emulator) to sandbox tenants of a server that has one", () => {
    expect(resolveEntraEndpoint("sandbox", sandbox, emulators)).toMatchObject({
      authorityHost: "https://127.0.0.1:4020",
      graphBaseUrl: "https://127.0.0.1:4020",
      emulator: true,
    });
    expect(() => resolveEntraEndpoint("sandbox", production, emulators)).toThrow(/sandbox mode/);
    expect(() => resolveEntraEndpoint("sandbox", sandbox, { rescueUrl: emulators.rescueUrl })).toThrow(/no Entra/);
    expect(() => resolveEntraEndpoint("https://login.example", sandbox, emulators)).toThrow(DestinationError);
  });
});
