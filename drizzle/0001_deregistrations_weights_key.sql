CREATE TABLE "miner_deregistrations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "miner_deregistrations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"uid" integer NOT NULL,
	"old_hotkey" text NOT NULL,
	"deregistered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "miner_deregistrations_uid_range" CHECK ("miner_deregistrations"."uid" >= 0 AND "miner_deregistrations"."uid" < 256)
);
--> statement-breakpoint
DROP INDEX "weights_computed_idx";--> statement-breakpoint
ALTER TABLE "weights" ADD CONSTRAINT "weights_computed_at_key" UNIQUE("computed_at");