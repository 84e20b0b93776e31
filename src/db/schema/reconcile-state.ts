// Where reconciliation stands: the watermark (where the last complete sweep ended) and, while a sweep is cut short by
// its time budget, the window it is sweeping, its phase and the list cursor the next run continues from.
import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const reconcilePhases = ['events', 'sessions'] as const;
export type ReconcilePhase = (typeof reconcilePhases)[number];

export const reconcileState = pgTable('reconcile_state', {
  /** One row per sweep kind; the app uses `stripe`. */
  id: text('id').primaryKey(),
  /** Epoch seconds: the upper bound of the last sweep that finished. Null before the first one. */
  watermark: integer('watermark'),
  /** The sweep in progress (null when none): its window in epoch seconds, its phase and the page cursor. */
  sweepFrom: integer('sweep_from'),
  sweepUntil: integer('sweep_until'),
  phase: text('phase', { enum: reconcilePhases }),
  /** The last listed object whose page was fully handled (`starting_after` for the next page). */
  cursor: text('cursor'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ReconcileState = typeof reconcileState.$inferSelect;
