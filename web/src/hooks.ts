import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api } from './api.js';
import { LiveConnection, type LiveStatus } from './live.js';
import type { LiveHint } from './types.js';

/** The current hash route (`#/agent` -> `agent`). */
const readHash = () => window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';

export function useHashRoute(): string {
  const [route, setRoute] = useState(readHash);
  useEffect(() => {
    const onChange = () => setRoute(readHash());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** A clock for "time since" labels, ticking every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * The live stream for a page: `onChange` runs on each hint and on every (re)connect, when the
 * page must re-read what it shows. Returns the connection status for the banner.
 */
export function useLive(api: Api, onChange: (hint: LiveHint | null) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    const connection = new LiveConnection(api, {
      onHint: (hint) => handler.current(hint),
      onConnected: () => handler.current(null),
      onStatus: setStatus,
    });
    connection.start();
    return () => connection.stop();
  }, [api]);
  return status;
}

/**
 * Runs `read` now and again whenever `bump` is called, coalescing bursts of hints into one read
 * and never running two reads at once (the last bump always gets a read after it).
 */
export function useRereader(read: () => Promise<void>): () => void {
  const state = useRef({
    running: false,
    again: false,
    timer: undefined as ReturnType<typeof setTimeout> | undefined,
  });
  const latest = useRef(read);
  latest.current = read;
  const run = useRef(async () => {
    const s = state.current;
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = true;
    try {
      do {
        s.again = false;
        await latest.current();
      } while (s.again);
    } finally {
      s.running = false;
    }
  });
  return useRef(() => {
    const s = state.current;
    clearTimeout(s.timer);
    s.timer = setTimeout(() => void run.current(), 30);
  }).current;
}

/**
 * For reads that overlap (a live change re-reads while the person chooses another conversation or
 * customer): `ask()` before each read returns a check that holds only while no later read was asked,
 * so a slow answer for what was just left never replaces what is shown now.
 */
export function useLastAsked(): () => () => boolean {
  const last = useRef(0);
  return useCallback(() => {
    const asked = ++last.current;
    return () => asked === last.current;
  }, []);
}
