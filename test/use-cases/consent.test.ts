import { describe, expect, it } from 'vitest';
import { optOutKey } from '../../shared/domain/erasure.js';
import { setConsent } from '../../shared/use-cases/consent.js';
import {
  erasedOptOut,
  forgetErasedOptOut,
  newCustomerRecord,
  optedOutOf,
} from '../../shared/use-cases/erased-opt-outs.js';
import { countingStore } from '../../stand-ins/counting-store.js';
import { aCustomerState, CUSTOMER, OTHER_CUSTOMER } from '../support/builders.js';
import { coreHarness, TEST_ERASURE_KEY } from '../support/core.js';
import { MemoryStore } from '../support/memory-store.js';

/** What an erasure left of a customer who had opted out of these channels. */
async function erasedWithOptOuts(h: ReturnType<typeof coreHarness>, channelIds: string[]) {
  await h.store.putErasedOptOut(
    { key: optOutKey(TEST_ERASURE_KEY, CUSTOMER), channelIds, erasedAt: '2026-11-01T00:00:00.000Z' },
    null,
  );
}

describe('consent', () => {
  it("is written on the customer's record with when and why, creating the record", async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'support', CUSTOMER, true, 'keyword STOP');
    expect((await h.store.getCustomer('support', CUSTOMER))?.value).toEqual({
      ...aCustomerState(),
      optedOut: true,
      consentChangedAt: '2026-11-23T09:00:00.000Z',
      consentChangedVia: 'keyword STOP',
    });
    expect(h.metrics.of('sms.consent.changes')).toEqual([
      {
        kind: 'add',
        name: 'sms.consent.changes',
        value: 1,
        attributes: { channel: 'support', change: 'opt-out' },
      },
    ]);
  });

  it('is changed back by an opt-in, counted as one', async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'support', CUSTOMER, true, 'keyword STOP');
    h.clock.advance(60_000);
    await setConsent(h.deps, 'support', CUSTOMER, false, 'keyword START');
    expect((await h.store.getCustomer('support', CUSTOMER))?.value).toMatchObject({
      optedOut: false,
      consentChangedAt: '2026-11-23T09:01:00.000Z',
      consentChangedVia: 'keyword START',
    });
    expect(h.metrics.count('sms.consent.changes', { change: 'opt-in' })).toBe(1);
  });

  it('is left as it is when it says so already: no write, nothing counted', async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'support', CUSTOMER, true, 'keyword STOP');
    h.clock.advance(60_000);
    await setConsent(h.deps, 'support', CUSTOMER, true, 'twilio delivery report: blocked');
    expect((await h.store.getCustomer('support', CUSTOMER))?.value.consentChangedVia).toBe('keyword STOP');
    expect(h.metrics.count('sms.consent.changes')).toBe(1);
  });

  it('of a customer never seen, opting in, needs no record', async () => {
    const h = coreHarness();
    await setConsent(h.deps, 'support', CUSTOMER, false, 'keyword START');
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
    expect(h.metrics.count('sms.consent.changes')).toBe(0);
  });

  it('of a first contact starts from the opt-out an erasure kept, and START lifts it there', async () => {
    const h = coreHarness();
    await erasedWithOptOuts(h, ['support', 'sales']);
    await setConsent(h.deps, 'support', CUSTOMER, true, 'keyword STOP');
    expect(await h.store.getCustomer('support', CUSTOMER)).toBeUndefined();
    await setConsent(h.deps, 'support', CUSTOMER, false, 'keyword START');
    expect((await h.store.getCustomer('support', CUSTOMER))?.value).toMatchObject({
      optedOut: false,
      consentChangedVia: 'keyword START',
    });
    const kept = await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER));
    expect(kept?.value.channelIds).toEqual(['sales']);
  });

  it("of a known customer costs their record's read, and a write when it changes: an opt-out or a repeated START reads no erased opt-outs", async () => {
    const counted = countingStore(new MemoryStore());
    const h = coreHarness(counted.store);
    await setConsent(h.deps, 'support', CUSTOMER, true, 'keyword STOP');
    await setConsent(h.deps, 'support', CUSTOMER, false, 'keyword START');
    const calls = async (optedOut: boolean, via: string) => {
      counted.reset();
      await setConsent(h.deps, 'support', CUSTOMER, optedOut, via);
      return counted.operations.map((operation) => operation.method);
    };
    expect(await calls(false, 'keyword START')).toEqual(['getCustomer']);
    expect(await calls(true, 'keyword STOP')).toEqual(['getCustomer', 'putCustomer']);
    // Only an opt-in that changed the record looks for an opt-out an erasure kept.
    expect(await calls(false, 'keyword START')).toEqual(['getCustomer', 'putCustomer', 'getErasedOptOut']);
  });
});

describe("an erased customer's opt-outs", () => {
  it('say a number that had opted out of the channel still has', async () => {
    const h = coreHarness();
    await erasedWithOptOuts(h, ['support']);
    expect(await erasedOptOut(h.deps, 'support', CUSTOMER)).toBe(true);
    expect(await erasedOptOut(h.deps, 'sales', CUSTOMER)).toBe(false);
    expect(await erasedOptOut(h.deps, 'support', OTHER_CUSTOMER)).toBe(false);
  });

  it('are not read without the erasure key', async () => {
    const h = coreHarness();
    await erasedWithOptOuts(h, ['support']);
    h.deps.erasureKey = undefined;
    expect(await erasedOptOut(h.deps, 'support', CUSTOMER)).toBe(false);
    await forgetErasedOptOut(h.deps, 'support', CUSTOMER);
    h.deps.erasureKey = TEST_ERASURE_KEY;
    expect(await erasedOptOut(h.deps, 'support', CUSTOMER)).toBe(true);
  });

  it('count only where the customer has no record: their own record says it', async () => {
    const h = coreHarness();
    await erasedWithOptOuts(h, ['support']);
    expect(await optedOutOf(h.deps, 'support', CUSTOMER, undefined)).toBe(true);
    const record = { value: aCustomerState({ optedOut: false }), etag: 'e1' };
    expect(await optedOutOf(h.deps, 'support', CUSTOMER, record)).toBe(false);
    const optedOut = { value: aCustomerState({ optedOut: true }), etag: 'e1' };
    expect(await optedOutOf(h.deps, 'sales', OTHER_CUSTOMER, optedOut)).toBe(true);
  });

  it('make a first record opted out, and only then', async () => {
    const h = coreHarness();
    await erasedWithOptOuts(h, ['support']);
    expect(await newCustomerRecord(h.deps, 'support', CUSTOMER)).toEqual(aCustomerState({ optedOut: true }));
    expect(await newCustomerRecord(h.deps, 'sales', CUSTOMER)).toEqual(
      aCustomerState({ channelId: 'sales', optedOut: false }),
    );
  });

  it('are forgotten one channel at a time, and a channel not among them changes nothing', async () => {
    const h = coreHarness();
    await erasedWithOptOuts(h, ['support', 'sales']);
    const before = await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER));
    await forgetErasedOptOut(h.deps, 'billing', CUSTOMER);
    expect(await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER))).toEqual(before);
    await forgetErasedOptOut(h.deps, 'support', CUSTOMER);
    expect((await h.store.getErasedOptOut(optOutKey(TEST_ERASURE_KEY, CUSTOMER)))?.value).toEqual({
      key: optOutKey(TEST_ERASURE_KEY, CUSTOMER),
      channelIds: ['sales'],
      erasedAt: '2026-11-01T00:00:00.000Z',
    });
    await forgetErasedOptOut(h.deps, 'support', OTHER_CUSTOMER);
  });
});
