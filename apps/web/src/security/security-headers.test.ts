import { NextRequest } from "next/server";
import nextConfig from "../../next.config";
import { config, proxy } from "../../proxy";

function nonceOf(policy: string): string {
  const match = /'nonce-([^']+)'/.exec(policy);
  if (!match?.[1]) throw new Error(`no nonce in ${policy}`);
  return match[1];
}

describe("the portal's security headers", () => {
  test("every page gets a Content-Security-Policy with a fresh script nonce, also handed to the renderer", () => {
    const first = proxy(new NextRequest("http://127.0.0.1:3000/t/some-tenant/runs/some-run"));
    const second = proxy(new NextRequest("http://127.0.0.1:3000/"));
    const policy = first.headers.get("content-security-policy") ?? "";
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'(;|$)/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'self'");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(nonceOf(policy)).not.toBe(nonceOf(second.headers.get("content-security-policy") ?? ""));
    // Next.js reads the request's policy to put the nonce on its scripts.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonceOf(policy));
  });

  test("the proxy skips static assets only", () => {
    const source = config.matcher[0]?.source ?? "";
    const matches = (path: string) => new RegExp(`^${source}$`).test(path);
    expect(matches("/sign-in")).toBe(true);
    expect(matches("/api/auth/callback/azure-ad")).toBe(true);
    expect(matches("/_next/static/chunks/main.js")).toBe(false);
  });

  test("every response says nosniff, no framing and a same-origin referrer", async () => {
    const rules = (await nextConfig.headers?.()) ?? [];
    expect(rules).toEqual([
      {
        source: "/:path*",
        headers: expect.arrayContaining([
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ]),
      },
    ]);
  });
});
