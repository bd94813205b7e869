// Runs before every page: a fresh nonce and the Content-Security-Policy that names it. Next.js reads the
// policy from the request headers and puts the nonce on the scripts it renders (pages render per request).
import { type NextRequest, NextResponse } from "next/server";
import { RETURN_PATH_HEADER } from "./src/auth/return-path";
import { contentSecurityPolicy, newNonce } from "./src/security/security-headers";

export function proxy(request: NextRequest): NextResponse {
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  // The page asked for (or whose server action runs), so a sign-in redirect can come back to it (return-path.ts).
  headers.set(RETURN_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Static assets carry no page: they need no policy of their own.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
