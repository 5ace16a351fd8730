CREATE TABLE "geo_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "geo_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"miner_uid" integer NOT NULL,
	"miner_hotkey" text NOT NULL,
	"query_time" timestamp with time zone NOT NULL,
	"predicted_value" double precision NOT NULL,
	"ground_truth_value" double precision NOT NULL,
	"score" double precision NOT NULL,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "geo_history_miner_hour_key" UNIQUE("miner_uid","query_time"),
	CONSTRAINT "geo_history_miner_uid_range" CHECK ("geo_history"."miner_uid" >= 0 AND "geo_history"."miner_uid" < 256),
	CONSTRAINT "geo_history_query_time_hour" CHECK (mod(extract(epoch from "geo_history"."query_time"), 3600) = 0)
);
--> statement-breakpoint
CREATE TABLE "geo_predictions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "geo_predictions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"miner_uid" integer NOT NULL,
	"miner_hotkey" text NOT NULL,
	"query_time" timestamp with time zone NOT NULL,
	"predicted_value" double precision NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"retry_count" integer DEFAULT 0 NOT NULL,
	"next_retry_time" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "geo_predictions_miner_hour_key" UNIQUE("miner_uid","query_time"),
	CONSTRAINT "geo_predictions_miner_uid_range" CHECK ("geo_predictions"."miner_uid" >= 0 AND "geo_predictions"."miner_uid" < 256),
	CONSTRAINT "geo_predictions_status_check" CHECK ("geo_predictions"."status" IN ('pending')),
	CONSTRAINT "geo_predictions_retry_count_check" CHECK ("geo_predictions"."retry_count" >= 0),
	CONSTRAINT "geo_predictions_query_time_hour" CHECK (mod(extract(epoch from "geo_predictions"."query_time"), 3600) = 0)
);
--> statement-breakpoint
CREATE TABLE "geo_truth" (
	"hour" timestamp with time zone PRIMARY KEY NOT NULL,
	"dst" double precision NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "geo_truth_hour_aligned" CHECK (mod(extract(epoch from "geo_truth"."hour"), 3600) = 0),
	CONSTRAINT "geo_truth_dst_range" CHECK (abs("geo_truth"."dst") <= 10)
);
--> statement-breakpoint
CREATE TABLE "miners" (
	"uid" integer PRIMARY KEY NOT NULL,
	"hotkey" text NOT NULL,
	"coldkey" text,
	"ip" text,
	"ip_type" integer,
	"port" integer,
	"incentive" double precision,
	"stake" double precision,
	"trust" double precision,
	"vtrust" double precision,
	"protocol" integer,
	"last_updated" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "miners_hotkey_key" UNIQUE("hotkey"),
	CONSTRAINT "miners_uid_range" CHECK ("miners"."uid" >= 0 AND "miners"."uid" < 256)
);
--> statement-breakpoint
CREATE TABLE "score_rows" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "score_rows_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"task_name" text NOT NULL,
	"task_id" bigint NOT NULL,
	"task_time" timestamp with time zone NOT NULL,
	"score" double precision[] NOT NULL,
	"status" text DEFAULT 'completed' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "score_rows_task_key" UNIQUE("task_name","task_id"),
	CONSTRAINT "score_rows_task_name_check" CHECK ("score_rows"."task_name" IN ('soil_moisture', 'geomagnetic')),
	CONSTRAINT "score_rows_score_len" CHECK (array_ndims("score_rows"."score") = 1 AND array_length("score_rows"."score", 1) = 256)
);
--> statement-breakpoint
CREATE TABLE "soil_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "soil_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region_id" bigint NOT NULL,
	"miner_uid" integer NOT NULL,
	"miner_hotkey" text NOT NULL,
	"target_time" timestamp with time zone NOT NULL,
	"surface_sm_pred" double precision[] NOT NULL,
	"rootzone_sm_pred" double precision[] NOT NULL,
	"surface_sm_truth" double precision[] NOT NULL,
	"rootzone_sm_truth" double precision[] NOT NULL,
	"surface_rmse" double precision NOT NULL,
	"rootzone_rmse" double precision NOT NULL,
	"surface_structure_score" double precision,
	"rootzone_structure_score" double precision,
	"score" double precision NOT NULL,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "soil_history_region_miner_time_key" UNIQUE("region_id","miner_uid","target_time"),
	CONSTRAINT "soil_history_miner_uid_range" CHECK ("soil_history"."miner_uid" >= 0 AND "soil_history"."miner_uid" < 256),
	CONSTRAINT "soil_history_surface_pred_len" CHECK (array_ndims("soil_history"."surface_sm_pred") = 1 AND array_length("soil_history"."surface_sm_pred", 1) = 121),
	CONSTRAINT "soil_history_rootzone_pred_len" CHECK (array_ndims("soil_history"."rootzone_sm_pred") = 1 AND array_length("soil_history"."rootzone_sm_pred", 1) = 121),
	CONSTRAINT "soil_history_surface_truth_len" CHECK (array_ndims("soil_history"."surface_sm_truth") = 1 AND array_length("soil_history"."surface_sm_truth", 1) = 121),
	CONSTRAINT "soil_history_rootzone_truth_len" CHECK (array_ndims("soil_history"."rootzone_sm_truth") = 1 AND array_length("soil_history"."rootzone_sm_truth", 1) = 121)
);
--> statement-breakpoint
CREATE TABLE "soil_predictions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "soil_predictions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region_id" bigint NOT NULL,
	"miner_uid" integer NOT NULL,
	"miner_hotkey" text NOT NULL,
	"target_time" timestamp with time zone NOT NULL,
	"surface_sm" double precision[] NOT NULL,
	"rootzone_sm" double precision[] NOT NULL,
	"uncertainty_surface" double precision[],
	"uncertainty_rootzone" double precision[],
	"sentinel_bounds" double precision[] NOT NULL,
	"sentinel_crs" integer NOT NULL,
	"status" text DEFAULT 'sent_to_miner' NOT NULL,
	"retry_count" integer DEFAULT 0 NOT NULL,
	"next_retry_time" timestamp with time zone,
	"retry_error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "soil_predictions_region_miner_key" UNIQUE("region_id","miner_uid"),
	CONSTRAINT "soil_predictions_miner_uid_range" CHECK ("soil_predictions"."miner_uid" >= 0 AND "soil_predictions"."miner_uid" < 256),
	CONSTRAINT "soil_predictions_status_check" CHECK ("soil_predictions"."status" IN ('sent_to_miner', 'retry_scheduled', 'scored')),
	CONSTRAINT "soil_predictions_retry_count_check" CHECK ("soil_predictions"."retry_count" >= 0),
	CONSTRAINT "soil_predictions_surface_len" CHECK (array_ndims("soil_predictions"."surface_sm") = 1 AND array_length("soil_predictions"."surface_sm", 1) = 121),
	CONSTRAINT "soil_predictions_rootzone_len" CHECK (array_ndims("soil_predictions"."rootzone_sm") = 1 AND array_length("soil_predictions"."rootzone_sm", 1) = 121),
	CONSTRAINT "soil_predictions_unc_surface_len" CHECK (array_ndims("soil_predictions"."uncertainty_surface") = 1 AND array_length("soil_predictions"."uncertainty_surface", 1) = 121),
	CONSTRAINT "soil_predictions_unc_rootzone_len" CHECK (array_ndims("soil_predictions"."uncertainty_rootzone") = 1 AND array_length("soil_predictions"."uncertainty_rootzone", 1) = 121),
	CONSTRAINT "soil_predictions_sentinel_bounds_len" CHECK (array_ndims("soil_predictions"."sentinel_bounds") = 1 AND array_length("soil_predictions"."sentinel_bounds", 1) = 4)
);
--> statement-breakpoint
CREATE TABLE "soil_regions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "soil_regions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region_date" date NOT NULL,
	"target_time" timestamp with time zone NOT NULL,
	"bbox" jsonb NOT NULL,
	"sentinel_bounds" double precision[] NOT NULL,
	"sentinel_crs" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"input_raster" "bytea",
	"array_shape" integer[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "soil_regions_status_check" CHECK ("soil_regions"."status" IN ('pending', 'sent_to_miners')),
	CONSTRAINT "soil_regions_sentinel_bounds_len" CHECK (array_ndims("soil_regions"."sentinel_bounds") = 1 AND array_length("soil_regions"."sentinel_bounds", 1) = 4)
);
--> statement-breakpoint
CREATE TABLE "soil_truth" (
	"region_id" bigint PRIMARY KEY NOT NULL,
	"surface_sm" double precision[] NOT NULL,
	"rootzone_sm" double precision[] NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "soil_truth_surface_len" CHECK (array_ndims("soil_truth"."surface_sm") = 1 AND array_length("soil_truth"."surface_sm", 1) = 121),
	CONSTRAINT "soil_truth_rootzone_len" CHECK (array_ndims("soil_truth"."rootzone_sm") = 1 AND array_length("soil_truth"."rootzone_sm", 1) = 121)
);
--> statement-breakpoint
CREATE TABLE "weights" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "weights_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"computed_at" timestamp with time zone NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"weights" double precision[] NOT NULL,
	"inputs" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "weights_weights_len" CHECK (array_ndims("weights"."weights") = 1 AND array_length("weights"."weights", 1) = 256),
	CONSTRAINT "weights_window_check" CHECK ("weights"."window_start" <= "weights"."window_end")
);
--> statement-breakpoint
ALTER TABLE "soil_predictions" ADD CONSTRAINT "soil_predictions_region_id_soil_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."soil_regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "soil_truth" ADD CONSTRAINT "soil_truth_region_id_soil_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."soil_regions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "geo_history_query_time_idx" ON "geo_history" USING btree ("query_time");--> statement-breakpoint
CREATE INDEX "geo_history_scored_idx" ON "geo_history" USING btree ("scored_at");--> statement-breakpoint
CREATE INDEX "geo_predictions_query_time_idx" ON "geo_predictions" USING btree ("query_time");--> statement-breakpoint
CREATE INDEX "geo_predictions_created_idx" ON "geo_predictions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "score_rows_task_time_idx" ON "score_rows" USING btree ("task_name","task_time");--> statement-breakpoint
CREATE INDEX "score_rows_task_created_idx" ON "score_rows" USING btree ("task_name","created_at");--> statement-breakpoint
CREATE INDEX "score_rows_created_idx" ON "score_rows" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "soil_history_target_time_idx" ON "soil_history" USING btree ("target_time");--> statement-breakpoint
CREATE INDEX "soil_history_miner_idx" ON "soil_history" USING btree ("miner_uid");--> statement-breakpoint
CREATE INDEX "soil_history_scored_idx" ON "soil_history" USING btree ("scored_at");--> statement-breakpoint
CREATE INDEX "soil_predictions_first_due_idx" ON "soil_predictions" USING btree ("target_time") WHERE "soil_predictions"."status" = 'sent_to_miner' AND "soil_predictions"."next_retry_time" IS NULL;--> statement-breakpoint
CREATE INDEX "soil_predictions_retry_due_idx" ON "soil_predictions" USING btree ("next_retry_time") WHERE "soil_predictions"."next_retry_time" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "soil_predictions_miner_idx" ON "soil_predictions" USING btree ("miner_uid");--> statement-breakpoint
CREATE INDEX "soil_predictions_created_idx" ON "soil_predictions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "soil_regions_target_time_idx" ON "soil_regions" USING btree ("target_time");--> statement-breakpoint
CREATE INDEX "soil_regions_pending_idx" ON "soil_regions" USING btree ("target_time") WHERE "soil_regions"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "soil_regions_created_idx" ON "soil_regions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "weights_computed_idx" ON "weights" USING btree ("computed_at" DESC NULLS LAST);