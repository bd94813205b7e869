import type { Metadata } from "next";
import type { ReactNode } from "react";

export const metadata: Metadata = {
  title: "TechSync",
  description: "Keep LogMeIn Rescue technician groups in step with Microsoft Entra ID groups.",
};

// A system font stack: next/font/google would fetch fonts at build time.
const bodyStyle = {
  margin: 0,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  color: "#1f2937",
  background: "#f8fafc",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={bodyStyle}>{children}</body>
    </html>
  );
}
