/**
 * Server reflection (grpc.reflection.v1 and v1alpha) whose index is built on the first reflection
 * call instead of when the server starts. `@grpc/reflection` decodes every file descriptor once per
 * message type and per reflection version as it is constructed; profiles of `flowctl run` showed
 * that before the control plane could listen (docs/benchmarks.md, "Start-up and memory"), while
 * almost no run is ever asked for reflection.
 */
import type * as grpc from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";

type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];
type Handlers = grpc.UntypedServiceImplementation;

/** The services ReflectionService adds, with their handlers, without a real server. */
function capture(service: ReflectionService): { definition: grpc.ServiceDefinition; handlers: Handlers }[] {
  const added: { definition: grpc.ServiceDefinition; handlers: Handlers }[] = [];
  service.addToServer({ addService: (definition: grpc.ServiceDefinition, handlers: Handlers) => added.push({ definition, handlers }) } as unknown as grpc.Server);
  return added;
}

/** Adds reflection of `pkg` to `server`; the package is indexed when a client first asks. */
export function addLazyReflection(server: grpc.Server, pkg: PackageDefinition): void {
  // An empty package gives the two service definitions (and nothing to index) at once.
  const shells = capture(new ReflectionService({}));
  let real: { definition: grpc.ServiceDefinition; handlers: Handlers }[] | undefined;
  shells.forEach(({ definition, handlers }, i) => {
    const lazy: Handlers = {};
    for (const name of Object.keys(handlers)) {
      lazy[name] = ((call: unknown, callback: unknown) => {
        real ??= capture(new ReflectionService(pkg));
        const handler = real[i]!.handlers[name] as (call: unknown, callback: unknown) => void;
        handler(call, callback);
      }) as grpc.UntypedHandleCall;
    }
    server.addService(definition, lazy);
  });
}
