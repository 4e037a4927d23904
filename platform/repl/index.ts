export { jobCommands } from "./job-commands.ts";
export { nodeCommands } from "./node-commands.ts";
export { projectionCommands } from "./projection-commands.ts";
export { topicCommands } from "./topic-commands.ts";
