import styles from "./login.module.css";

export const metadata = { title: "Log in" };

/** The token login of a console reachable beyond this machine (the form posts to the console's own handler). */
export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const sp = await searchParams;
  const next = sp.next && sp.next.startsWith("/") && !sp.next.startsWith("//") ? sp.next : "/";
  return (
    <main className={styles.page}>
      <form method="post" action="/api/auth/login" className={styles.form}>
        <h1>flowctl console</h1>
        <p>This console can start processes on its host. Log in with its token (the <code>FLOWCTL_TOKEN</code> it was started with).</p>
        {sp.error && (
          <p role="alert" className={styles.error}>
            That token is not right.
          </p>
        )}
        <label>
          Token
          <input type="password" name="token" autoComplete="current-password" autoFocus required minLength={1} />
        </label>
        <input type="hidden" name="next" value={next} />
        <button type="submit">Log in</button>
      </form>
    </main>
  );
}
