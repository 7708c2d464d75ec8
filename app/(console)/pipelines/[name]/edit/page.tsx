import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PipelineEditor } from "@/components/editor/pipeline-editor";
import { isFlowError } from "@/server/core/errors";
import { consoleServices } from "@/server/services/console-services";
import { pipelineNameSchema } from "@/server/services/http-schemas";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${decodeURIComponent((await params).name)}` };
}

/** The editor on the newest version of a saved pipeline, with the positions stored for it. */
export default async function EditPipelinePage({ params }: Props) {
  const name = pipelineNameSchema.safeParse(decodeURIComponent((await params).name));
  if (!name.success) notFound();
  const services = consoleServices();
  let p;
  try {
    p = await services.pipelines.get(name.data);
  } catch (err) {
    if (isFlowError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  }
  const latest = p.latestVersionId ? await services.pipelines.version(p.name, p.latestVersionId) : null;
  return (
    <PipelineEditor
      boot={{
        pipeline: p.name,
        text: latest?.yaml ?? p.yaml,
        layout: latest?.layout ?? null,
        layoutProblems: latest?.layoutProblems ?? [],
        versionId: latest?.id ?? null,
        version: latest?.version ?? null,
      }}
    />
  );
}
