import { PipelineEditor } from "@/components/editor/pipeline-editor";
import { newPipelineText } from "@/server/core/editor/session-checks";

export const metadata = { title: "New pipeline" };

/** The editor on an empty pipeline; the first save names it and creates version 1. */
export default function NewPipelinePage() {
  return <PipelineEditor boot={{ pipeline: null, text: newPipelineText("my-pipeline"), layout: null, layoutProblems: [], versionId: null, version: null }} />;
}
