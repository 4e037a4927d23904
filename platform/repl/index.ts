export { projectionCommands } from "./projection-commands.ts";
