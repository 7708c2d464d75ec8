import { BUILTIN_COMPONENTS } from "@/server/core/spec/builtins";

export default function Home() {
  return <main>flowctl console — {BUILTIN_COMPONENTS.length} built-ins</main>;
}
