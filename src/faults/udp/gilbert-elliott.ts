/**
 * Burst loss for the UDP `loss` toxic: the two-state Gilbert–Elliott channel in its simple Gilbert form
 * (the Good state loses nothing, the Bad state loses every datagram).
 *
 * `probability` (π) and `correlation` (ρ) map to the per-datagram transition probabilities
 *   p = P(Good→Bad) = π·(1−ρ)      r = P(Bad→Good) = (1−π)·(1−ρ)
 * so that the stationary share of Bad, the long-run loss rate, is p/(p+r) = π exactly, and the lag-1
 * autocorrelation of the loss indicator is 1−p−r = ρ. ρ = 0 is independent loss with rate π; as ρ grows, losses
 * come in longer bursts (mean burst length 1/r datagrams) at the same long-run rate. ρ is capped at 0.999 so the
 * chain keeps moving; the first state is drawn from the stationary distribution.
 */
import type { Random } from '../../common/random.ts';

const MAX_CORRELATION = 0.999;

export class GilbertElliottLoss {
  private goodToBad = 0;
  private badToGood = 1;
  private bad: boolean;

  constructor(
    private readonly random: Random,
    probability: number,
    correlation: number,
  ) {
    this.configure(probability, correlation);
    this.bad = random.next() < probability;
  }

  /** Changes the parameters; the current state is kept. */
  configure(probability: number, correlation: number): void {
    const rho = Math.min(Math.max(correlation, 0), MAX_CORRELATION);
    const pi = Math.min(Math.max(probability, 0), 1);
    this.goodToBad = pi * (1 - rho);
    this.badToGood = (1 - pi) * (1 - rho);
  }

  /** Advances one datagram; true when it is lost. */
  next(): boolean {
    const u = this.random.next();
    this.bad = this.bad ? u >= this.badToGood : u < this.goodToBad;
    return this.bad;
  }
}
