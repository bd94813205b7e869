"use client";
// The link to where a problem is fixed (the setup step of the connection a message is about), next to the message.
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { FixLink as Fix } from "../api/field-labels";

export function FixLink({ fix }: { fix: Fix }) {
  const pathname = usePathname() ?? "";
  const tenant = /^\/t\/[^/]+/.exec(pathname)?.[0];
  const href = `${tenant ?? ""}/onboarding/${fix.step}`;
  // Already on that step: the form is right here.
  if (!tenant || pathname === href) return null;
  return (
    <>
      {" "}
      <Link href={href}>{fix.label}</Link>
    </>
  );
}
