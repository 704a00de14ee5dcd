// Where each try of the remote executor is, and moving it: pending per queue until a member
// serving its queue has room, placed on a member (an `assign` frame, or the local executor's
// submit), asked back for an idle member (a `steal` frame), placed again when a worker never ran
// it, or finished. The decisions are placement.ts's pure functions; this applies them.
import { PROTOCOL_VERSION, type TaskAssignment, type TaskOutcome } from "@updraft/worker";
import { cancelled, stopped } from "../outcomes.ts";
import type { LocalMember, Member, TrySlot } from "./members.ts";
import { chooseMember, chooseSteal, freeSlots, type MemberView } from "./placement.ts";
import type { WorkerRegistry } from "./worker-registry.ts";
import { WorkerState } from "./types.ts";

export interface TryPlacerOptions {
  /** The executor's name, for the outcomes it makes. */
  name: string;
  registry: WorkerRegistry;
  local: LocalMember | null;
  /** A try ended (reported once per try). */
  finished(key: string, outcome: TaskOutcome, at: number): void;
  warn(message: string): void;
}

export class TryPlacer {
  /** Every try held, pending or placed. */
  readonly tries = new Map<string, TrySlot>();
  /** False once the executor stops: nothing is placed or asked back any more. */
  placing = true;
  /** Placement (and stealing) waits while this answers false: the scheduler's lease check. */
  admit: () => boolean = () => true;
  readonly #opts: TryPlacerOptions;
  /** Tries nobody had room for, by queue, in arrival order. */
  readonly #pending = new Map<string, Map<string, TrySlot>>();
  /** Tries asked back for each thief, not yet released. */
  readonly #incoming = new Map<string, number>();
  #pumping = false;
  #pumpAgain = false;

  constructor(opts: TryPlacerOptions) {
    this.#opts = opts;
  }

  /** The members that may hold tries: the local one and every worker not lost. */
  members(): Member[] {
    const members: Member[] = this.#opts.local ? [this.#opts.local] : [];
    for (const w of this.#opts.registry.list()) if (w.state !== WorkerState.lost) members.push(w);
    return members;
  }

  /** A new try: pending, then placed where there is room. */
  add(assignment: TaskAssignment): void {
    const slot: TrySlot = { assignment, member: null, started: false, awaiting: 0, stealFor: null, cancelled: null, assignedAt: 0 };
    this.tries.set(assignment.key, slot);
    this.#enqueue(slot);
    this.pump();
  }

  /** Takes a pending try out (it will not run). */
  unqueue(slot: TrySlot): void {
    this.#pending.get(slot.assignment.queue)?.delete(slot.assignment.key);
    this.tries.delete(slot.assignment.key);
  }

  /** Every pending try, taken out. */
  takePending(): TrySlot[] {
    const taken = [...this.#pending.values()].flatMap((list) => [...list.values()]);
    this.#pending.clear();
    for (const slot of taken) this.tries.delete(slot.assignment.key);
    return taken;
  }

  /** Places pending tries where there is room, then lets idle members steal. A call made meanwhile runs once more after. */
  pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    if (!this.admit()) return;
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        this.#placePending();
        this.#stealForIdle();
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
    }
  }

  assign(slot: TrySlot, member: Member): void {
    this.#pending.get(slot.assignment.queue)?.delete(slot.assignment.key);
    slot.member = member;
    slot.started = false;
    slot.assignedAt = Date.now();
    member.tries.set(slot.assignment.key, slot);
    if (member.kind === "remote") {
      member.link?.send({ v: PROTOCOL_VERSION, type: "assign", assignment: slot.assignment });
      return;
    }
    try {
      member.executor.submit(slot.assignment);
    } catch (err) {
      member.tries.delete(slot.assignment.key);
      this.tries.delete(slot.assignment.key);
      this.#opts.warn(`the local executor refused try "${slot.assignment.key}": ${(err as Error).message}`);
      queueMicrotask(() => this.#opts.finished(slot.assignment.key, stopped(slot.assignment, member.executor.name, false), Date.now()));
    }
  }

  setStealFor(slot: TrySlot, thief: string | null): void {
    if (slot.stealFor === thief) return;
    if (slot.stealFor !== null) {
      const left = (this.#incoming.get(slot.stealFor) ?? 1) - 1;
      if (left > 0) this.#incoming.set(slot.stealFor, left);
      else this.#incoming.delete(slot.stealFor); // worker ids are per process: never keep zeros
    }
    if (thief !== null) this.#incoming.set(thief, (this.#incoming.get(thief) ?? 0) + 1);
    slot.stealFor = thief;
  }

  /** A try taken off a worker that never ran it: pending again, unless it was cancelled meanwhile or the executor stops. */
  replace(slot: TrySlot): void {
    this.#detach(slot);
    if (slot.cancelled !== null) return this.finish(slot, cancelled(slot.assignment, slot.cancelled), Date.now());
    if (!this.placing) return this.finish(slot, stopped(slot.assignment, this.#opts.name, false), Date.now());
    this.#enqueue(slot);
  }

  finish(slot: TrySlot, outcome: TaskOutcome, at: number): void {
    this.#detach(slot);
    this.tries.delete(slot.assignment.key);
    this.#opts.finished(slot.assignment.key, outcome, at);
  }

  /** Tries not on the local member (pending or on workers). */
  remoteHeld(): number {
    let n = 0;
    for (const slot of this.tries.values()) if (slot.member?.kind !== "local") n++;
    return n;
  }

  #enqueue(slot: TrySlot): void {
    const q = slot.assignment.queue;
    let list = this.#pending.get(q);
    if (!list) this.#pending.set(q, (list = new Map()));
    list.set(slot.assignment.key, slot);
  }

  #detach(slot: TrySlot): void {
    slot.member?.tries.delete(slot.assignment.key);
    slot.member = null;
    slot.started = false;
    this.setStealFor(slot, null);
  }

  #placePending(): void {
    if (this.#pending.size === 0 || !this.placing) return;
    const members = this.members();
    const views = members.map((m) => m.view());
    for (const [queue, list] of this.#pending) {
      for (const slot of list.values()) {
        const view = chooseMember(views, queue);
        if (!view) break;
        view.held++;
        this.assign(slot, members[views.indexOf(view)]!);
      }
      if (list.size === 0) this.#pending.delete(queue);
    }
  }

  /** Members with free slots and nothing pending for their queues ask loaded workers for waiting tries. */
  #stealForIdle(): void {
    if (!this.placing) return;
    const thieves: MemberView[] = [];
    for (const m of this.members()) {
      if (!m.accepting() || m.queues.some((q) => this.#pending.has(q))) continue;
      const view = m.view();
      view.held += this.#incoming.get(m.id) ?? 0;
      if (freeSlots(view) > 0) thieves.push(view);
    }
    if (thieves.length === 0) return;
    const victims = this.#opts.registry.list()
      .filter((w) => w.link !== null && w.state !== WorkerState.lost)
      .map((w) => Object.assign(w.view(), { worker: w }));
    for (const thief of thieves) {
      const choice = chooseSteal(thief, victims);
      if (!choice) continue;
      const { worker } = choice.victim;
      for (const key of choice.keys) this.setStealFor(worker.tries.get(key)!, thief.id);
      choice.victim.waiting = choice.victim.waiting.filter((w) => !choice.keys.includes(w.key));
      worker.link!.send({ v: PROTOCOL_VERSION, type: "steal", keys: choice.keys });
    }
  }
}
