-- ledger_adjust: an operator's adjustment (`adjustment:<key>`) or credited unmatched sale (`unmatched:cs_…`, with
-- p_unmatched naming the sale), once per cause, under the ledger's policy like every other entry: the buyer's row is
-- locked first; expired holds are released (their credits count as available); credits given pay the open debt first
-- (the entry's debt_paid), so no path hands back what a reversal could not take; a negative adjustment is refused when
-- it would take the balance below zero. Crediting a sale locks it and needs it still open, and marks it credited in
-- the same call. Outcomes: 'adjusted', 'replayed' (the cause has an entry: that entry), 'refused', 'no_buyer'.
CREATE OR REPLACE FUNCTION ledger_adjust(p_user text, p_credits int, p_cause text, p_actor text, p_reason text,
  p_unmatched text, p_now timestamptz, p_entry_id text)
RETURNS TABLE (outcome text, id text, user_id text, credits int, debt_paid int, balance_after int, actor text, reason text,
  cause text, balance int) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE v_user text; v_balance int; v_paid int := 0;
BEGIN
  SELECT u.id INTO v_user FROM users u WHERE u.id = p_user FOR UPDATE;
  IF v_user IS NULL THEN
    RETURN QUERY SELECT 'no_buyer', NULL::text, NULL::text, NULL::int, NULL::int, NULL::int, NULL::text, NULL::text, NULL::text, NULL::int;
    RETURN;
  END IF;
  RETURN QUERY SELECT 'replayed', e.id, e.user_id, e.credits, e.debt_paid, e.balance_after, e.actor, e.reason, e.cause,
    (SELECT u.credit_balance FROM users u WHERE u.id = v_user)
  FROM credit_entries e WHERE e.cause = p_cause;
  IF FOUND THEN RETURN; END IF;
  IF p_unmatched IS NOT NULL THEN
    PERFORM 1 FROM unmatched_checkouts m WHERE m.stripe_checkout_session_id = p_unmatched AND m.resolved_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'refused', NULL::text, NULL::text, NULL::int, NULL::int, NULL::int, NULL::text, NULL::text, NULL::text,
        (SELECT u.credit_balance FROM users u WHERE u.id = v_user);
      RETURN;
    END IF;
  END IF;
  PERFORM ledger_free_expired(v_user, p_now);
  IF p_credits < 0 THEN
    SELECT u.credit_balance INTO v_balance FROM users u WHERE u.id = v_user;
    IF v_balance + p_credits < 0 THEN
      RETURN QUERY SELECT 'refused', NULL::text, NULL::text, NULL::int, NULL::int, NULL::int, NULL::text, NULL::text, NULL::text, v_balance;
      RETURN;
    END IF;
    UPDATE users u SET credit_balance = u.credit_balance + p_credits, updated_at = now() WHERE u.id = v_user;
  ELSE
    v_paid := ledger_give_back(v_user, p_credits);
  END IF;
  INSERT INTO credit_entries (id, user_id, kind, credits, debt_paid, cause, balance_after, actor, reason)
  SELECT p_entry_id, v_user, 'adjustment', p_credits - v_paid, v_paid, p_cause, u.credit_balance, p_actor, p_reason
  FROM users u WHERE u.id = v_user;
  IF p_unmatched IS NOT NULL THEN
    UPDATE unmatched_checkouts m SET resolved_at = now(), resolution = 'credited', resolution_reason = p_reason,
      resolved_by = p_actor, updated_at = now()
    WHERE m.stripe_checkout_session_id = p_unmatched;
  END IF;
  RETURN QUERY SELECT 'adjusted', e.id, e.user_id, e.credits, e.debt_paid, e.balance_after, e.actor, e.reason, e.cause, e.balance_after
  FROM credit_entries e WHERE e.id = p_entry_id;
END $$;
