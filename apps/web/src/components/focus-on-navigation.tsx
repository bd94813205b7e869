"use client";
// After moving to another page inside the portal (a link, a step's "Save and continue", an action that redirects),
// the focus goes to the new page's heading, so a keyboard or screen reader user starts at the page's content instead
// of the top of the document (or nowhere). The first page load keeps the browser's own start (the skip link first).
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useRef } from "react";

export function FocusOnNavigation() {
  const pathname = usePathname();
  const search = useSearchParams()?.toString() ?? "";
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // `${pathname}?${search}` changed: a new page (or the same page for another run or filter).
    const heading = document.querySelector<HTMLElement>("main h1");
    if (!heading || `${pathname}?${search}` === "") return;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
  }, [pathname, search]);
  return null;
}
