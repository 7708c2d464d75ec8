import { Skeleton } from "@/components/ui/ui";

export default function Loading() {
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 14 }} aria-busy="true" aria-label="Loading">
      <Skeleton width={220} height={26} />
      <Skeleton width={420} height={14} />
      <Skeleton height={320} />
    </div>
  );
}
