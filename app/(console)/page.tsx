import Link from "next/link";
import { PipelineList } from "@/components/pipelines/pipeline-list";
import { buttonClass, PageHeader } from "@/components/ui/ui";
import { consoleServices } from "@/server/services/console-services";

export const metadata = { title: "Pipelines" };

export default async function PipelinesPage() {
  const pipelines = await consoleServices().pipelines.list();
  return (
    <>
      <PageHeader
        title="Pipelines"
        subtitle="Every saved pipeline, its latest run and what limits it."
        actions={
          <Link href="/pipelines/new/edit" className={buttonClass("primary")}>
            New pipeline
          </Link>
        }
      />
      <PipelineList initial={pipelines} />
    </>
  );
}
