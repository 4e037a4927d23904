export { deleteInBatches } from "./delete-in-batches.ts";
export { inTransaction } from "./in-transaction.ts";
