/** Registry snapshot: the control plane writes changes here and restores them on restart. */
import { COMPONENT_KINDS, HEALTH_STATUSES, type ComponentKind, type HealthStatus, type RegisteredComponent } from "../core/registry";
import { bulkUpsert } from "./bulk-upsert";
import type { Db } from "./prisma-client";
import { guard, parseJsonColumn } from "./storage-error";

const COMPONENT_SELECT = {
  serviceId: true,
  componentId: true,
  name: true,
  description: true,
  version: true,
  type: true,
  inputEventTypes: true,
  outputEventTypes: true,
  endpoint: true,
  metadata: true,
  status: true,
  registeredAt: true,
  lastHeartbeat: true,
  metrics: true,
} as const;

type ComponentRow = {
  serviceId: string;
  componentId: string;
  name: string;
  description: string;
  version: string;
  type: string;
  inputEventTypes: string;
  outputEventTypes: string;
  endpoint: string;
  metadata: string;
  status: string;
  registeredAt: Date;
  lastHeartbeat: Date;
  metrics: string;
};

function toComponent(r: ComponentRow): RegisteredComponent {
  return {
    serviceId: r.serviceId,
    info: {
      id: r.componentId,
      name: r.name,
      description: r.description,
      version: r.version,
      type: (COMPONENT_KINDS as readonly string[]).includes(r.type) ? (r.type as ComponentKind) : "UNSPECIFIED",
      inputEventTypes: parseJsonColumn<string[]>(r.inputEventTypes, "Component.inputEventTypes") ?? [],
      outputEventTypes: parseJsonColumn<string[]>(r.outputEventTypes, "Component.outputEventTypes") ?? [],
      endpoint: r.endpoint,
      metadata: parseJsonColumn<Record<string, string>>(r.metadata, "Component.metadata") ?? {},
    },
    status: (HEALTH_STATUSES as readonly string[]).includes(r.status) ? (r.status as HealthStatus) : "UNKNOWN",
    registeredAt: r.registeredAt,
    lastHeartbeat: r.lastHeartbeat,
    metrics: parseJsonColumn<Record<string, string>>(r.metrics, "Component.metrics") ?? {},
  };
}

function toRow(c: RegisteredComponent): ComponentRow {
  return {
    serviceId: c.serviceId,
    componentId: c.info.id,
    name: c.info.name,
    description: c.info.description,
    version: c.info.version,
    type: c.info.type,
    inputEventTypes: JSON.stringify(c.info.inputEventTypes),
    outputEventTypes: JSON.stringify(c.info.outputEventTypes),
    endpoint: c.info.endpoint,
    metadata: JSON.stringify(c.info.metadata),
    status: c.status,
    registeredAt: c.registeredAt,
    lastHeartbeat: c.lastHeartbeat,
    metrics: JSON.stringify(c.metrics),
  };
}

/** Columns of the `Component` table, in the order the multi-row upsert binds them. */
const COLUMNS = [
  "serviceId",
  "componentId",
  "name",
  "description",
  "version",
  "type",
  "inputEventTypes",
  "outputEventTypes",
  "endpoint",
  "metadata",
  "status",
  "registeredAt",
  "lastHeartbeat",
  "metrics",
] as const satisfies ReadonlyArray<keyof ComponentRow>;

// Every column is bound: a column added to ComponentRow and not to COLUMNS fails to compile here.
type UnboundColumn = Exclude<keyof ComponentRow, (typeof COLUMNS)[number]>;
export const componentColumnsComplete: [UnboundColumn] extends [never] ? true : never = true;

/** Repository for the `Component` snapshot table. */
export class ComponentRepository {
  constructor(private readonly db: Db) {}

  /** Inserts or replaces the snapshot of one component. */
  async upsert(component: RegisteredComponent): Promise<void> {
    const row = toRow(component);
    const { serviceId: _id, ...rest } = row;
    await guard({ op: "components.upsert" }, () =>
      this.db.component.upsert({ where: { serviceId: row.serviceId }, create: row, update: rest, select: { serviceId: true } }),
    );
  }

  /** Writes several snapshots in one transaction. */
  async upsertMany(components: RegisteredComponent[]): Promise<void> {
    if (components.length === 0) return;
    // A multi-row upsert: the console's control plane writes a heartbeat snapshot of every
    // component every few seconds.
    await guard({ op: "components.upsertMany" }, () =>
      bulkUpsert(this.db, { table: "Component", columns: COLUMNS, conflict: ["serviceId"], update: COLUMNS.filter((c) => c !== "serviceId"), rows: components.map(toRow) }),
    );
  }

  /** Removes a component's snapshot (no error when absent). */
  async delete(serviceId: string): Promise<void> {
    await guard({ op: "components.delete" }, () => this.db.component.deleteMany({ where: { serviceId } }));
  }

  /** All snapshots, by component id. */
  async list(): Promise<RegisteredComponent[]> {
    const rows = await guard({ op: "components.list" }, () =>
      this.db.component.findMany({ orderBy: [{ componentId: "asc" }, { serviceId: "asc" }], select: COMPONENT_SELECT }),
    );
    return rows.map(toComponent);
  }
}
