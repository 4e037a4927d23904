export { isMigrationError, MigrationError } from "./errors.ts";
export { checksumOf, type MigrationFile, readMigrations } from "./files.ts";
export { type MigrationReport, migrate } from "./migrator.ts";
