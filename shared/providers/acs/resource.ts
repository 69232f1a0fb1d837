import type { TokenCredential } from '@azure/core-auth';
import type { CommonClientOptions } from '@azure/core-client';
import { ConfigurationError } from '../../errors.js';

export interface AcsResourceId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const RESOURCE_ID =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Communication\/communicationServices\/([^/]+)$/i;

export function parseAcsResourceId(resourceId: string): AcsResourceId {
  const match = RESOURCE_ID.exec(resourceId.trim());
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new ConfigurationError(
      `${resourceId} is not a Communication Services resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Communication/communicationServices/<name>)`,
    );
  }
  return { subscriptionId: match[1], resourceGroup: match[2], name: match[3] };
}

/**
 * Finds a Communication Services resource's endpoint from its resource id, under the app's own
 * identity, the way Dynamics' "connect to Azure Communication Services" does: the resource must
 * exist, be provisioned, and be visible to the identity (Reader on it is enough).
 */
export async function resolveAcsEndpoint(
  resourceId: string,
  credential: TokenCredential,
  options: CommonClientOptions & { endpoint?: string } = {},
): Promise<string> {
  const id = parseAcsResourceId(resourceId);
  // Management is needed only for a channel that names its resource: its SDK is loaded then.
  const { CommunicationServiceManagementClient } = await import('@azure/arm-communication');
  const client = new CommunicationServiceManagementClient(credential, id.subscriptionId, {
    ...options,
    retryOptions: { maxRetries: 1 },
  });
  let resource: Awaited<ReturnType<typeof client.communicationServices.get>>;
  try {
    resource = await client.communicationServices.get(id.resourceGroup, id.name);
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    const why =
      status === 404
        ? 'does not exist, or the app identity cannot see it'
        : status === 401 || status === 403
          ? 'cannot be read by the app identity (give it the Reader role on the resource)'
          : `could not be read (${status ?? (error as Error).message})`;
    throw new ConfigurationError(`Communication Services resource ${id.name} ${why}`, { cause: error });
  }
  if (resource.provisioningState !== 'Succeeded' || !resource.hostName) {
    throw new ConfigurationError(
      `Communication Services resource ${id.name} is not ready (provisioning state ${resource.provisioningState ?? 'unknown'})`,
    );
  }
  return `https://${resource.hostName}`;
}
