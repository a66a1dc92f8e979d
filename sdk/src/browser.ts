// Resolved instead of index.js under the "browser", "edge-light" and
// "workerd" export conditions: importing the SDK there must fail at once.
throw new Error(
  "@data-vault/sdk is server-only (Node.js). It was bundled for a browser or edge runtime, " +
    "where the app secret and server key would be exposed. Import it only from server code.",
);

export {};
