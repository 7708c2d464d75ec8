"use client";
/** The sidebar: sections of the console, the current one highlighted. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import styles from "./shell.module.css";

const SECTIONS = [
  { href: "/", label: "Pipelines", match: (p: string) => p === "/" || p.startsWith("/pipelines"), icon: "M3 5h4v4H3zM13 11h4v4h-4zM7 7h3a2 2 0 0 1 2 2v2a2 2 0 0 0 2 2h-1" },
  { href: "/runs", label: "Runs", match: (p: string) => p.startsWith("/runs"), icon: "M4 4h12M4 10h12M4 16h8" },
  { href: "/components", label: "Components", match: (p: string) => p.startsWith("/components"), icon: "M4 4h5v5H4zM11 4h5v5h-5zM4 11h5v5H4zM11 11h5v5h-5z" },
  { href: "/explore", label: "Explore", match: (p: string) => p.startsWith("/explore"), icon: "M3 16l4-6 3 3 4-7 3 4" },
];

export function Nav({ controlPlane, version }: { controlPlane: string; version: string }) {
  const pathname = usePathname() ?? "/";
  return (
    <nav className={styles.nav} aria-label="Console">
      <Link href="/" className={styles.brand}>
        <svg className={styles.logo} viewBox="0 0 24 24" aria-hidden>
          <circle cx="5" cy="6" r="3" fill="#4f7cff" />
          <circle cx="5" cy="18" r="3" fill="#4f7cff" />
          <circle cx="19" cy="12" r="3" fill="#f08a3c" />
          <path d="M8 6c5 0 4 6 8 6M8 18c5 0 4-6 8-6" stroke="#c9d1dc" strokeWidth="1.6" fill="none" />
        </svg>
        flowctl
      </Link>
      {SECTIONS.map((s) => (
        <Link key={s.href} href={s.href} className={`${styles.link} ${s.match(pathname) ? styles.active : ""}`} aria-current={s.match(pathname) ? "page" : undefined}>
          <svg className={styles.icon} viewBox="0 0 20 20" aria-hidden>
            <path d={s.icon} stroke="currentColor" strokeWidth="1.7" fill="none" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          {s.label}
        </Link>
      ))}
      <div className={styles.footer}>
        control plane
        <br />
        <code>{controlPlane}</code>
        <br />
        flowctl {version}
      </div>
    </nav>
  );
}
