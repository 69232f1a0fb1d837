/** A duration as a floor display shows it: "45 s", "3 min 05 s", "1 h 02 min"; "–" when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Seconds from an ISO time to `now`; never negative (clocks of browser and server differ a little). */
export function secondsSince(iso: string | undefined | null, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return Math.max(0, (now - at) / 1000);
}

/** "just now", "4 min ago", "2 h ago", "3 d ago": for lists. */
export function timeAgo(iso: string | undefined | null, now: number): string {
  const seconds = secondsSince(iso, now);
  if (seconds === null) return '';
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** A share 0..1 as a percentage; "–" when nothing was counted. */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  return `${Math.round(share * 100)}%`;
}

/** A number as people read it: "+1 425-555-0123" style grouping is the phone's job; keep E.164. */
export function customerLabel(summary: { customer: string; customerName?: string }): string {
  return summary.customerName ? `${summary.customerName} (${summary.customer})` : summary.customer;
}

export function dateTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
