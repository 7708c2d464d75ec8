/** Every semantic rule, in the order they run (order only matters for stable output). */
import { builtinEnvRule } from "./builtin-env.rules";
import { componentFieldRules, idRules, runnableRule } from "./component.rules";
import { metadataNameRule, pipelinesSectionRule } from "./document.rules";
import { graphRules } from "./graph.rules";
import { portRules } from "./port.rules";
import type { Rule } from "./rule-context";
import { tuningRules } from "./tuning.rules";

/** Every semantic rule `validate` runs after the schema. */
export const PIPELINE_RULES: readonly Rule[] = [
  metadataNameRule,
  pipelinesSectionRule,
  idRules,
  runnableRule,
  builtinEnvRule,
  componentFieldRules,
  graphRules,
  portRules,
  tuningRules,
];
