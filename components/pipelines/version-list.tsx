/** A pipeline's versions, newest first (server-rendered). */
import { TimeAgo } from "@/components/ui/time-ago";
import type { PipelineVersionItem } from "@/server/services/api-types";

export function VersionList({ versions }: { versions: PipelineVersionItem[] }) {
  return (
    <table data-testid="versions">
      <thead>
        <tr>
          <th>version</th>
          <th>saved</th>
          <th>message</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id}>
            <td>v{v.version}</td>
            <td className="muted"><TimeAgo iso={v.createdAt} /></td>
            <td>{v.message ?? <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
