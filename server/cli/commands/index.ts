/** Every subcommand, in help order. Add a command by adding its register function here. */
import type { Command } from "commander";
import { registerConsoleCommand } from "./console.command";
import { registerDiagnoseCommand } from "./diagnose.command";
import { registerComponentCommand } from "./component.command";
import { registerPipelinesCommand } from "./pipelines.command";
import { registerRunCommand } from "./run.command";
import { registerSchemaCommand } from "./schema.command";
import { registerServerCommand } from "./server.command";
import { registerStartCommand } from "./start.command";
import { registerStatusCommand } from "./status.command";
import { registerTranslateCommand } from "./translate.command";
import { registerValidateCommand } from "./validate.command";
import { registerVersionCommand } from "./version.command";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerConsoleCommand, registerRunCommand, registerStartCommand, registerStatusCommand, registerPipelinesCommand, registerServerCommand, registerValidateCommand, registerSchemaCommand, registerTranslateCommand, registerVersionCommand, registerDiagnoseCommand, registerComponentCommand];
