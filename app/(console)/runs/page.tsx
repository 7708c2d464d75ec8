import { RunsBrowser } from "@/components/pipelines/runs-browser";
import { PageHeader } from "@/components/ui/ui";
import { consoleServices } from "@/server/services/console-services";
import { runListQuerySchema } from "@/server/services/http-schemas";

export const metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const parsed = runListQuerySchema.safeParse({ pipeline: first(sp.pipeline), status: first(sp.status), limit: "100" });
  const filter = parsed.success ? parsed.data : { status: [], limit: 100 };
  const { runs, pipelines } = consoleServices();
  const [list, all] = await Promise.all([runs.list({ ...("pipeline" in filter && filter.pipeline ? { pipeline: filter.pipeline } : {}), status: filter.status, limit: filter.limit }), pipelines.list()]);
  return (
    <>
      <PageHeader title="Runs" subtitle="Every run in this database: this console's, and those of flowctl run in other shells." />
      <RunsBrowser initial={list} pipelines={all.map((p) => p.name)} />
    </>
  );
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
