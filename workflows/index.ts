// Entry point the worker bundles: every workflow type registered on the task queue.
export { kycProfileWorkflow } from './kyc-profile.workflow.js';
export { feePaymentWorkflow } from './fee-payment.workflow.js';
export { cardApplicationWorkflow } from './card-application.workflow.js';
export { dataErasureWorkflow } from './data-erasure.workflow.js';
export { retentionSweepWorkflow } from './retention-sweep.workflow.js';
export { webhookDeliveryWorkflow } from './webhook-delivery.workflow.js';
export { screeningMonitorWorkflow } from './screening-monitor.workflow.js';
