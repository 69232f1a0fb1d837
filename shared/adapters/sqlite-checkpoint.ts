import type { SqliteDatabase } from './sqlite-database.js';

export interface CheckpointOutcome {
  /** Frames in the WAL when the checkpoint ran. */
  frames: number;
  /** Of those, how many are now in the database file. */
  copied: number;
  /** Whether the WAL had grown past the bound and was started over, waiting for readers. */
  restarted: boolean;
}

/**
 * Past this many frames (about 80 MB of 4 KB pages) a checkpoint that could not copy everything,
 * because a reader still used old frames, waits for the readers and starts the WAL over, so the file
 * cannot grow without bound. Otherwise checkpoints never wait.
 */
export const RESTART_ABOVE_FRAMES = 20_000;

/**
 * Copies what the WAL holds into the database file without waiting for the writer or the readers
 * (PASSIVE): the writer goes on appending meanwhile, and once everything is copied its next
 * transaction starts the WAL from the beginning.
 */
export function checkpointWal(
  db: SqliteDatabase,
  restartAboveFrames = RESTART_ABOVE_FRAMES,
): CheckpointOutcome {
  const passive = checkpoint(db, 'PASSIVE');
  if (passive.frames > restartAboveFrames && passive.copied < passive.frames) {
    const restart = checkpoint(db, 'RESTART');
    return { ...restart, restarted: restart.busy === 0 };
  }
  return { ...passive, restarted: false };
}

function checkpoint(db: SqliteDatabase, mode: 'PASSIVE' | 'RESTART') {
  const [row] = db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[];
  return { busy: row?.busy ?? 0, frames: row?.log ?? 0, copied: row?.checkpointed ?? 0 };
}
