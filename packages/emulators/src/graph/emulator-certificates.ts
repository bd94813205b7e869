// MSAL refuses http authorities and the Graph client only sends tokens to https hosts, so the
// emulator serves TLS from a local CA made at first start (no downloads) and reused afterwards.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generate } from "selfsigned";

export interface EmulatorCertificates {
  caPath: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/** Its own folder under the gitignored .certs, so replacing an incomplete set touches nothing else. */
export const DEFAULT_CERT_DIR = path.resolve(__dirname, "../../.certs/graph");

const FILES = { ca: "graph-ca.pem", caKey: "graph-ca-key.pem", cert: "graph-server.pem", key: "graph-server-key.pem" };

async function generateCertificates(extraHostnames: readonly string[]): Promise<Record<keyof typeof FILES, string>> {
  const notAfterDate = new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: "commonName", value: "TechSync Emulator Local CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
          // e.g. the compose service name, so other containers can reach the emulator over TLS
          ...extraHostnames.map((value) => ({ type: 2 as const, value })),
        ],
      },
    ],
  });
  return { ca: ca.cert, caKey: ca.private, cert: server.cert, key: server.private };
}

export async function loadOrCreateCertificates(
  certDir = DEFAULT_CERT_DIR,
  extraHostnames: readonly string[] = [],
): Promise<EmulatorCertificates> {
  const files = {
    ca: path.join(certDir, FILES.ca),
    caKey: path.join(certDir, FILES.caKey),
    cert: path.join(certDir, FILES.cert),
    key: path.join(certDir, FILES.key),
  };
  if (!Object.values(files).every((file) => existsSync(file))) {
    // Several processes may start at once on a fresh checkout (parallel test runs): each writes a
    // complete set into its own directory and renames it into place; the first rename wins, the
    // others use the winner's set, so nobody reads a CA that does not match the certificate.
    const pems = await generateCertificates(extraHostnames);
    const staging = `${certDir}.${process.pid}.${Date.now()}.tmp`;
    mkdirSync(path.dirname(certDir), { recursive: true });
    mkdirSync(staging, { recursive: true });
    for (const name of Object.keys(FILES) as (keyof typeof FILES)[]) {
      writeFileSync(path.join(staging, FILES[name]), pems[name], { mode: 0o600 });
    }
    if (existsSync(certDir) && !existsSync(files.ca)) rmSync(certDir, { recursive: true, force: true });
    try {
      renameSync(staging, certDir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    caPath: files.ca,
    caCertPem: readFileSync(files.ca, "utf8"),
    certPem: readFileSync(files.cert, "utf8"),
    keyPem: readFileSync(files.key, "utf8"),
  };
}
