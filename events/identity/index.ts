import type { EventContract } from "../../platform/contracts/index.ts";
import { PasswordChanged, UserRegistered } from "./user-events.ts";

export * from "./user-events.ts";

export const identityEvents: EventContract[] = [UserRegistered, PasswordChanged];
