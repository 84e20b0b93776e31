-- ledger_buyer: whose purchase a session is, the one rule for every purchase write (pending, paid, failed): the row
-- with the session's app id, or the row with its Clerk id when the app id is absent or stale (a re-created user row, a
-- restored database); the Clerk id is the one the checkout marker vouches for. NULL when neither names a row.
CREATE OR REPLACE FUNCTION ledger_buyer(p_app_user text, p_clerk text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT u.id FROM users u WHERE u.id = p_app_user OR u.clerk_user_id = p_clerk
  ORDER BY (u.id = p_app_user) DESC NULLS LAST LIMIT 1
$$;--> statement-breakpoint
-- ledger_credit_purchase: records a paid session and adds its credits once (the pending→paid update or the insert
-- happens only while credited_at is null), paying the buyer's open debt first; resolves an unmatched record and
-- repairs a missing customer id. The buyer is ledger_buyer's.
CREATE OR REPLACE FUNCTION ledger_credit_purchase(p_app_user text, p_clerk text, p_session text, p_payment_intent text,
  p_customer text, p_price text, p_qty int, p_amount int, p_currency text, p_purchase_id text, p_entry_id text)
RETURNS TABLE (user_id text, new_balance int, balance int, status text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE v_user text; v_credited purchases; v_paid int;
BEGIN
  SELECT u.id INTO v_user FROM users u WHERE u.id = ledger_buyer(p_app_user, p_clerk) FOR UPDATE;
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
