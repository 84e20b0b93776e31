// The optional Checkout features a shop switches on by configuration; all off by default.
export interface CheckoutOptions {
  allowPromotionCodes: boolean;
  /** Stripe Tax; for an existing Customer it also lets Checkout save the address the buyer enters. */
  automaticTax: boolean;
  /** A paid invoice (receipt PDF) for each purchase. */
  invoiceCreation: boolean;
  /** A Stripe Checkout locale (`auto`, `de`, `fr-CA`, …); unset = Stripe's default. */
  locale?: string;
}

export function checkoutOptionsFromConfig(config: Partial<Record<string, string | number | boolean | undefined>>): CheckoutOptions {
  const on = (name: string) => config[name] === true || config[name] === 'true';
  const locale = config.STRIPE_CHECKOUT_LOCALE;
  return {
    allowPromotionCodes: on('STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES'),
    automaticTax: on('STRIPE_CHECKOUT_AUTOMATIC_TAX'),
    invoiceCreation: on('STRIPE_CHECKOUT_INVOICE_CREATION'),
    ...(typeof locale === 'string' && locale.length > 0 && { locale }),
  };
}
