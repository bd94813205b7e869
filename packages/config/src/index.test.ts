import { z } from "zod";
import { EnvError, envShapes, parseEnv } from "./index";

const schema = z.object({
  DATABASE_URL: envShapes.postgresUrl,
  API_PORT: envShapes.port(4000),
  API_TOKEN_SECRET: envShapes.secret(32),
});

describe("parseEnv", () => {
  test("applies defaults and coerces numbers", () => {
    const env = parseEnv(schema, { DATABASE_URL: "postgresql://h/db", API_TOKEN_SECRET: "x".repeat(32) });
    expect(env.API_PORT).toBe(4000);
  });

  test("names a missing variable in one line", () => {
    expect(() => parseEnv(schema, { API_TOKEN_SECRET: "x".repeat(32) })).toThrow(
      /^Missing environment variable DATABASE_URL: .*\(see \.env\.example\)$/,
    );
  });

  test("names an invalid variable without echoing its value", () => {
    const secret = "too-short-secret-value";
    let error: unknown;
    try {
      parseEnv(schema, { DATABASE_URL: "postgresql://h/db", API_TOKEN_SECRET: secret });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toMatch(/^Invalid environment variable API_TOKEN_SECRET: must be at least 32/);
    expect((error as Error).message).not.toContain(secret);
  });

  test("rejects a URL of the wrong kind", () => {
    expect(() => parseEnv(schema, { DATABASE_URL: "mysql://h/db", API_TOKEN_SECRET: "x".repeat(32) })).toThrow(
      /DATABASE_URL: must be a postgresql:\/\/ URL/,
    );
  });
});

describe("envShapes.emulatorUrl", () => {
  const emulators = z.object({
    RESCUE_EMULATOR_URL: envShapes.emulatorUrl("http or https"),
    GRAPH_EMULATOR_URL: envShapes.emulatorUrl("https"),
  });

  test("is optional (empty is unset) and keeps only the origin", () => {
    expect(parseEnv(emulators, { RESCUE_EMULATOR_URL: "", GRAPH_EMULATOR_URL: undefined })).toEqual({});
    expect(parseEnv(emulators, { RESCUE_EMULATOR_URL: "http://127.0.0.1:4010/" }).RESCUE_EMULATOR_URL).toBe(
      "http://127.0.0.1:4010",
    );
  });

  test("refuses a path, query or fragment, and http for the Graph emulator", () => {
    for (const bad of ["http://127.0.0.1:4010/x", "http://127.0.0.1:4010/?a", "http://127.0.0.1:4010/#"]) {
      expect(() => parseEnv(emulators, { RESCUE_EMULATOR_URL: bad })).toThrow(/RESCUE_EMULATOR_URL/);
    }
    expect(() => parseEnv(emulators, { GRAPH_EMULATOR_URL: "http://127.0.0.1:4020" })).toThrow(/GRAPH_EMULATOR_URL/);
  });
});
