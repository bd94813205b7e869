import type { Metadata, Viewport } from "next";
import { type ReactNode, Suspense } from "react";
import { FocusOnNavigation } from "../src/components/focus-on-navigation";
import "./globals.css";

export const metadata: Metadata = {
  // Each page names itself ("Technicians") and the template adds the product: "Technicians · TechSync".
  title: { template: "%s · TechSync", default: "TechSync" },
  description: "Keep LogMeIn Rescue technician groups in step with Microsoft Entra ID groups.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Every page renders per request, so each gets the fresh script nonce of its Content-Security-Policy (proxy.ts).
export const dynamic = "force-dynamic";

// A system font stack (globals.css): next/font/google would fetch fonts at build time.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        {children}
        <Suspense fallback={null}>
          <FocusOnNavigation />
        </Suspense>
      </body>
    </html>
  );
}
