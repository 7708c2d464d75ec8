import Link from "next/link";

export default function NotFound() {
  return (
    <main style={{ padding: 48, maxWidth: 560 }}>
      <h1>Not found</h1>
      <p style={{ color: "var(--text-2)" }}>No pipeline, run or page has this address. It may have been typed wrong, or the database is another one.</p>
      <p>
        <Link href="/">Back to the pipelines</Link>
      </p>
    </main>
  );
}
