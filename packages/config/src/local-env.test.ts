// The .env `npm start` writes on first run holds fresh secrets, none of them published with the code.
import { readFileSync } from "node:fs";
import path from "node:path";
import { GENERATED_SECRETS, localEnvFrom } from "../../../scripts/local-env.mjs";
import { PUBLISHED_SECRET_VALUES, publishedSecretIn } from "./index";

const example = readFileSync(path.resolve(__dirname, "../../../.env.example"), "utf8");

function variables(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]));
}

describe("a fresh .env from .env.example", () => {
  test("every secret .env.example holds is refused as published", () => {
    const env = variables(example);
    for (const name of Object.keys(PUBLISHED_SECRET_VALUES)) {
      expect({ name, published: publishedSecretIn({ [name]: env[name] }) }).toEqual({ name, published: name });
    }
  });

  test("has a fresh value for every secret and keeps every other line", () => {
    const fresh = localEnvFrom(example);
    expect(publishedSecretIn(variables(fresh))).toBeNull();
    const before = variables(example);
    const after = variables(fresh);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const [name, value] of Object.entries(before)) {
      if (name in GENERATED_SECRETS) {
        expect(after[name]).not.toBe(value);
        expect((after[name] ?? "").length).toBeGreaterThanOrEqual(32);
      } else {
        expect({ name, value: after[name] }).toEqual({ name, value });
      }
    }
    expect(fresh.split("\n").filter((line) => line.startsWith("#"))).toEqual(
      example.split("\n").filter((line) => line.startsWith("#")),
    );
  });

  test("two installations never share a secret", () => {
    const a = variables(localEnvFrom(example));
    const b = variables(localEnvFrom(example));
    for (const name of Object.keys(GENERATED_SECRETS)) expect(a[name]).not.toBe(b[name]);
  });

  test("the secret box keyring is 32 random bytes under the active key id", () => {
    const env = variables(localEnvFrom(example, () => Buffer.alloc(32, 7)));
    const [id, key] = (env.SECRET_BOX_MASTER_KEYS ?? "").split(":");
    expect(id).toBe(env.SECRET_BOX_ACTIVE_KEY_ID);
    expect(Buffer.from(key ?? "", "base64")).toEqual(Buffer.alloc(32, 7));
    expect(env.API_TOKEN_SECRET).toBe(Buffer.alloc(32, 7).toString("base64url"));
  });

  test("an example without a line for a generated secret is an error, not a .env missing it", () => {
    expect(() => localEnvFrom(example.replace(/^OPERATOR_TOKEN=.*$/m, ""))).toThrow(/OPERATOR_TOKEN/);
  });
});
