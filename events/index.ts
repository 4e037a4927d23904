/**
 * Every event contract of every module. The node's EventCatalog is built from this list:
 * appends are validated against it and consumers decode with it.
 */
import type { EventContract } from "../platform/contracts/index.ts";
import { authzEvents } from "./authz/index.ts";
import { identityEvents } from "./identity/index.ts";
import { jobEvents } from "./jobs/index.ts";
import { ledgerEvents } from "./ledger/index.ts";

export const contracts: EventContract[] = [...ledgerEvents, ...jobEvents, ...identityEvents, ...authzEvents];
