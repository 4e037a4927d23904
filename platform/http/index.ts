export { clientBlock } from "./client-block.ts";
export { clientIp, trustedProxyList } from "./client-ip.ts";
export { type CorsOptions, corsOptions } from "./cors.ts";
export { drainHttpServer } from "./drain.ts";
export { ipv6Groups } from "./ipv6-groups.ts";
export { jsonBodiesOnly } from "./json-bodies-only.ts";
export { writeSecurityHeaders } from "./security-headers.ts";
export { answerSuccessStatus } from "./success-status.ts";
export { urlOf } from "./url-of.ts";
