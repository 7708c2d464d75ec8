/** Console primitives: buttons, status pills, cards, empty states, banners, page headers. */
import type { ButtonHTMLAttributes, ReactNode } from "react";
import type { Band } from "./bands";
import styles from "./ui.module.css";

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "default" | "primary" | "danger"; size?: "normal" | "small" };

export function Button({ variant = "default", size = "normal", className, ...rest }: ButtonProps) {
  const cls = [styles.button, variant === "primary" ? styles.primary : variant === "danger" ? styles.danger : "", size === "small" ? styles.small : "", className ?? ""].join(" ");
  return <button type="button" className={cls} {...rest} />;
}

/** The class names of a button, for links that look like one. */
export function buttonClass(variant: "default" | "primary" | "danger" = "default", size: "normal" | "small" = "normal"): string {
  return [styles.button, variant === "primary" ? styles.primary : variant === "danger" ? styles.danger : "", size === "small" ? styles.small : ""].join(" ");
}

/** A coloured pill with a dot; `live` makes the dot pulse. */
export function Pill({ band, children, live = false, title }: { band: Band; children: ReactNode; live?: boolean; title?: string }) {
  return (
    <span className={`${styles.pill} ${styles[band]} ${live ? styles.live : ""}`} title={title} data-band={band}>
      {children}
    </span>
  );
}

export function Card({ title, actions, children, className, bodyClassName }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; bodyClassName?: string }) {
  return (
    <section className={`${styles.card} ${className ?? ""}`}>
      {(title || actions) && (
        <header className={styles.cardHeader}>
          {typeof title === "string" ? <h2>{title}</h2> : title}
          {actions && <div className={styles.actions}>{actions}</div>}
        </header>
      )}
      <div className={bodyClassName ?? styles.cardBody}>{children}</div>
    </section>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className={styles.empty}>
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

export function Banner({ tone, children }: { tone: "bad" | "warn" | "info"; children: ReactNode }) {
  const cls = tone === "bad" ? styles.bannerBad : tone === "warn" ? styles.bannerWarn : styles.bannerInfo;
  return (
    <div role={tone === "bad" ? "alert" : "status"} className={`${styles.banner} ${cls}`}>
      {children}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className={styles.pageHeader}>
      <div>
        <h1>{title}</h1>
        {subtitle && <p>{subtitle}</p>}
      </div>
      {actions && <div className={styles.actions}>{actions}</div>}
    </div>
  );
}

export function Skeleton({ width = "100%", height = 16 }: { width?: number | string; height?: number }) {
  return <div className={styles.skeleton} style={{ width, height }} aria-hidden />;
}
