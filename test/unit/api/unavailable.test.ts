import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '@temporalio/client';
import { isUnavailable } from '../../../api/unavailable.js';

/** A gRPC error as @grpc/grpc-js raises it (the SDK may rewrite its message from the status details). */
function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code, details: message, metadata: {} });
}

describe('which errors are a retryable 503', () => {
  it('an unreachable or timed-out Temporal server, directly or as a cause', () => {
    assert.equal(isUnavailable(grpcError(14, 'No connection established')), true);
    assert.equal(isUnavailable(grpcError(4, 'Deadline exceeded')), true);
    assert.equal(isUnavailable(new ServiceError('Failed to start workflow', { cause: grpcError(14, 'connect ECONNREFUSED') })), true);
  });

  it('an Update refused while the workflow task is being retried (overloaded worker)', () => {
    assert.equal(isUnavailable(grpcError(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.')), true);
  });

  it('an unreachable MongoDB', () => {
    assert.equal(isUnavailable(Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' })), true);
  });

  it('not a refused precondition, a bad request or a bug', () => {
    assert.equal(isUnavailable(grpcError(9, 'Namespace is not active')), false);
    assert.equal(isUnavailable(grpcError(3, 'invalid argument')), false);
    assert.equal(isUnavailable(new TypeError('x is undefined')), false);
    assert.equal(isUnavailable('a string'), false);
  });
});
