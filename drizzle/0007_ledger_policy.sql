ALTER TABLE "credit_entries" DROP CONSTRAINT "credit_entries_kind_check";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "credit_debt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "debt_paid" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "amount_cents" integer;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "reversed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "actor" text;--> statement-breakpoint
CREATE INDEX "credit_entries_purchase_id_idx" ON "credit_entries" USING btree ("purchase_id");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_credit_debt_non_negative" CHECK ("users"."credit_debt" >= 0);--> statement-breakpoint
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_debt_paid_non_negative" CHECK ("credit_entries"."debt_paid" >= 0);--> statement-breakpoint
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_kind_check" CHECK ("credit_entries"."kind" in ('purchase', 'refund', 'refund_failed', 'dispute_withdrawn', 'dispute_reinstated', 'adjustment', 'spend', 'hold', 'hold_release', 'hold_confirm', 'hold_reversed'));--> statement-breakpoint
-- Entries written before the ledger's policy (docs/fulfilment-and-ledger.md): what each reversal reversed, and its
-- share of the money, so running totals continue from them. Their shortfalls were forgiven then and stay forgiven.
UPDATE "credit_entries" e SET "reversed" = CASE WHEN e."kind" = 'dispute_reinstated' THEN -e."credits" ELSE -e."credits" + e."shortfall" END,
  "amount_cents" = (SELECT (CASE WHEN e."kind" = 'dispute_reinstated' THEN -e."credits" ELSE -e."credits" + e."shortfall" END) * p."amount_cents" / p."credit_qty" FROM "purchases" p WHERE p."id" = e."purchase_id")
WHERE e."kind" IN ('refund', 'dispute_withdrawn', 'dispute_reinstated');--> statement-breakpoint
-- The ledger's statements (docs/fulfilment-and-ledger.md, "The ledger's policy"). Each public function first locks the
-- buyer's users row, so every change to one buyer's credits runs one at a time and each statement inside sees the
-- latest committed state (READ COMMITTED takes a snapshot per statement).
--
-- ledger_give_back: gives n credits to a buyer whose row the caller has locked: the open debt first, the rest to the
-- balance. Returns what went to the debt.
CREATE OR REPLACE FUNCTION ledger_give_back(p_user text, p_n int) RETURNS int LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE v_paid int;
BEGIN
  SELECT least(credit_debt, p_n) INTO v_paid FROM users WHERE id = p_user;
  UPDATE users SET credit_debt = credit_debt - v_paid, credit_balance = credit_balance + p_n - v_paid, updated_at = now()
  WHERE id = p_user;
  RETURN v_paid;
END $$;--> statement-breakpoint
-- ledger_free_expired: writes the release of every expired, unsettled hold of a locked buyer (reference 'expiry').
CREATE OR REPLACE FUNCTION ledger_free_expired(p_user text, p_now timestamptz) RETURNS int LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE h record; v_paid int; v_count int := 0;
BEGIN
  FOR h IN SELECT e.id, -e.credits AS n FROM credit_entries e
           WHERE e.user_id = p_user AND e.kind = 'hold' AND e.expires_at <= p_now
             AND NOT EXISTS (SELECT 1 FROM credit_entries s WHERE s.cause = 'hold_settle:' || e.id)
           ORDER BY e.created_at, e.id LOOP
    v_paid := ledger_give_back(p_user, h.n);
    INSERT INTO credit_entries (id, user_id, kind, credits, debt_paid, cause, reference, balance_after)
    SELECT 'cre_' || md5(h.id), p_user, 'hold_release', h.n - v_paid, v_paid, 'hold_settle:' || h.id, 'expiry', credit_balance
    FROM users WHERE id = p_user;
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END $$;--> statement-breakpoint
-- ledger_debit: a spend or a hold under its cause (the caller's idempotency key). Outcomes: 'debited', 'replayed'
-- (the cause has an entry: the first answer, and for a hold its settlement so far), 'insufficient', 'hold_limit',
-- 'no_user'. Expired holds are released first, so their credits count as available.
CREATE OR REPLACE FUNCTION ledger_debit(p_clerk text, p_kind text, p_credits int, p_reference text, p_cause text,
  p_actor text, p_now timestamptz, p_expires timestamptz, p_hold_limit int, p_entry_id text)
RETURNS TABLE (outcome text, id text, kind text, credits int, reference text, expires_at timestamptz,
  created_at timestamptz, balance_after int, actor text, settled_by text, balance int) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE v_user text; v_balance int; v_live int;
BEGIN
  SELECT u.id INTO v_user FROM users u WHERE u.clerk_user_id = p_clerk FOR UPDATE;
  IF v_user IS NULL THEN
    RETURN QUERY SELECT 'no_user', NULL::text, NULL::text, NULL::int, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::int, NULL::text, NULL::text, 0;
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM credit_entries e WHERE e.cause = p_cause) THEN
    RETURN QUERY SELECT 'replayed', e.id, e.kind, e.credits, e.reference, e.expires_at, e.created_at, e.balance_after, e.actor,
      (SELECT s.reference FROM credit_entries s WHERE s.cause = 'hold_settle:' || e.id),
      (SELECT u.credit_balance FROM users u WHERE u.id = v_user)
    FROM credit_entries e WHERE e.cause = p_cause;
    RETURN;
  END IF;
  PERFORM ledger_free_expired(v_user, p_now);
  IF p_kind = 'hold' THEN
    SELECT count(*) INTO v_live FROM credit_entries e
    WHERE e.user_id = v_user AND e.kind = 'hold' AND NOT EXISTS (SELECT 1 FROM credit_entries s WHERE s.cause = 'hold_settle:' || e.id);
    IF v_live >= p_hold_limit THEN
      RETURN QUERY SELECT 'hold_limit', NULL::text, NULL::text, NULL::int, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::int, NULL::text, NULL::text, v_live;
      RETURN;
    END IF;
  END IF;
  SELECT u.credit_balance INTO v_balance FROM users u WHERE u.id = v_user;
  IF v_balance < p_credits THEN
    RETURN QUERY SELECT 'insufficient', NULL::text, NULL::text, NULL::int, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::int, NULL::text, NULL::text, v_balance;
    RETURN;
  END IF;
  UPDATE users u SET credit_balance = u.credit_balance - p_credits, updated_at = now() WHERE u.id = v_user;
  RETURN QUERY
  INSERT INTO credit_entries AS e (id, user_id, kind, credits, cause, reference, expires_at, balance_after, actor)
  VALUES (p_entry_id, v_user, p_kind, -p_credits, p_cause, p_reference, p_expires, v_balance - p_credits, p_actor)
  RETURNING 'debited', e.id, e.kind, e.credits, e.reference, e.expires_at, e.created_at, e.balance_after, e.actor, NULL::text, e.balance_after;
END $$;--> statement-breakpoint
-- ledger_settle: confirms or releases a hold. Outcomes: 'not_found', 'not_owner' (a buyer settling the service's
-- hold), 'settled' with settled_by = confirm | release | expiry | reversal and fresh = whether this call settled it.
CREATE OR REPLACE FUNCTION ledger_settle(p_clerk text, p_hold text, p_action text, p_actor text, p_now timestamptz, p_entry_id text)
RETURNS TABLE (outcome text, id text, kind text, credits int, reference text, expires_at timestamptz,
  created_at timestamptz, balance_after int, actor text, settled_by text, fresh boolean, balance int) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE v_user text; h credit_entries; v_prior text; v_reason text; v_paid int; v_fresh boolean := false;
BEGIN
  SELECT u.id INTO v_user FROM users u WHERE u.clerk_user_id = p_clerk FOR UPDATE;
  SELECT * INTO h FROM credit_entries e WHERE e.id = p_hold AND e.kind = 'hold' AND e.user_id = v_user;
  IF v_user IS NULL OR h.id IS NULL THEN
    RETURN QUERY SELECT 'not_found', NULL::text, NULL::text, NULL::int, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::int, NULL::text, NULL::text, false, 0;
    RETURN;
  END IF;
  IF p_actor = 'buyer' AND h.actor = 'service' THEN
    RETURN QUERY SELECT 'not_owner', h.id, h.kind, h.credits, h.reference, h.expires_at, h.created_at, h.balance_after, h.actor, NULL::text, false,
      (SELECT u.credit_balance FROM users u WHERE u.id = v_user);
    RETURN;
  END IF;
  SELECT s.reference INTO v_prior FROM credit_entries s WHERE s.cause = 'hold_settle:' || h.id;
  IF v_prior IS NULL THEN
    v_reason := CASE WHEN h.expires_at <= p_now THEN 'expiry' ELSE p_action END;
    v_fresh := true;
    IF v_reason = 'confirm' THEN
      INSERT INTO credit_entries (id, user_id, kind, credits, cause, reference, balance_after, actor)
      SELECT p_entry_id, v_user, 'hold_confirm', 0, 'hold_settle:' || h.id, 'confirm', u.credit_balance, p_actor FROM users u WHERE u.id = v_user;
    ELSE
      v_paid := ledger_give_back(v_user, -h.credits);
      INSERT INTO credit_entries (id, user_id, kind, credits, debt_paid, cause, reference, balance_after, actor)
      SELECT p_entry_id, v_user, 'hold_release', -h.credits - v_paid, v_paid, 'hold_settle:' || h.id, v_reason, u.credit_balance,
             CASE WHEN v_reason = 'expiry' THEN NULL ELSE p_actor END
      FROM users u WHERE u.id = v_user;
    END IF;
    v_prior := v_reason;
  END IF;
  RETURN QUERY SELECT 'settled', h.id, h.kind, h.credits, h.reference, h.expires_at, h.created_at, h.balance_after, h.actor, v_prior, v_fresh,
    (SELECT u.credit_balance FROM users u WHERE u.id = v_user);
END $$;--> statement-breakpoint
-- ledger_reverse: one change to a payment's running total of money returned, once per cause: p_amount cents
-- (+ a succeeded refund or a dispute's withdrawal, − a failed/canceled refund or a won dispute). The payment's reversed
-- credits are brought to credit_qty − floor(credit_qty × (amount − returned) ÷ amount): credits taken come from the
-- balance (expired holds released first), then from unsettled holds, newest first (each settled as 'reversal', any
-- surplus of it given back), and the rest becomes debt; credits given back pay the debt first. p_requires names a
-- cause that must exist first (the refund a failure undoes, the withdrawal a won dispute undoes), else nothing happens.
CREATE OR REPLACE FUNCTION ledger_reverse(p_payment_intent text, p_cause text, p_kind text, p_amount int, p_requires text,
  p_now timestamptz, p_entry_id text)
RETURNS TABLE (purchase_found boolean, applied boolean, credits int, shortfall int, balance int) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE pur purchases; v_user text; v_returned int; v_target int; v_current int; v_delta int; v_take int; v_from_balance int;
  v_rest int; h record; v_used int; v_paid int := 0;
BEGIN
  SELECT * INTO pur FROM purchases p WHERE p.stripe_payment_intent_id = p_payment_intent AND p.credited_at IS NOT NULL
  ORDER BY p.created_at LIMIT 1;
  IF pur.id IS NULL THEN
    RETURN QUERY SELECT false, false, 0, 0, NULL::int;
    RETURN;
  END IF;
  SELECT u.id INTO v_user FROM users u WHERE u.id = pur.user_id FOR UPDATE;
  IF EXISTS (SELECT 1 FROM credit_entries e WHERE e.cause = p_cause)
     OR (p_requires IS NOT NULL AND NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.cause = p_requires)) THEN
    RETURN QUERY SELECT true, false, coalesce((SELECT abs(e.credits) FROM credit_entries e WHERE e.cause = p_cause), 0),
      coalesce((SELECT e.shortfall FROM credit_entries e WHERE e.cause = p_cause), 0),
      (SELECT u.credit_balance FROM users u WHERE u.id = v_user);
    RETURN;
  END IF;
  PERFORM ledger_free_expired(v_user, p_now);
  SELECT coalesce(sum(e.amount_cents), 0) + p_amount, coalesce(sum(e.reversed), 0) INTO v_returned, v_current
  FROM credit_entries e WHERE e.purchase_id = pur.id;
  v_target := pur.credit_qty - (pur.credit_qty::bigint * greatest(0, pur.amount_cents - v_returned) / pur.amount_cents)::int;
  v_delta := v_target - v_current;
  IF v_delta > 0 THEN
    SELECT least(u.credit_balance, v_delta) INTO v_from_balance FROM users u WHERE u.id = v_user;
    UPDATE users u SET credit_balance = u.credit_balance - v_from_balance, updated_at = now() WHERE u.id = v_user;
    v_rest := v_delta - v_from_balance;
    FOR h IN SELECT e.id, -e.credits AS n FROM credit_entries e
             WHERE e.user_id = v_user AND e.kind = 'hold'
               AND NOT EXISTS (SELECT 1 FROM credit_entries s WHERE s.cause = 'hold_settle:' || e.id)
             ORDER BY e.created_at DESC, e.id DESC LOOP
      EXIT WHEN v_rest <= 0;
      v_used := least(h.n, v_rest);
      v_rest := v_rest - v_used;
      v_paid := ledger_give_back(v_user, h.n - v_used);
      INSERT INTO credit_entries (id, user_id, kind, credits, debt_paid, cause, reference, balance_after, purchase_id)
      SELECT 'cre_' || md5(h.id || p_cause), v_user, 'hold_reversed', h.n - v_used - v_paid, v_paid, 'hold_settle:' || h.id, 'reversal',
             u.credit_balance, pur.id
      FROM users u WHERE u.id = v_user;
    END LOOP;
    UPDATE users u SET credit_debt = u.credit_debt + v_rest, updated_at = now() WHERE u.id = v_user;
    RETURN QUERY
    INSERT INTO credit_entries AS e (id, user_id, kind, credits, shortfall, cause, purchase_id, amount_cents, reversed, balance_after)
    SELECT p_entry_id, v_user, p_kind, -v_from_balance, v_rest, p_cause, pur.id, p_amount, v_delta, u.credit_balance FROM users u WHERE u.id = v_user
    RETURNING true, true, abs(e.credits), e.shortfall, e.balance_after;
  ELSE
    v_paid := CASE WHEN v_delta < 0 THEN ledger_give_back(v_user, -v_delta) ELSE 0 END;
    RETURN QUERY
    INSERT INTO credit_entries AS e (id, user_id, kind, credits, debt_paid, cause, purchase_id, amount_cents, reversed, balance_after)
    SELECT p_entry_id, v_user, p_kind, -v_delta - v_paid, v_paid, p_cause, pur.id, p_amount, v_delta, u.credit_balance FROM users u WHERE u.id = v_user
    RETURNING true, true, abs(e.credits), 0, e.balance_after;
  END IF;
END $$;--> statement-breakpoint
-- ledger_credit_purchase: records a paid session and adds its credits once (the pending→paid update or the insert
-- happens only while credited_at is null), paying the buyer's open debt first; resolves an unmatched record and
-- repairs a missing customer id. The buyer is found by app id, or by Clerk id when the app id is absent or stale.
CREATE OR REPLACE FUNCTION ledger_credit_purchase(p_app_user text, p_clerk text, p_session text, p_payment_intent text,
  p_customer text, p_price text, p_qty int, p_amount int, p_currency text, p_purchase_id text, p_entry_id text)
RETURNS TABLE (user_id text, new_balance int, balance int, status text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE v_user text; v_credited purchases; v_paid int;
BEGIN
  SELECT u.id INTO v_user FROM users u WHERE u.id = p_app_user OR u.clerk_user_id = p_clerk
  ORDER BY (u.id = p_app_user) DESC NULLS LAST LIMIT 1 FOR UPDATE;
  IF v_user IS NULL THEN
    RETURN QUERY SELECT NULL::text, NULL::int, NULL::int, 'paid'::text;
    RETURN;
  END IF;
  INSERT INTO purchases AS p (id, user_id, stripe_checkout_session_id, stripe_payment_intent_id, price_id, credit_qty, amount_cents, currency, status, credited_at)
  VALUES (p_purchase_id, v_user, p_session, p_payment_intent, p_price, p_qty, p_amount, p_currency, 'paid', now())
  ON CONFLICT (stripe_checkout_session_id) DO UPDATE
    SET status = 'paid', credited_at = now(), updated_at = now(),
        stripe_payment_intent_id = coalesce(excluded.stripe_payment_intent_id, p.stripe_payment_intent_id)
    WHERE p.credited_at IS NULL
  RETURNING * INTO v_credited;
  IF v_credited.id IS NULL THEN
    RETURN QUERY SELECT v_user, NULL::int, (SELECT u.credit_balance FROM users u WHERE u.id = v_user), 'paid'::text;
    RETURN;
  END IF;
  -- The purchase's buyer is the row's (an upgraded pending row keeps its user); lock it too when it differs.
  IF v_credited.user_id <> v_user THEN
    v_user := v_credited.user_id;
    PERFORM 1 FROM users u WHERE u.id = v_user FOR UPDATE;
  END IF;
  v_paid := ledger_give_back(v_user, v_credited.credit_qty);
  UPDATE users u SET stripe_customer_id = coalesce(u.stripe_customer_id, p_customer) WHERE u.id = v_user;
  INSERT INTO credit_entries (id, user_id, kind, credits, debt_paid, cause, purchase_id, balance_after)
  SELECT p_entry_id, v_user, 'purchase', v_credited.credit_qty - v_paid, v_paid, 'checkout:' || p_session, v_credited.id, u.credit_balance
  FROM users u WHERE u.id = v_user;
  DELETE FROM unmatched_checkouts WHERE stripe_checkout_session_id = p_session;
  RETURN QUERY SELECT v_user, u.credit_balance, u.credit_balance, 'paid'::text FROM users u WHERE u.id = v_user;
END $$;
