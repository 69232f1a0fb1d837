/**
 * Who may do what. Roles come from the sign-in (App Service Authentication's app roles, or the
 * development sign-in); the checks are pure, so every edge applies the same rules.
 */
export const roles = ['agent', 'supervisor', 'admin', 'notifier'] as const;
export type Role = (typeof roles)[number];

/** The Entra ID app roles an app registration defines, as they arrive in the token's `roles` claim. */
const appRoles = new Map<string, Role>([
  ['Sms.Agent', 'agent'],
  ['Sms.Supervisor', 'supervisor'],
  ['Sms.Admin', 'admin'],
  ['Sms.Notify', 'notifier'],
]);

/** Our role for an Entra ID app role's value; any other value (another app's role) grants nothing. */
export function roleForAppRole(value: string): Role | undefined {
  return appRoles.get(value);
}

export interface Principal {
  /**
   * user: a person (or a flow's identity) signed in with their roles; key: a caller the Functions
   * host let in with a function key, which cannot say who it is: it holds the roles given to keys.
   */
  kind: 'user' | 'key';
  /** The sign-in's user id (Entra object id, or the development user name). */
  userId: string;
  name: string;
  roles: Role[];
  /** The agent this person is, when they are one. */
  agentId: string | null;
}

/**
 * A caller the Functions host let in with a function key: it cannot say who it is, so it holds the
 * roles the deployment gives keys (notifier unless configured otherwise) and is no agent.
 */
export function keyHolder(granted: readonly Role[]): Principal {
  return {
    kind: 'key',
    userId: 'function-key',
    name: 'function key holder',
    roles: [...granted],
    agentId: null,
  };
}

export function hasRole(principal: Principal, ...wanted: Role[]): boolean {
  return wanted.some((role) => principal.roles.includes(role));
}

/** Supervisors and admins oversee every queue and may act for any agent. */
export function oversees(principal: Principal): boolean {
  return hasRole(principal, 'supervisor', 'admin');
}
