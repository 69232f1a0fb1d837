import azureFunctions from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { principalOf } from '../../functions/principal.js';
import type { App } from '../../shared/app.js';
import { type IdentitySource, loadConfig } from '../../shared/config.js';
import { UnauthorizedError } from '../../shared/errors.js';
import { AgentIndex } from '../../shared/use-cases/agent-index.js';
import { anAgent } from '../support/builders.js';
import { MemoryStore } from '../support/memory-store.js';

const { HttpRequest } = azureFunctions;

const OID = '2f1c7a8e-4b0d-4a6e-9c1f-8d2e3b4a5c6d';

/** What App Service Authentication puts in X-MS-CLIENT-PRINCIPAL for a signed-in Entra ID user. */
const clientPrincipal = (roles: string[]) =>
  Buffer.from(
    JSON.stringify({
      auth_typ: 'aad',
      name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
      role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
      claims: [
        { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: OID },
        { typ: 'name', val: 'Alice Martin' },
        { typ: 'preferred_username', val: 'alice@contoso.com' },
        ...roles.map((val) => ({ typ: 'roles', val })),
      ],
    }),
  ).toString('base64');

async function appWith(
  identity: IdentitySource,
  functionKeyRoles = loadConfig({}).functionKeyRoles,
): Promise<App> {
  const store = new MemoryStore();
  await store.createAgent(anAgent({ id: 'alice', userId: OID }));
  return { config: { identity, functionKeyRoles }, agents: new AgentIndex(store) } as unknown as App;
}

const request = (headers: Record<string, string>) =>
  new HttpRequest({ method: 'GET', url: 'https://x/api/y', headers });

describe('who is calling', () => {
  it('reads App Service Authentication: the user, their app roles, and the agent they sign in as', async () => {
    const app = await appWith('app-service');
    const principal = await principalOf(
      app,
      request({ 'x-ms-client-principal': clientPrincipal(['Sms.Agent', 'Sms.Notify', 'Other']) }),
    );
    expect(principal).toEqual({
      kind: 'user',
      userId: OID,
      name: 'Alice Martin',
      roles: ['agent', 'notifier'],
      agentId: 'alice',
    });
  });

  it('grants nothing for role values that are not our app roles, however they are spelled', async () => {
    const app = await appWith('app-service');
    const principal = await principalOf(
      app,
      request({
        'x-ms-client-principal': clientPrincipal(['constructor', 'toString', '__proto__', 'sms.admin']),
      }),
    );
    expect(principal.roles).toEqual([]);
  });

  it('refuses a call without App Service sign-in, and does not believe the development headers there', async () => {
    const app = await appWith('app-service');
    await expect(
      principalOf(app, request({ 'x-sms-user': 'alice', 'x-sms-roles': 'admin' })),
    ).rejects.toThrow(UnauthorizedError);
    await expect(principalOf(app, request({ 'x-ms-client-principal': 'not base64 json' }))).rejects.toThrow(
      'could not be read',
    );
  });

  it('does not believe an App Service principal header where App Service Authentication is off', async () => {
    const app = await appWith('dev-sign-in');
    await expect(
      principalOf(app, request({ 'x-ms-client-principal': clientPrincipal(['Sms.Admin']) })),
    ).rejects.toThrow(UnauthorizedError);
  });

  it('gives a function-key holder (the host checked the key) only the notifier role by default, and no agent', async () => {
    const app = await appWith('function-keys');
    expect(await principalOf(app, request({}))).toEqual({
      kind: 'key',
      userId: 'function-key',
      name: 'function key holder',
      roles: ['notifier'],
      agentId: null,
    });
  });

  it('gives function keys the agent and admin roles only when SMS_FUNCTION_KEY_ROLES says so', async () => {
    const { functionKeyRoles } = loadConfig({ SMS_FUNCTION_KEY_ROLES: 'notifier, admin,supervisor,admin' });
    expect(functionKeyRoles).toEqual(['notifier', 'admin', 'supervisor']);
    const app = await appWith('function-keys', functionKeyRoles);
    expect((await principalOf(app, request({}))).roles).toEqual(['notifier', 'admin', 'supervisor']);
    expect(() => loadConfig({ SMS_FUNCTION_KEY_ROLES: 'notifier,root' })).toThrow(/SMS_FUNCTION_KEY_ROLES/);
  });

  it('signs in as an agent by agent id or userId in development, an agent by default', async () => {
    const app = await appWith('dev-sign-in');
    expect(await principalOf(app, request({ 'x-sms-user': 'alice' }))).toMatchObject({
      roles: ['agent'],
      agentId: 'alice',
    });
    expect(
      await principalOf(app, request({ 'x-sms-user': OID, 'x-sms-roles': 'agent,supervisor' })),
    ).toMatchObject({
      roles: ['agent', 'supervisor'],
      agentId: 'alice',
    });
    expect(await principalOf(app, request({ 'x-sms-user': 'dana' }))).toMatchObject({
      roles: [],
      agentId: null,
    });
  });
});
