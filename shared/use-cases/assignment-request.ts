import { queueNames } from '../ports.js';
import type { CoreDeps } from './deps.js';

/** Body of an assignment-queue message: "look at this queue again". */
export interface AssignmentRequest {
  queueId: string;
  reason: string;
}

/**
 * Asks the queue's single assigner (session = queue id) to run. Requests are idempotent, so the
 * message id only needs to collapse duplicates of one trigger.
 */
export async function requestAssignment(
  deps: Pick<CoreDeps, 'queue' | 'ids'>,
  queueId: string,
  reason: string,
) {
  const body: AssignmentRequest = { queueId, reason };
  await deps.queue.send(queueNames.assignment, { id: deps.ids.next(), sessionId: queueId, body });
}
