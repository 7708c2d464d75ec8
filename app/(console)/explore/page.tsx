import { Suspense } from "react";
import { Explorer } from "@/components/explore/explorer";
import { PageHeader } from "@/components/ui/ui";

export const metadata = { title: "Explore metrics" };

export default function ExplorePage() {
  return (
    <>
      <PageHeader title="Explore metrics" subtitle="PromQL over every run's series: what the charts use, and what Grafana sees." />
      <Suspense>
        <Explorer />
      </Suspense>
    </>
  );
}
