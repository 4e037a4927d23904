import Fastify from "fastify";

/** A bare fastify route answering what the bare moleculer-web peer answers: the floor of a Node HTTP stack. */
const app = Fastify({ logger: false });
app.get("/api/v1/ping", async () => ({ ok: true }));
await app.listen({ host: "127.0.0.1", port: Number(process.env.BARE_PORT) });
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
