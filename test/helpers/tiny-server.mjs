// A minimal HTTP service for runtime tests: answers /health, reports its pid, optionally forks a
// grandchild (to prove kills reach the whole process group) and ignores SIGTERM when asked to.
import { spawn } from 'node:child_process';
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);
let grandchild;
if (process.env.SPAWN_GRANDCHILD === '1') {
  grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}
if (process.env.IGNORE_SIGTERM === '1') process.on('SIGTERM', () => console.log('ignoring SIGTERM'));

const server = http.createServer((request, response) => {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ pid: process.pid, grandchild: grandchild?.pid ?? null, release: process.env.DRILL_RELEASE ?? null }));
  } else if (request.url?.startsWith('/stall')) {
    setTimeout(() => response.end('late'), Number(new URL(request.url, 'http://x').searchParams.get('ms') ?? 1000));
  } else {
    response.end('ok');
  }
});
server.listen(port, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
