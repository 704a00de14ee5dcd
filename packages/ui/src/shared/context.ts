// Shared state through context: the outermost element (the app, or a portal's wrapper) provides
// one API client and one event stream; a lone widget with no provider above it makes its own
// through `clientFor` / `streamFor`, which still share per page.
import { createContext } from "@lit/context";
import type { ApiClient } from "./api-client.ts";

/** The page's API client, provided by `<updraft-app>`. */
export const clientContext = createContext<ApiClient | undefined>(Symbol("updraft-client"));

/** Where an element sends the user: the app routes these; a lone widget follows `href-base` or does nothing. */
export interface Navigator {
  href(route: Route): string | null;
}
/** A place in the app: a deep link. */
export type Route =
  | { view: "home" }
  | { view: "dags" }
  | { view: "workers" }
  | { view: "dag"; dagId: string; tab?: string; runId?: string; taskId?: string; mapIndex?: number }
  | { view: "admin"; page: "variables" | "connections" | "pools" | "import-errors" | "event-log" | "workers" };

export const navigatorContext = createContext<Navigator | undefined>(Symbol("updraft-navigator"));

/** The app's theme (`light`, `dark`, or `""` for the system's), which elements without a `theme` of their own follow. */
export const themeContext = createContext<"light" | "dark" | "">(Symbol("updraft-theme"));
