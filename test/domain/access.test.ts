import { describe, expect, it } from 'vitest';
import {
  hasRole,
  keyHolder,
  oversees,
  type Principal,
  type Role,
  roleForAppRole,
  roles,
} from '../../shared/domain/access.js';

const person = (...granted: Role[]): Principal => ({
  kind: 'user',
  userId: '3f1c9a52-7d4e-4b8a-9c21-5e6f7a8b9c0d',
  name: 'Alice Martin',
  roles: granted,
  agentId: granted.includes('agent') ? 'alice' : null,
});

describe('roles from the sign-in', () => {
  it('are agent, supervisor, admin and notifier', () => {
    expect(roles).toEqual(['agent', 'supervisor', 'admin', 'notifier']);
  });

  it.each([
    ['Sms.Agent', 'agent'],
    ['Sms.Supervisor', 'supervisor'],
    ['Sms.Admin', 'admin'],
    ['Sms.Notify', 'notifier'],
  ] as const)("the app role %s is our role '%s'", (appRole, role) => {
    expect(roleForAppRole(appRole)).toBe(role);
  });

  it("another app's role, or one spelled otherwise, grants nothing", () => {
    expect(roleForAppRole('Mail.Admin')).toBeUndefined();
    expect(roleForAppRole('sms.admin')).toBeUndefined();
    expect(roleForAppRole('admin')).toBeUndefined();
  });
});

describe('a caller with a function key', () => {
  it('holds the roles the deployment gives keys, and is no agent', () => {
    expect(keyHolder(['notifier'])).toEqual({
      kind: 'key',
      userId: 'function-key',
      name: 'function key holder',
      roles: ['notifier'],
      agentId: null,
    });
  });

  it('holds its own copy of the roles, so the configuration cannot be changed through it', () => {
    const granted: Role[] = ['notifier'];
    keyHolder(granted).roles.push('admin');
    expect(granted).toEqual(['notifier']);
  });
});

describe('checking roles', () => {
  it('a caller has a role when it holds any one of those asked for', () => {
    expect(hasRole(person('agent'), 'agent')).toBe(true);
    expect(hasRole(person('supervisor'), 'agent', 'supervisor')).toBe(true);
    expect(hasRole(person('agent'), 'supervisor', 'admin')).toBe(false);
    expect(hasRole(person(), 'agent')).toBe(false);
  });

  it('supervisors and admins oversee every queue; agents and notifiers do not', () => {
    expect(oversees(person('supervisor'))).toBe(true);
    expect(oversees(person('admin'))).toBe(true);
    expect(oversees(person('agent', 'admin'))).toBe(true);
    expect(oversees(person('agent'))).toBe(false);
    expect(oversees(keyHolder(['notifier']))).toBe(false);
  });
});
