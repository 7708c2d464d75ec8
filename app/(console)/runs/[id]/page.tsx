import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RunView } from "@/components/run-view/run-view";
import { isFlowError } from "@/server/core/errors";
import { consoleServices } from "@/server/services/console-services";
import { runIdSchema } from "@/server/services/http-schemas";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Run ${(await params).id.slice(0, 8)}` };
}

export default async function RunPage({ params }: Props) {
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const { runs } = consoleServices();
  try {
    const [run, events] = await Promise.all([runs.get(id.data), runs.events(id.data)]);
    // key: a run that ends re-renders as the recorded view from a fresh client state.
    return <RunView key={`${run.runId}-${run.status}`} run={run} initialEvents={events} />;
  } catch (err) {
    if (isFlowError(err) && err.code === "NOT_FOUND") notFound();
    throw err;
  }
}
