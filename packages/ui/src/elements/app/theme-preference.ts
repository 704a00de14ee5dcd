// The app's theme choice (light, dark, or the system's), remembered in localStorage.

export const THEME_CHOICES = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
] as const;
export type ThemePreference = (typeof THEME_CHOICES)[number]["value"];

const KEY = "updraft.theme";

/** The remembered choice, or `system` when there is none (or storage is blocked). */
export function loadThemePreference(): ThemePreference {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

/** Remembers the choice for the next visit. */
export function saveThemePreference(pref: ThemePreference): void {
  try {
    if (pref === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, pref);
  } catch {
    // storage blocked (private mode, a sandboxed frame): the choice lasts for this page only
  }
}
