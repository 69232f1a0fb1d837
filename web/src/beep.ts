const MUTE_KEY = 'sms.muted';

export const loadMuted = (): boolean => localStorage.getItem(MUTE_KEY) === 'true';
export const saveMuted = (muted: boolean): void => localStorage.setItem(MUTE_KEY, String(muted));

let context: AudioContext | undefined;

/** A short two-tone chime, made on the spot (no sound file to download). */
export function beep(): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
    const now = context.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.16, 1175],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.14);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(now + offset);
      oscillator.stop(now + offset + 0.15);
    }
  } catch {
    // No audio device or audio blocked: the visible cue still shows.
  }
}
