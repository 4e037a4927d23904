export { EmbeddedPostgres } from "./embedded-postgres.ts";
