import { ComponentRegistryTable } from "@/components/pipelines/component-registry";
import { PageHeader } from "@/components/ui/ui";
import { consoleServices } from "@/server/services/console-services";

export const metadata = { title: "Components" };

export default function ComponentsPage() {
  const { components, info } = consoleServices();
  return (
    <>
      <PageHeader title="Components" subtitle={`Registered with the control plane at ${info.controlPlaneEndpoint}: this console's runs and anything else that registers there.`} />
      <ComponentRegistryTable initial={components.list()} controlPlane={info.controlPlaneEndpoint} />
    </>
  );
}
