// The floor for fan-out throughput: a bare `ws` server that sends every frame it receives to every connected
// socket, sender included. No storage, no validation, no protocol; compression off as in Hearth's server.
// Run as its own process by bench/lib/hearth-server.ts; prints `listening on 127.0.0.1:PORT`.
import { WebSocketServer, WebSocket } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: true });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    for (const client of server.clients) if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
  });
});
server.on('listening', () => {
  const address = server.address();
  console.log(`listening on 127.0.0.1:${typeof address === 'object' && address ? address.port : address}`);
});
process.once('SIGTERM', () => process.exit(0));
