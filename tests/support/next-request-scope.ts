/**
 * Stand-in for Next's request scope (`next/headers`) so server actions can be
 * called directly in tests with a chosen cookie and client address. Everything
 * behind it (session decoding, database, audit) is the real code.
 */
export const scope = {
  cookie: "" as string,
  /** Cookies the code under test set (name → value), e.g. a re-issued session; also applied to `cookie`, as a browser would. */
  set: {} as Record<string, string>,
  headers: { host: "localhost:3000", "user-agent": "vitest", "x-forwarded-for": "203.0.113.9" } as Record<string, string>,
};

function parseCookies(header: string) {
  return header
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf("=");
      return { name: part.slice(0, i), value: part.slice(i + 1) };
    });
}

export const nextHeadersMock = {
  cookies: async () => {
    const all = parseCookies(scope.cookie);
    const write = (name: string, value: string | null) => {
      const rest = parseCookies(scope.cookie).filter((c) => c.name !== name);
      if (value !== null) {
        rest.push({ name, value });
        scope.set[name] = value;
      } else delete scope.set[name];
      scope.cookie = rest.map((c) => `${c.name}=${c.value}`).join("; ");
    };
    return {
      get: (name: string) => all.find((c) => c.name === name),
      getAll: () => all,
      has: (name: string) => all.some((c) => c.name === name),
      set: (name: string, value: string) => write(name, value),
      delete: (name: string) => write(name, null),
    };
  },
  headers: async () => new Headers({ ...scope.headers, ...(scope.cookie ? { cookie: scope.cookie } : {}) }),
};
