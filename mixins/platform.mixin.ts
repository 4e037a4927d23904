import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import { type Platform, platformOf } from "../platform/bootstrap/index.ts";
import type { CoreCradle } from "../platform/container/index.ts";

/** Gives a service its node's platform: `this.platform()` and `this.resolve(name)`. */
export const PlatformMixin: Partial<ServiceSchema> = {
	methods: {
		platform(): Platform {
			return platformOf(this.broker);
		},
		resolve<K extends keyof CoreCradle>(name: K | string): unknown {
			return platformOf(this.broker).container.resolve(name as string);
		},
	},
};

/** What PlatformMixin adds to `this` inside a service. */
export type WithPlatform = {
	platform(): Platform;
	resolve<K extends keyof CoreCradle>(name: K): CoreCradle[K];
	resolve<T>(name: string): T;
};

/** The schema type of a service that mixes in PlatformMixin. */
export type PlatformServiceSchema<S = ServiceSettingSchema> = ServiceSchema<S, WithPlatform>;
