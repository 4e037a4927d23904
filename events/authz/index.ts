import type { EventContract } from "../../platform/contracts/index.ts";
import { RoleGranted, RoleRevoked } from "./role-events.ts";

export * from "./role-events.ts";

export const authzEvents: EventContract[] = [RoleGranted, RoleRevoked];
