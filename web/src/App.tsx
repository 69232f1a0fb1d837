import {
  Button,
  FluentProvider,
  Link,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Select,
  Spinner,
  Text,
  tokens,
  webLightTheme,
} from '@fluentui/react-components';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Api, ApiError, errorText } from './api.js';
import { useHashRoute } from './hooks.js';
import { AgentPage } from './pages/AgentPage.js';
import { loadSignIn, type SignIn, saveSignIn } from './signin.js';
import type { Me, Person } from './types.js';

// The agent page is the first load; the others load when opened.
const SupervisorPage = lazy(() =>
  import('./pages/SupervisorPage.js').then((m) => ({ default: m.SupervisorPage })),
);
const PhonePage = lazy(() => import('./pages/PhonePage.js').then((m) => ({ default: m.PhonePage })));
const SearchPage = lazy(() => import('./pages/SearchPage.js').then((m) => ({ default: m.SearchPage })));

const useStyles = makeStyles({
  shell: {
    display: 'flex',
    flexDirection: 'column',
    height: '100%',
    backgroundColor: tokens.colorNeutralBackground2,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  title: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, margin: 0 },
  nav: { display: 'flex', gap: tokens.spacingHorizontalM, flexGrow: 1 },
  navLink: {
    color: tokens.colorNeutralForegroundOnBrand,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    ':hover': {
      color: tokens.colorNeutralForegroundOnBrand,
      backgroundColor: tokens.colorBrandBackgroundHover,
    },
  },
  navCurrent: { backgroundColor: tokens.colorBrandBackgroundPressed, textDecorationLine: 'underline' },
  who: { color: tokens.colorNeutralForegroundOnBrand },
  main: { flexGrow: 1, minHeight: 0, overflow: 'auto' },
  signIn: {
    maxWidth: '420px',
    margin: '10vh auto',
    padding: tokens.spacingHorizontalXXL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow8,
  },
});

type Session =
  | { kind: 'loading' }
  | { kind: 'signed-in'; me: Me }
  | { kind: 'picker'; people: Person[] }
  | { kind: 'signed-out'; message: string };

const oversees = (me: Me) => me.roles.includes('supervisor') || me.roles.includes('admin');

export function App() {
  const [signIn, setSignIn] = useState<SignIn | null>(() => loadSignIn());
  const api = useMemo(() => new Api(signIn), [signIn]);
  const [session, setSession] = useState<Session>({ kind: 'loading' });
  const route = useHashRoute();

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const me = await api.get<Me>('me');
        if (!cancelled) setSession({ kind: 'signed-in', me });
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) {
          if (!cancelled) setSession({ kind: 'signed-out', message: errorText(error) });
          return;
        }
        try {
          const { people } = await api.call<{ people: Person[] }>('GET', 'me/people', undefined, false);
          if (!cancelled) setSession({ kind: 'picker', people: withOverseers(people) });
        } catch {
          if (!cancelled) setSession({ kind: 'signed-out', message: 'You are not signed in.' });
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [api]);

  const choose = useCallback((person: SignIn | null) => {
    saveSignIn(person);
    setSession({ kind: 'loading' });
    setSignIn(person);
  }, []);

  const styles = useStyles();
  const me = session.kind === 'signed-in' ? session.me : undefined;
  const page = me ? pageFor(route, me) : undefined;

  useEffect(() => {
    if (me && page && route !== page) window.location.replace(`#/${page}`);
  }, [me, page, route]);

  useEffect(() => {
    const names: Record<string, string> = {
      agent: 'Agent',
      supervisor: 'Supervisor floor',
      search: 'Search conversations',
      phone: 'Phone simulator',
    };
    document.title = page ? `${names[page] ?? page} · SMS workspace` : 'Sign in · SMS workspace';
  }, [page]);

  return (
    <FluentProvider theme={webLightTheme} style={{ height: '100%' }}>
      <div className={styles.shell}>
        <header className={styles.header}>
          <h1 className={styles.title}>SMS workspace</h1>
          <nav className={styles.nav} aria-label="Pages">
            {me?.agent && <NavLink to="agent" current={page} label="Agent" className={styles} />}
            {me && oversees(me) && (
              <NavLink to="supervisor" current={page} label="Supervisor" className={styles} />
            )}
            {me && oversees(me) && <NavLink to="search" current={page} label="Search" className={styles} />}
            {me?.embedded && <NavLink to="phone" current={page} label="Phone simulator" className={styles} />}
          </nav>
          {me && (
            <Text className={styles.who}>
              Signed in as {me.agent?.name ?? me.user}
              {me.roles.length > 0 ? ` (${me.roles.join(', ')})` : ''}
            </Text>
          )}
          {me?.devSignIn && (
            <Button size="small" appearance="secondary" onClick={() => choose(null)}>
              Switch person
            </Button>
          )}
        </header>
        <main className={styles.main}>
          {session.kind === 'loading' && <Spinner label="Signing in…" style={{ marginTop: '20vh' }} />}
          {session.kind === 'picker' && (
            <PersonPicker people={session.people} onChoose={choose} className={styles.signIn} />
          )}
          {session.kind === 'signed-out' && (
            <div className={styles.signIn}>
              <MessageBar intent="warning">
                <MessageBarBody>{session.message}</MessageBarBody>
              </MessageBar>
              <Link href="/.auth/login/aad">Sign in with Microsoft Entra ID</Link>
            </div>
          )}
          {me && page === 'agent' && <AgentPage api={api} me={me} />}
          {me && page !== 'agent' && (
            <Suspense fallback={<Spinner label="Loading…" />}>
              {page === 'supervisor' && <SupervisorPage api={api} me={me} />}
              {page === 'search' && <SearchPage api={api} />}
              {page === 'phone' && <PhonePage api={api} />}
            </Suspense>
          )}
          {me && !page && (
            <div className={styles.signIn}>
              <MessageBar intent="warning">
                <MessageBarBody>
                  {me.user} has no page here: the workspace is for agents and supervisors.
                </MessageBarBody>
              </MessageBar>
            </div>
          )}
        </main>
      </div>
    </FluentProvider>
  );
}

/** The page a person asked for, if they may see it, else the first one they may. */
function pageFor(route: string, me: Me): string | undefined {
  const allowed = [
    ...(me.agent ? ['agent'] : []),
    ...(oversees(me) ? ['supervisor', 'search'] : []),
    ...(me.embedded ? ['phone'] : []),
  ];
  return allowed.includes(route) ? route : (allowed.find((page) => page !== 'phone') ?? allowed[0]);
}

/** The picker offers the agents the API lists, plus a supervisor and an admin (the contract). */
function withOverseers(people: Person[]): Person[] {
  const extra: Person[] = [
    { user: 'supervisor', name: 'Supervisor', roles: ['supervisor'] },
    { user: 'admin', name: 'Admin', roles: ['admin'] },
  ];
  return [...people, ...extra.filter((person) => !people.some((known) => known.user === person.user))];
}

function NavLink(props: {
  to: string;
  current: string | undefined;
  label: string;
  className: ReturnType<typeof useStyles>;
}) {
  const current = props.current === props.to;
  return (
    <a
      href={`#/${props.to}`}
      aria-current={current ? 'page' : undefined}
      className={`${props.className.navLink} ${current ? props.className.navCurrent : ''}`}
    >
      {props.label}
    </a>
  );
}

function PersonPicker(props: { people: Person[]; onChoose: (person: SignIn) => void; className: string }) {
  const [user, setUser] = useState(props.people[0]?.user ?? '');
  const person = props.people.find((candidate) => candidate.user === user);
  return (
    <form
      className={props.className}
      onSubmit={(event) => {
        event.preventDefault();
        if (person) props.onChoose({ user: person.user, roles: person.roles });
      }}
    >
      <h2 style={{ margin: 0 }}>Sign in</h2>
      <Text>Development sign-in: choose who you are. On Azure, Microsoft Entra ID signs you in.</Text>
      <label htmlFor="person">Person</label>
      <Select id="person" value={user} onChange={(_, data) => setUser(data.value)}>
        {props.people.map((candidate) => (
          <option key={candidate.user} value={candidate.user}>
            {candidate.name} ({candidate.roles.join(', ') || 'no role'})
          </option>
        ))}
      </Select>
      <Button appearance="primary" type="submit" disabled={!person}>
        Sign in
      </Button>
    </form>
  );
}
