/**
 * How long `TcpConnection.close()` waits for queued bytes to reach a peer before
 * closing anyway: replies written just before a close still go out, but a peer
 * that stopped reading cannot pin the socket. Internal to the runtime adapters.
 */
export const TCP_CLOSE_LINGER_MS = 2_000;
