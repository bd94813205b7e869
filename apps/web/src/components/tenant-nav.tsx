"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

export function TenantNav({ tenantId }: { tenantId: string }) {
  const pathname = usePathname();
  const base = `/t/${tenantId}`;
  const links = [
    { href: base, label: "Dashboard", active: pathname === base || pathname.startsWith(`${base}/runs`) },
    { href: `${base}/onboarding/rescue`, label: "Setup", active: pathname.startsWith(`${base}/onboarding`) },
    { href: `${base}/mappings`, label: "Mappings", active: pathname.startsWith(`${base}/mappings`) },
    { href: `${base}/technicians`, label: "Technicians", active: pathname.startsWith(`${base}/technicians`) },
    { href: `${base}/log`, label: "Sync log", active: pathname.startsWith(`${base}/log`) },
    { href: `${base}/alerts`, label: "Alerts", active: pathname.startsWith(`${base}/alerts`) },
    { href: `${base}/audit`, label: "Audit log", active: pathname.startsWith(`${base}/audit`) },
    { href: `${base}/settings`, label: "Settings", active: pathname.startsWith(`${base}/settings`) },
  ];
  return (
    <nav aria-label="Main">
      {links.map((link) => (
        <Link key={link.href} href={link.href} aria-current={link.active ? "page" : undefined}>
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
