/** The development sign-in's headers for a person; an agent needs only their id. */
export function signInHeaders(signIn: { user: string; roles: string[] } | null): Record<string, string> {
  if (!signIn) return {};
  const roles = signIn.roles.filter((role) => role !== 'agent');
  return roles.length > 0
    ? { 'x-sms-user': signIn.user, 'x-sms-roles': signIn.roles.join(',') }
    : { 'x-sms-user': signIn.user };
}

/** Where the API lives, seen from the page: the page is served at `<api>/console/`. */
export function apiBaseOf(pathname: string): string {
  const at = pathname.lastIndexOf('/console');
  return at >= 0 ? `${pathname.slice(0, at)}/` : '/api/';
}
