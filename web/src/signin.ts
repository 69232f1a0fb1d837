/** Who the development sign-in says the page is; kept for the browser tab (sessionStorage). */
export interface SignIn {
  user: string;
  roles: string[];
}

const KEY = 'sms.signIn';

export function loadSignIn(): SignIn | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<SignIn>;
    if (typeof parsed.user !== 'string' || !Array.isArray(parsed.roles)) return null;
    return { user: parsed.user, roles: parsed.roles.filter((role) => typeof role === 'string') };
  } catch {
    return null;
  }
}

export function saveSignIn(signIn: SignIn | null): void {
  if (signIn) sessionStorage.setItem(KEY, JSON.stringify(signIn));
  else sessionStorage.removeItem(KEY);
}
