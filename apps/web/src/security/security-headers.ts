// What every portal response tells the browser: where scripts may come from (a fresh nonce per page, so an
// injected script does not run), that no site may frame the portal, that content types are not guessed, and
// that URLs (with tenant and run ids) do not leak to other sites as referrers.

/** Headers on every response, pages and route handlers alike (next.config.ts). */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
];

/** A fresh, unguessable nonce for one response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * The page's Content-Security-Policy. Scripts need the nonce Next.js puts on its own scripts ('strict-dynamic'
 * lets those load the chunks they import); development adds 'unsafe-eval' for React's debugging. Styles allow
 * inline attributes: React's style={…} cannot carry a nonce, and styles do not run code.
 */
export function contentSecurityPolicy(nonce: string, options: { development?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
