import { SEARCH_PAGE_DEFAULT, SEARCH_PAGE_MAX } from '../shared/use-cases/conversation-search.js';
import type { ApiOperation, ApiParameter, Schema } from './notifications-api.js';

/**
 * The conversation search (`GET search/conversations`), described for the OpenAPI document beside
 * the notifications API. It is a person's search (a supervisor's page, an agent's look-up), not a
 * flow's action, so the Power Platform connector leaves it out.
 */

const query = (name: string, summary: string, description: string, schema: Schema): ApiParameter => ({
  name,
  in: 'query',
  required: false,
  summary,
  description,
  schema,
});

const searchParameters: ApiParameter[] = [
  query('number', 'Number', "The customer's number, exactly (E.164; encode + as %2B)", { type: 'string' }),
  query(
    'contact',
    'Contact name',
    "The start of the customer's name as the conversation recorded it; case and accents ignored",
    { type: 'string', maxLength: 200 },
  ),
  query('caseNumber', 'Case number', 'The case number, exactly', { type: 'string', maxLength: 100 }),
  query('from', 'From', 'Created at or after: a day (YYYY-MM-DD, UTC) or an instant with its offset', {
    type: 'string',
  }),
  query('to', 'To', 'Created before: a day (the whole day included) or an instant (excluded)', {
    type: 'string',
  }),
  query('queue', 'Queue', 'A queue id (an agent may name only their own queues)', { type: 'string' }),
  query('agent', 'Agent', 'The agent who has it, or last had it', { type: 'string' }),
  query('state', 'States', 'Comma-separated: open, active, waiting, wrap-up, closed', { type: 'string' }),
  query('pageSize', 'Page size', `Conversations per page, 1-${SEARCH_PAGE_MAX}`, {
    type: 'integer',
    minimum: 1,
    maximum: SEARCH_PAGE_MAX,
    default: SEARCH_PAGE_DEFAULT,
  }),
  query('continuation', 'Continuation', 'The continuation the previous page answered', { type: 'string' }),
];

export const searchParameterNames = searchParameters.map((parameter) => parameter.name);

const hit: Schema = {
  type: 'object',
  required: [
    'id',
    'channelId',
    'customer',
    'queueId',
    'agentId',
    'state',
    'createdAt',
    'lastActivityAt',
    'closedAt',
  ],
  properties: {
    id: { type: 'string' },
    channelId: { type: 'string' },
    customer: { type: 'string', description: 'E.164 (or "erased")' },
    customerName: { type: 'string' },
    caseNumber: { type: 'string' },
    queueId: { type: 'string' },
    agentId: { type: 'string', 'x-nullable': true },
    state: { type: 'string', enum: ['open', 'active', 'waiting', 'wrap-up', 'closed'] },
    createdAt: { type: 'string', format: 'date-time' },
    lastActivityAt: { type: 'string', format: 'date-time' },
    closedAt: { type: 'string', format: 'date-time', 'x-nullable': true },
    wrapUp: {
      type: 'object',
      description: 'The wrap-up code and note the agent gave on ending it',
      properties: {
        code: { type: 'string' },
        label: { type: 'string' },
        note: { type: 'string' },
        by: { type: 'string' },
        at: { type: 'string', format: 'date-time' },
      },
    },
  },
};

export const searchDefinitions: Record<string, Schema> = {
  ConversationHit: hit,
  ConversationSearchPage: {
    type: 'object',
    required: ['conversations'],
    properties: {
      conversations: { type: 'array', items: { $ref: '#/definitions/ConversationHit' } },
      continuation: {
        type: 'string',
        description: 'Pass it back for the next (older) page; absent on the last',
      },
    },
  },
};

const refusal = (description: string) => ({ description, schema: 'Error' });

export const searchOperations: ApiOperation[] = [
  {
    path: '/search/conversations',
    method: 'get',
    operationId: 'SearchConversations',
    summary: 'Search conversations',
    description:
      'Conversations of any state matching every filter given, newest first, a page at a time. ' +
      'A supervisor or admin searches all; an agent the conversations of their queues and those they last held.',
    parameters: searchParameters,
    responses: {
      '200': { description: 'A page of conversations', schema: 'ConversationSearchPage' },
      '400': refusal('A filter is invalid: the issues name it'),
      '401': refusal('Not signed in'),
      '403': refusal('The caller may not search, or names a queue that is not theirs'),
    },
  },
];
