/** The server's version, reported by /api/health and the OpenAPI description. */
export const VERSION = '0.1.0';
