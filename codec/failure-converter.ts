import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into history as an encoded payload instead of clear text,
 * so the payload codec encrypts them like everything else (a refusal can name a person, a document
 * or a card). The SDK loads this file by path (`failureConverterPath`) in the worker, the client
 * and the workflow bundle, so it imports nothing but the SDK. Reading failures written in clear
 * (old histories) still works: the decoder uses encoded attributes only where they exist.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
