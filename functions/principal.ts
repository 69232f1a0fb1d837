import type { HttpRequest } from '@azure/functions';
import type { App } from '../shared/app.js';
import { keyHolder, type Principal, type Role, roleForAppRole, roles } from '../shared/domain/access.js';
import { UnauthorizedError, ValidationError } from '../shared/errors.js';

interface ClientPrincipal {
  claims?: { typ?: string; val?: string }[];
  role_typ?: string;
}

const OBJECT_ID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const UPN = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';

/**
 * App Service Authentication's principal: App Service validated the token and put its claims in
 * `X-MS-CLIENT-PRINCIPAL` (base64 JSON), removing any such header the caller sent. Trusted only
 * when App Service says its authentication is on (WEBSITE_AUTH_ENABLED).
 */
async function fromAppService(app: App, request: HttpRequest): Promise<Principal> {
  const header = request.headers.get('x-ms-client-principal');
  if (!header)
    throw new UnauthorizedError('sign in with Microsoft Entra ID (send a bearer token for this app)');
  let principal: ClientPrincipal;
  try {
    principal = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as ClientPrincipal;
  } catch (error) {
    throw new UnauthorizedError('the sign-in could not be read', { cause: error });
  }
  const claims = principal.claims ?? [];
  const claim = (...types: string[]) => claims.find((c) => c.typ && types.includes(c.typ))?.val;
  const roleTypes = [
    'roles',
    principal.role_typ ?? 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  ];
  const granted = claims.flatMap((c) => {
    const role = c.typ && roleTypes.includes(c.typ) && c.val ? roleForAppRole(c.val) : undefined;
    return role ? [role] : [];
  });
  const userId = claim(OBJECT_ID, 'oid') ?? request.headers.get('x-ms-client-principal-id') ?? '';
  const userName = claim('preferred_username', UPN, 'email');
  if (!userId) throw new UnauthorizedError('the sign-in carries no user id');
  return {
    kind: 'user',
    userId,
    name: claim('name') ?? userName ?? userId,
    roles: [...new Set(granted)],
    agentId: await app.agents.agentFor(userId, userName),
  };
}

/**
 * The development sign-in of the embedded default: `x-sms-user` names the user (an agent's id or
 * userId signs in as that agent), `x-sms-roles` lists their roles (an agent's default is agent).
 * The local host listens on 127.0.0.1 only, and Azure adapters refuse this mode.
 */
async function fromDevSignIn(app: App, request: HttpRequest): Promise<Principal> {
  const userId = request.headers.get('x-sms-user')?.trim();
  if (!userId)
    throw new UnauthorizedError('sign in: send x-sms-user (and x-sms-roles), the development sign-in');
  const agentId = await app.agents.agentFor(userId);
  const asked = request.headers.get('x-sms-roles');
  const given =
    asked === null
      ? agentId
        ? ['agent']
        : []
      : asked
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean);
  const unknown = given.filter((role) => !(roles as readonly string[]).includes(role));
  if (unknown.length > 0) {
    throw new ValidationError(
      `x-sms-roles names unknown roles: ${unknown.join(', ')} (known: ${roles.join(', ')})`,
    );
  }
  return { kind: 'user', userId, name: userId, roles: given as Role[], agentId };
}

/** Who is calling a signed-in route, by the identity source the configuration chose. */
export function principalOf(app: App, request: HttpRequest): Promise<Principal> {
  switch (app.config.identity) {
    case 'app-service':
      return fromAppService(app, request);
    case 'dev-sign-in':
      return fromDevSignIn(app, request);
    case 'function-keys':
      // The host let the request in because it carried a function key: it holds the keys' roles.
      return Promise.resolve(keyHolder(app.config.functionKeyRoles));
  }
}
