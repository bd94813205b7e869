// MSAL refuses http authorities and the Graph client only sends tokens to https hosts, so the
// emulator serves TLS from a local CA made at first start (no downloads) and reused afterwards.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generate } from "selfsigned";

export interface EmulatorCertificates {
  caPath: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export const DEFAULT_CERT_DIR = path.resolve(__dirname, "../../.certs");

const FILES = { ca: "graph-ca.pem", caKey: "graph-ca-key.pem", cert: "graph-server.pem", key: "graph-server-key.pem" };

function writeAtomically(file: string, content: string) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, file);
}

export async function loadOrCreateCertificates(certDir = DEFAULT_CERT_DIR): Promise<EmulatorCertificates> {
  const files = {
    ca: path.join(certDir, FILES.ca),
    caKey: path.join(certDir, FILES.caKey),
    cert: path.join(certDir, FILES.cert),
    key: path.join(certDir, FILES.key),
  };
  if (!Object.values(files).every((file) => existsSync(file))) {
    mkdirSync(certDir, { recursive: true });
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
          ],
        },
      ],
    });
    // Keys first, the CA last: a reader that sees the CA file sees a complete set.
    writeAtomically(files.caKey, ca.private);
    writeAtomically(files.key, server.private);
    writeAtomically(files.cert, server.cert);
    writeAtomically(files.ca, ca.cert);
  }
  return {
    caPath: files.ca,
    caCertPem: readFileSync(files.ca, "utf8"),
    certPem: readFileSync(files.cert, "utf8"),
    keyPem: readFileSync(files.key, "utf8"),
  };
}
