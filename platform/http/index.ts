export { clientIp, trustedProxyList } from "./client-ip.ts";
export { drainHttpServer } from "./drain.ts";
