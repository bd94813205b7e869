import { z } from "zod";
import { EnvError, envShapes, parseEnv, publishedSecretIn } from "./index";

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

describe("published secrets in production", () => {
  const published = "local-dev-only-portal-token-secret-0123456789";
  const base = { DATABASE_URL: "postgresql://h/db" };

  test("a published or placeholder secret stops a production start, naming the variable only", () => {
    for (const value of [published, "replace-me-with-32-random-bytes-base64"]) {
      let error: unknown;
      try {
        parseEnv(schema, { ...base, API_TOKEN_SECRET: value, NODE_ENV: "production" });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EnvError);
      expect((error as Error).message).toMatch(/^Refusing to start in production: API_TOKEN_SECRET is a published/);
      expect((error as Error).message).not.toContain(value);
    }
  });

  test("outside production the examples still run; a fresh secret runs everywhere", () => {
    expect(parseEnv(schema, { ...base, API_TOKEN_SECRET: published }).API_TOKEN_SECRET).toBe(published);
    const fresh = "b".repeat(43);
    expect(parseEnv(schema, { ...base, API_TOKEN_SECRET: fresh, NODE_ENV: "production" }).API_TOKEN_SECRET).toBe(fresh);
  });

  test("a keyring holding the published master key among others is refused", () => {
    expect(
      publishedSecretIn({ SECRET_BOX_MASTER_KEYS: "new:AAAA,local:ryUXSI/HohRp4YrNrGdHePr2ab3zjuk6Q7xVuebvV8g=" }),
    ).toBe("SECRET_BOX_MASTER_KEYS");
  });

  test("flags are true or false, nothing else", () => {
    const flags = z.object({ ON: envShapes.flag(false) });
    expect(parseEnv(flags, {}).ON).toBe(false);
    expect(parseEnv(flags, { ON: "true" }).ON).toBe(true);
    expect(() => parseEnv(flags, { ON: "yes" })).toThrow(/Invalid environment variable ON/);
  });
});
