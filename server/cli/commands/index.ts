/** Every subcommand, in help order. Add a command by adding its register function here. */
import type { Command } from "commander";
import { registerComponentCommand } from "./component.command";
import { registerRunCommand } from "./run.command";
import { registerSchemaCommand } from "./schema.command";
import { registerStartCommand } from "./start.command";
import { registerValidateCommand } from "./validate.command";
import { registerVersionCommand } from "./version.command";

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [registerRunCommand, registerStartCommand, registerValidateCommand, registerSchemaCommand, registerVersionCommand, registerComponentCommand];
