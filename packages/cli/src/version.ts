// The version this build reports (CLI, API, worker handshake).
export const VERSION = "0.1.0";
