import { generateMasterKey, parseMasterKeyring, SecretBox, SecretBoxError } from "./secret-box";

const tenantA = "7d3c1f0e-0000-4000-8000-00000000000a";
const tenantB = "7d3c1f0e-0000-4000-8000-00000000000b";

function keyring(active: string, ids: string[]) {
  return parseMasterKeyring(ids.map((id) => `${id}:${keys[id]}`).join(","), active);
}
const keys: Record<string, string> = { k1: generateMasterKey(), k2: generateMasterKey() };

describe("secret box", () => {
  const box = new SecretBox(keyring("k1", ["k1"]));
  const dataKey = box.createDataKey(tenantA);

  test("round trip: what is encrypted decrypts to the same text, and the ciphertext hides it", () => {
    const ciphertext = box.encrypt(tenantA, dataKey, "rescue.password", "Tr0ub4dor&3 ünïcode");
    expect(ciphertext).not.toContain("Tr0ub4dor");
    expect(box.decrypt(tenantA, dataKey, "rescue.password", ciphertext)).toBe("Tr0ub4dor&3 ünïcode");
  });

  test("the same plaintext encrypts differently each time (random IV)", () => {
    expect(box.encrypt(tenantA, dataKey, "f", "x")).not.toBe(box.encrypt(tenantA, dataKey, "f", "x"));
  });

  test("a flipped byte in the ciphertext fails authentication", () => {
    const ciphertext = box.encrypt(tenantA, dataKey, "entra.clientSecret", "s3cret");
    const [format, keyId, sealed] = ciphertext.split(":") as [string, string, string];
    const [iv, tag, body] = sealed.split(".") as [string, string, string];
    const bytes = Buffer.from(body, "base64url");
    bytes[0] = bytes[0]! ^ 0x01;
    const tampered = `${format}:${keyId}:${iv}.${tag}.${bytes.toString("base64url")}`;
    expect(() => box.decrypt(tenantA, dataKey, "entra.clientSecret", tampered)).toThrow(SecretBoxError);
  });

  test("another tenant's AAD fails: a ciphertext copied to tenant B does not decrypt", () => {
    const ciphertext = box.encrypt(tenantA, dataKey, "rescue.password", "s3cret");
    // Tenant B cannot even unwrap A's data key, and with its own key the id does not match.
    expect(() => box.decrypt(tenantB, dataKey, "rescue.password", ciphertext)).toThrow(SecretBoxError);
    const dataKeyB = box.createDataKey(tenantB);
    expect(() => box.decrypt(tenantB, dataKeyB, "rescue.password", ciphertext)).toThrow(/another data key/);
  });

  test("another field's AAD fails: a password copied into the token column does not decrypt", () => {
    const ciphertext = box.encrypt(tenantA, dataKey, "rescue.password", "s3cret");
    expect(() => box.decrypt(tenantA, dataKey, "rescue.serviceToken", ciphertext)).toThrow(/failed authentication/);
  });

  test("rotation: after re-wrapping under a new master key, old ciphertexts stay readable", () => {
    const before = box.encrypt(tenantA, dataKey, "rescue.password", "kept across rotation");
    const rotated = new SecretBox(keyring("k2", ["k1", "k2"]));
    expect(rotated.needsRewrap(dataKey)).toBe(true);
    // Still readable before the re-wrap (old key kept in the ring)...
    expect(rotated.decrypt(tenantA, dataKey, "rescue.password", before)).toBe("kept across rotation");
    const rewrapped = rotated.rewrapDataKey(tenantA, dataKey);
    expect(rewrapped.masterKeyId).toBe("k2");
    expect(rotated.needsRewrap(rewrapped)).toBe(false);
    // ...and after it, even once the old master key is retired.
    const retired = new SecretBox(keyring("k2", ["k2"]));
    expect(retired.decrypt(tenantA, rewrapped, "rescue.password", before)).toBe("kept across rotation");
    expect(() => retired.decrypt(tenantA, dataKey, "rescue.password", before)).toThrow(/"k1", which is not configured/);
  });

  test("bad keyring configuration is reported plainly, without the key material", () => {
    expect(() => parseMasterKeyring("k1:c2hvcnQ=", "k1")).toThrow(/must be 32 bytes/);
    expect(() => parseMasterKeyring(`k1:${keys.k1}`, "k9")).toThrow(/"k9" is not among/);
    expect(() => parseMasterKeyring("", "k1")).toThrow(/no master key/);
    const duplicate = () => parseMasterKeyring(`k1:${keys.k1},k1:${keys.k1}`, "k1");
    expect(duplicate).toThrow(/appears twice/);
    const message = (() => {
      try {
        duplicate();
        return "";
      } catch (error) {
        return String(error);
      }
    })();
    expect(message).not.toContain(keys.k1);
  });
});
