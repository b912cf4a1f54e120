import { expect } from '@open-wc/testing';
import { backoffDelay, NORMAL_TIER, SLOW_TIER } from '@hearth/core';

describe('backoff', () => {
  it('draws from zero up to base·2ⁿ, capped (full jitter)', () => {
    expect(backoffDelay(NORMAL_TIER, 0, () => 0)).to.equal(0);
    expect(backoffDelay(NORMAL_TIER, 0, () => 0.999999)).to.equal(NORMAL_TIER.baseMs - 1);
    expect(backoffDelay(NORMAL_TIER, 3, () => 0.5)).to.equal(NORMAL_TIER.baseMs * 4);
    expect(backoffDelay(NORMAL_TIER, 40, () => 0.999999)).to.be.lessThan(NORMAL_TIER.capMs);
    expect(backoffDelay(NORMAL_TIER, 40, () => 0.999999)).to.be.greaterThan(NORMAL_TIER.capMs - 2);
  });

  it('waits longer on the slow tier', () => {
    for (let n = 0; n < 8; n++) expect(backoffDelay(SLOW_TIER, n, () => 0.5)).to.be.greaterThan(backoffDelay(NORMAL_TIER, n, () => 0.5));
  });
});
