// Fee payments (seed 000's vocabulary). Imported by workflow code: no libraries here.

export const PAYMENT_TYPES = ['kyc', 'virtual', 'physical'] as const;
export type PaymentType = (typeof PAYMENT_TYPES)[number];

/** Seed 000 `payment_status` (`none` means there is no payment at all). */
export type PaymentStatus = 'none' | 'pending' | 'processing' | 'completed' | 'failed';

export const isFinalPayment = (status: PaymentStatus): boolean => status === 'completed' || status === 'failed';

export const feePaymentWorkflowId = (paymentId: string): string => `fee-payment:${paymentId}`;
export const PAYMENT_ID_PATTERN = /^pay_[0-9a-f]{24}$/;

export interface FeePaymentInput {
  paymentId: string;
  userId: string;
  type: PaymentType;
  amount: number;
  currency: string;
  /** An unpaid payment fails as expired after this long. */
  ttlMs: number;
}

export interface FeePayment {
  paymentId: string;
  userId: string;
  type: PaymentType;
  amount: number;
  currency: string;
  status: Exclude<PaymentStatus, 'none'>;
  checkoutUrl: string | null;
  intentId: string | null;
  failureReason: string | null;
  /** Processor event ids already applied (a repeated callback changes nothing). */
  eventIds: string[];
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

/** A processor event as the callback route hands it to the workflow. */
export interface PaymentEvent {
  eventId: string;
  outcome: 'processing' | 'completed' | 'failed';
  failureReason: string | null;
}

/** What became of a processor event: applied, or ignored and why (the callback's answer). */
export type PaymentEventAnswer = { status: 'accepted' } | { status: 'ignored'; reason: string };

/** Why `event` would change nothing on `payment` (a repeat, or the payment already ended); null if it applies. */
export function paymentEventRefusal(payment: Pick<FeePayment, 'eventIds' | 'status'>, event: Pick<PaymentEvent, 'eventId'>): string | null {
  if (payment.eventIds.includes(event.eventId)) return 'event already received';
  if (isFinalPayment(payment.status)) return `payment already ${payment.status}`;
  return null;
}
