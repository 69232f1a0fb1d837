import { openSqlite, type SqliteDatabase } from './sqlite-database.js';
import type { WalRestartGate } from './wal-restart-gate.js';

export interface CheckpointOutcome {
  /** Frames in the WAL when the checkpoint ran. */
  frames: number;
  /** Of those, how many are now in the database file. */
  copied: number;
  /** Whether the WAL was past the bound and the next writer will start it over. */
  restarted: boolean;
}

/**
 * Past this many frames in the WAL (about 40 MB of 4 KB pages, where checkpoints on commit used to
 * run) the checkpoint also restarts the WAL. A writer that keeps appending rarely begins a
 * transaction at the moment everything is copied, which is when SQLite starts the WAL over by
 * itself: under steady writes it grew past 1500 frames between restarts.
 */
export const RESTART_ABOVE_FRAMES = 10_000;

/**
 * How long a restart waits for the writer's open batch and for readers before giving up until the
 * next round. It blocks new writers while it waits and while it copies what the passive checkpoint
 * just before it could not, so the wait is short; with SQLite's usual 5 s a reader holding an old
 * snapshot held every commit for 5 s.
 */
export const RESTART_WAIT_MS = 20;

/** The checkpointing thread's own connection: it never checkpoints on commit, and waits briefly. */
export function openCheckpointConnection(file: string): SqliteDatabase {
  const db = openSqlite(file, { checkpointOnCommit: false });
  db.pragma(`busy_timeout = ${RESTART_WAIT_MS}`);
  return db;
}

/**
 * Copies what the WAL holds into the database file without waiting for the writer or the readers
 * (PASSIVE): the writer goes on appending meanwhile. Past the bound it then restarts the WAL, which
 * waits (RESTART_WAIT_MS at most) for the writer and the readers so the next writer starts from the
 * beginning of the file. With the writer's gate, a second passive checkpoint first copies what the
 * writer appended during the first, and the writer steps aside for the restart itself, which then
 * copies and syncs only the little that is left: 3-15 ms of the writer's time against about 18
 * (34 once) when it met the lock taken.
 */
export function checkpointWal(
  db: SqliteDatabase,
  restartAboveFrames = RESTART_ABOVE_FRAMES,
  gate?: WalRestartGate,
): CheckpointOutcome {
  const passive = checkpoint(db, 'PASSIVE');
  if (passive.frames <= restartAboveFrames) return { ...passive, restarted: false };
  if (gate) checkpoint(db, 'PASSIVE');
  const restart = gate ? gate.whileWriterAside(() => checkpoint(db, 'RESTART')) : checkpoint(db, 'RESTART');
  return { frames: restart.frames, copied: restart.copied, restarted: restart.busy === 0 };
}

function checkpoint(db: SqliteDatabase, mode: 'PASSIVE' | 'RESTART') {
  const [row] = db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[];
  return { busy: row?.busy ?? 0, frames: row?.log ?? 0, copied: row?.checkpointed ?? 0 };
}
