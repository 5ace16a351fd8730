-- Custom migration (drizzle-kit cannot express storage parameters; see lib/validator/schema.ts).
-- A soil prediction or history row is four 11x11 float8 grids, ~4 KB: past the default 2 KB toast target, so
-- PostgreSQL tried to compress each grid (random floats do not compress) and moved them out of line, one toast
-- row and toast-index entry per grid. The scoring step then paid for every grid twice more: fetched back to copy
-- it into history, and deleted from the toast table with its prediction. Rows up to a page (8160 bytes) now stay
-- inline: the soil step's move statement costs about a third. Space: history packs two rows to a page (less than
-- heap + toast before); a waiting prediction (~4.1 KB, just over half a page) takes a page of its own (~8 KB
-- instead of ~5 KB), for the few days it waits to be scored.
ALTER TABLE "soil_predictions" SET (toast_tuple_target = 8160);--> statement-breakpoint
ALTER TABLE "soil_history" SET (toast_tuple_target = 8160);
