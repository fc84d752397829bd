// Card applications (seed 001). Imported by workflow code: no libraries here.

export const cardApplicationWorkflowId = (taskId: string): string => `card-application:${taskId}`;
export const TASK_ID_PATTERN = /^task_[0-9a-f]{24}$/;

/** Issuance, then (physical cards) the issuer's fulfilment stages. */
export type CardStage = 'ISSUING' | 'ISSUED' | 'FAILED' | 'EMBOSSED' | 'SHIPPED' | 'DELIVERED';
export const FULFILMENT_STAGES = ['EMBOSSED', 'SHIPPED', 'DELIVERED'] as const;
export type FulfilmentStage = (typeof FULFILMENT_STAGES)[number];
/** Whether a fulfilment event moves the card on: repeats and late, out-of-order events do not. */
export const movesCardOn = (from: CardStage, to: FulfilmentStage): boolean =>
  FULFILMENT_STAGES.indexOf(to) > FULFILMENT_STAGES.indexOf(from as FulfilmentStage);

export interface ShippingDetails {
  nameOnCard: string;
  recipient: string;
  areaCode: string;
  phone: string;
  address: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface CardApplicationInput {
  taskId: string;
  userId: string;
  kycId: number;
  paymentId: string;
  physical: boolean;
  shipping: ShippingDetails | null;
}

export interface CardApplication {
  taskId: string;
  userId: string;
  kycId: number;
  paymentId: string;
  physical: boolean;
  stage: CardStage;
  stages: Array<{ stage: CardStage; at: string }>;
  cardId: number | null;
  panLast4: string | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export const isIssued = (app: CardApplication): boolean => app.cardId !== null;
export const isSettled = (app: CardApplication): boolean => app.stage === 'FAILED' || app.cardId !== null;
