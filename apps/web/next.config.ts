import type { NextConfig } from "next";

const config: NextConfig = {
  // The portal talks to the API only; it bundles no database code (DESIGN.md).
  transpilePackages: ["@techsync/config"],
  poweredByHeader: false,
};

export default config;
