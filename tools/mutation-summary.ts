/**
 * The kill rate of the mutation runs `npm run mutate` makes, one Stryker run per folder (so each
 * keeps its own incremental file and a folder can be run again alone), and the mutants not killed.
 * Stryker's own report counts each run alone, and a run limited to some files (`--mutate`) writes a
 * report of those files only: the summary takes each file from the newest report that holds it.
 */

export interface MutantResult {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}

/** The part of Stryker's JSON report (mutation-testing-report-schema) the summary reads. */
export interface MutationReport {
  files: Record<string, { mutants: MutantResult[] }>;
}

/** Stryker's score: detected over detected and undetected; compile errors and ignored ones are not counted. */
const detected = new Set(['Killed', 'Timeout']);
const undetected = new Set(['Survived', 'NoCoverage']);

function rate(killed: number, of: number): string {
  return `${killed} of ${of} killed (${of === 0 ? '-' : ((100 * killed) / of).toFixed(1)}%)`;
}

/** A report as found on disk: its name and when it was written. */
export interface FoundReport {
  name: string;
  writtenAt: number;
  report: MutationReport;
}

/**
 * One report per folder (shared/domain, shared/use-cases), each file taken from the newest report
 * that holds it, so a later run of a few files replaces their figures and keeps the rest.
 */
export function latestPerFile(found: FoundReport[]): Record<string, MutationReport> {
  const newestFirst = [...found].sort((a, b) => b.writtenAt - a.writtenAt);
  const groups: Record<string, MutationReport> = {};
  for (const { report } of newestFirst) {
    for (const [file, result] of Object.entries(report.files)) {
      const group = file.split('/')[1] ?? file;
      groups[group] ??= { files: {} };
      groups[group].files[file] ??= result;
    }
  }
  return Object.fromEntries(Object.entries(groups).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The places docs/decisions.md explains, as `name.ts:LINE`. A bullet names a mutant as
 * `` `name.ts:LINE` `` and may go on with bare `` `:LINE` `` for the same file ("`hours.ts:35` and
 * `:40`"); a bullet ends at the next line that starts one.
 */
export function explainedPlaces(decisions: string): Set<string> {
  const places = new Set<string>();
  for (const bullet of decisions.split(/\n(?=- )/)) {
    let file: string | undefined;
    for (const [, name, line] of bullet.matchAll(/`(?:[\w./-]*?([\w-]+\.ts))?:(\d+)/g)) {
      file = name ?? file;
      if (file) places.add(`${file}:${line}`);
    }
  }
  return places;
}

/**
 * The lines `npm run mutate:score` prints for the reports it found, by folder. Given the places
 * docs/decisions.md explains, each mutant not killed is said to be explained there or not, and the
 * unexplained ones are listed first: the goal is none.
 */
export function mutationSummary(
  reports: Record<string, MutationReport>,
  explained?: ReadonlySet<string>,
): string[] {
  const lines: string[] = [];
  const notKilled: string[] = [];
  let killedAll = 0;
  let countedAll = 0;
  for (const [group, report] of Object.entries(reports)) {
    let killed = 0;
    let counted = 0;
    let statics = 0;
    for (const [file, { mutants }] of Object.entries(report.files)) {
      for (const m of mutants) {
        if (m.status === 'Ignored') statics++;
        else if (detected.has(m.status)) {
          killed++;
          counted++;
        } else if (undetected.has(m.status)) {
          counted++;
          const replacement = m.replacement ? ` → ${m.replacement.replace(/\s+/g, ' ').slice(0, 80)}` : '';
          const place = `${file.split('/').pop()}:${m.location.start.line}`;
          const said = explained ? (explained.has(place) ? ' (explained)' : ' (UNEXPLAINED)') : '';
          notKilled.push(
            `${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}${replacement}${said}`,
          );
        }
      }
    }
    const ignored = statics > 0 ? `; ${statics} ignored (static: run once at module load)` : '';
    lines.push(`${group}: ${rate(killed, counted)}${ignored}`);
    killedAll += killed;
    countedAll += counted;
  }
  lines.push(`all: ${rate(killedAll, countedAll)}, goal 90%`);
  if (notKilled.length === 0) return lines;
  if (explained) {
    const unexplained = notKilled.filter((line) => line.endsWith(' (UNEXPLAINED)'));
    lines.push(
      `not killed: ${notKilled.length}, explained in docs/decisions.md: ${notKilled.length - unexplained.length}, unexplained: ${unexplained.length} (goal 0)`,
    );
    notKilled.sort((a, b) => Number(b.endsWith(' (UNEXPLAINED)')) - Number(a.endsWith(' (UNEXPLAINED)')));
  }
  lines.push('', `not killed (${notKilled.length}):`, ...notKilled);
  return lines;
}
