// A limit on failed logins: after `max` failures for one user name from one address within a
// window, further attempts are refused (429) until the window has passed. Kept in memory: a
// restart forgets it, which costs an attacker a restart they cannot cause.

/** How many failures, in what window. */
export interface LoginLimits {
  max: number;
  windowMs: number;
}

/** 10 failures per user name and address in 5 minutes. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { max: 10, windowMs: 5 * 60_000 };

/** Keys remembered at most; the oldest are dropped beyond it, so a flood cannot grow memory. */
const MAX_KEYS = 10_000;

/**
 * Counts failed logins per key (`user|address`).
 * @example
 * const wait = limiter.blockedFor(key); // ms until the next attempt is allowed, 0 when it is
 * if (!ok) limiter.fail(key); else limiter.succeed(key);
 */
export class LoginLimiter {
  readonly #limits: LoginLimits;
  readonly #failures = new Map<string, number[]>();

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.#limits = limits;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  blockedFor(key: string, now = Date.now()): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.#limits.max) return 0;
    return recent[recent.length - this.#limits.max]! + this.#limits.windowMs - now;
  }

  /** Records a failed attempt. */
  fail(key: string, now = Date.now()): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    this.#failures.delete(key);
    this.#failures.set(key, recent);
    if (this.#failures.size > MAX_KEYS) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /** Forgets the failures of a key that has just logged in. */
  succeed(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((t) => t > now - this.#limits.windowMs);
    if (list.length === 0) this.#failures.delete(key);
    return list;
  }
}
