// The local .env `npm start` writes on first run: .env.example with every secret placeholder replaced by
// fresh random bytes, so no two installations share a secret and none is a value published with the code.
import { randomBytes as nodeRandomBytes } from "node:crypto";

/** Variables whose example values are placeholders, and how a fresh value is made from 32 random bytes. */
export const GENERATED_SECRETS = {
  API_TOKEN_SECRET: (bytes) => bytes.toString("base64url"),
  NEXTAUTH_SECRET: (bytes) => bytes.toString("base64url"),
  OPERATOR_TOKEN: (bytes) => bytes.toString("base64url"),
  // The secret box's keyring: "id:base64(32 bytes)"; its id must match SECRET_BOX_ACTIVE_KEY_ID.
  SECRET_BOX_MASTER_KEYS: (bytes) => `local:${bytes.toString("base64")}`,
};

/**
 * The text of a fresh .env from the text of .env.example. Only `NAME=value` lines of GENERATED_SECRETS change;
 * comments and every other line are kept as they are.
 */
export function localEnvFrom(exampleText, randomBytes = nodeRandomBytes) {
  const seen = new Set();
  const text = exampleText.replace(/^([A-Z0-9_]+)=.*$/gm, (line, name) => {
    const make = GENERATED_SECRETS[name];
    if (!make) return line;
    seen.add(name);
    return `${name}=${make(randomBytes(32))}`;
  });
  const missing = Object.keys(GENERATED_SECRETS).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`.env.example has no line for ${missing.join(", ")}`);
  return text;
}
