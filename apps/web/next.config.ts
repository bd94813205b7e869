import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./src/security/security-headers";

const config: NextConfig = {
  // The portal talks to the API only; it bundles no database code (docs/architecture.md).
  transpilePackages: ["@techsync/api-contract", "@techsync/config", "@techsync/sync-core"],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: [...SECURITY_HEADERS] }];
  },
};

export default config;
