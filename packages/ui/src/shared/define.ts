// Defines a custom element once: `/ui/updraft.js` and `/ui/elements/<name>.js` may both be on a
// page, and a second `define` of the same name would throw.

export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
