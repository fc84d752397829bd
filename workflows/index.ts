// Entry point the worker bundles: every workflow type registered on the task queue.
export { kycProfileWorkflow } from './kyc-profile.workflow.js';
export { feePaymentWorkflow } from './fee-payment.workflow.js';
export { cardApplicationWorkflow } from './card-application.workflow.js';
