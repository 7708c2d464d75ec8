import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PipelineGraphView } from "@/components/pipelines/pipeline-graph-card";
import { RunControls } from "@/components/pipelines/run-controls";
import { RunTable } from "@/components/pipelines/run-table";
import { VersionList } from "@/components/pipelines/version-list";
import { buttonClass, Card, PageHeader } from "@/components/ui/ui";
import { isFlowError } from "@/server/core/errors";
import { consoleServices } from "@/server/services/console-services";
import { pipelineNameSchema } from "@/server/services/http-schemas";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function PipelinePage({ params }: Props) {
  const name = pipelineNameSchema.safeParse(decodeURIComponent((await params).name));
  if (!name.success) notFound();
  let p;
  try {
    p = await consoleServices().pipelines.get(name.data);
  } catch (err) {
    if (isFlowError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  }
  return (
    <>
      <PageHeader
        title={p.name}
        subtitle={`${p.description ?? "No description"} · v${p.latestVersion} · ${p.componentCount} components`}
        actions={
          <>
            {p.activeRunId && (
              <Link href={`/runs/${p.activeRunId}`} className={buttonClass()}>
                Live view
              </Link>
            )}
            <Link href={`/pipelines/${encodeURIComponent(p.name)}/edit`} className={buttonClass()}>
              Edit
            </Link>
            <RunControls pipeline={p.name} activeRunId={p.activeRunId} size="normal" openAfterStart />
          </>
        }
      />
      <div style={{ display: "grid", gridTemplateColumns: "minmax(0, 1fr) 340px", gap: 18, alignItems: "start" }}>
        <div style={{ display: "flex", flexDirection: "column", gap: 18, minWidth: 0 }}>
          <Card title={`Graph — version ${p.latestVersion}`} bodyClassName="">
            <PipelineGraphView graph={p.graph} />
          </Card>
          <Card title="Runs" bodyClassName="">
            <RunTable runs={p.runs} showPipeline={false} />
          </Card>
          <Card title="YAML">
            <pre className="mono" style={{ margin: 0, overflowX: "auto", fontSize: 12.5 }} data-testid="pipeline-yaml">
              {p.yaml}
            </pre>
          </Card>
        </div>
        <Card title="Versions" bodyClassName="">
          <VersionList versions={p.versions} />
        </Card>
      </div>
    </>
  );
}
