import type { ReactNode } from "react";
import { Nav } from "@/components/shell/nav";
import styles from "@/components/shell/shell.module.css";
import { consoleServices } from "@/server/services/console-services";

// Every console page reads the live engine: never prerendered at build time.
export const dynamic = "force-dynamic";

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  const { info } = consoleServices();
  return (
    <div className={styles.shell}>
      <Nav controlPlane={info.controlPlaneEndpoint} version={info.version} />
      <main className={styles.main}>{children}</main>
    </div>
  );
}
