import NextAuth from "next-auth";
import { buildAuthOptions } from "../../../../src/auth/auth-options";

// Built per request so `next build` needs no secrets.
function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(buildAuthOptions())(request, context);
}

export { handler as GET, handler as POST };
