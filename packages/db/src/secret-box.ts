// Envelope encryption for tenant secrets (docs/security.md): each tenant has its own
// AES-256 data key; that key is stored wrapped (AES-256-GCM) by a master key from the environment.
// Every ciphertext names the data key it was made with, and every wrapped data key names its master
// key, so master keys can rotate: re-wrap the data keys, old ciphertexts stay readable.
// Additional authenticated data binds each secret to its tenant and field: a ciphertext copied to
// another tenant or another column does not decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const KEY_BYTES = 32;
const FORMAT = "v1";

export class SecretBoxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SecretBoxError";
  }
}

/** Master keys by id, and which one wraps new data keys. */
export interface MasterKeyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** A tenant's data key as stored in the database. */
export interface WrappedDataKey {
  wrapped: string;
  masterKeyId: string;
}

/**
 * Parses `SECRET_BOX_MASTER_KEYS` ("id1:base64,id2:base64": 32-byte keys) and the active key id.
 * Throws a SecretBoxError naming what is wrong (never the key material).
 */
export function parseMasterKeyring(keys: string, activeKeyId: string): MasterKeyring {
  const map = new Map<string, Buffer>();
  for (const entry of keys
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const sep = entry.indexOf(":");
    if (sep <= 0) throw new SecretBoxError(`master key entry #${map.size + 1} must look like "<id>:<base64 key>"`);
    const id = entry.slice(0, sep);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
      throw new SecretBoxError(`master key id "${id}" must be 1-32 of A-Z a-z 0-9 _ -`);
    const key = Buffer.from(entry.slice(sep + 1), "base64");
    if (key.length !== KEY_BYTES)
      throw new SecretBoxError(`master key "${id}" must be ${KEY_BYTES} bytes, base64-encoded`);
    if (map.has(id)) throw new SecretBoxError(`master key id "${id}" appears twice`);
    map.set(id, key);
  }
  if (map.size === 0) throw new SecretBoxError("no master key given");
  if (!map.has(activeKeyId))
    throw new SecretBoxError(`active master key id "${activeKeyId}" is not among the master keys`);
  return { activeKeyId, keys: map };
}

/** A fresh random master key, base64 (for .env files and tests). */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString("base64url")).join(".");
}

function open(key: Buffer, sealed: string, aad: string, what: string): Buffer {
  const parts = sealed.split(".");
  if (parts.length !== 3) throw new SecretBoxError(`${what} is malformed`);
  const [iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, "base64url")) as [Buffer, Buffer, Buffer];
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv);
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new SecretBoxError(`${what} failed authentication (tampered, or not for this tenant/field)`, {
      cause: error,
    });
  }
}

/** Short, non-secret fingerprint of a data key, stored with each ciphertext. */
function dataKeyId(dataKey: Buffer): string {
  return createHash("sha256").update(dataKey).digest("hex").slice(0, 16);
}

function dataKeyAad(tenantId: string): string {
  return `techsync/data-key/${tenantId}`;
}

function fieldAad(tenantId: string, field: string): string {
  return `techsync/secret/${tenantId}/${field}`;
}

export class SecretBox {
  constructor(private readonly keyring: MasterKeyring) {}

  /** A new data key for a tenant, wrapped by the active master key. */
  createDataKey(tenantId: string): WrappedDataKey {
    return this.wrap(tenantId, randomBytes(KEY_BYTES));
  }

  /** Re-wraps a tenant's data key under the active master key (rotation); its ciphertexts stay valid. */
  rewrapDataKey(tenantId: string, current: WrappedDataKey): WrappedDataKey {
    return this.wrap(tenantId, this.unwrap(tenantId, current));
  }

  /** True when the data key is wrapped by a master key other than the active one. */
  needsRewrap(current: WrappedDataKey): boolean {
    return current.masterKeyId !== this.keyring.activeKeyId;
  }

  encrypt(tenantId: string, dataKey: WrappedDataKey, field: string, plaintext: string): string {
    const key = this.unwrap(tenantId, dataKey);
    return `${FORMAT}:${dataKeyId(key)}:${seal(key, Buffer.from(plaintext, "utf8"), fieldAad(tenantId, field))}`;
  }

  decrypt(tenantId: string, dataKey: WrappedDataKey, field: string, ciphertext: string): string {
    const [format, keyId, sealed] = ciphertext.split(":");
    if (format !== FORMAT || !keyId || !sealed)
      throw new SecretBoxError(`secret "${field}" is not a ${FORMAT} ciphertext`);
    const key = this.unwrap(tenantId, dataKey);
    if (dataKeyId(key) !== keyId) {
      throw new SecretBoxError(`secret "${field}" was encrypted with another data key (${keyId})`);
    }
    return open(key, sealed, fieldAad(tenantId, field), `secret "${field}"`).toString("utf8");
  }

  private wrap(tenantId: string, dataKey: Buffer): WrappedDataKey {
    const masterKeyId = this.keyring.activeKeyId;
    const master = this.keyring.keys.get(masterKeyId)!;
    return { masterKeyId, wrapped: seal(master, dataKey, dataKeyAad(tenantId)) };
  }

  private unwrap(tenantId: string, dataKey: WrappedDataKey): Buffer {
    const master = this.keyring.keys.get(dataKey.masterKeyId);
    if (!master) {
      throw new SecretBoxError(
        `the tenant's data key is wrapped by master key "${dataKey.masterKeyId}", which is not configured`,
      );
    }
    return open(master, dataKey.wrapped, dataKeyAad(tenantId), "tenant data key");
  }
}
