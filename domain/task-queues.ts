// Imported by workflow code: no libraries here.

/**
 * The vision worker (OCR, document quality, face match, liveness scoring) polls its own task
 * queue, named after the workflows' queue, so it scales apart from the light workflow worker.
 */
export const visionTaskQueueOf = (taskQueue: string): string => `${taskQueue}-vision`;
