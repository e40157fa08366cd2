// Runs drill or autocannon in this process against a target child: for syscall counting.
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import { constantArrivalSchedule } from '../src/load/arrival-schedule.ts';
import { ArrivalScheduler } from '../src/load/arrival-scheduler.ts';
import { HttpDriver } from '../src/load/http-driver.ts';
const [which, rateText] = process.argv.slice(2);
const rate = Number(rateText);
const target = fork('/work/main/bench/support/http-target.ts', [], { execArgv: ['--import', 'tsx'] });
const port = await new Promise<number>((r) => target.on('message', (m: any) => m.type === 'listening' && r(m.port)));
const url = `http://127.0.0.1:${port}/`;
const c0 = process.cpuUsage();
if (which === 'drill') {
  const driver = await HttpDriver.connect({ url, connections: 10 });
  await new ArrivalScheduler(constantArrivalSchedule(rate, 1000, 3000), { maxVUs: 100000, gracefulStopMs: 5000 }).start(driver.fire).finished();
  await driver.close();
} else {
  await autocannon({ url, connections: 10, overallRate: rate, duration: 3 });
}
const c = process.cpuUsage(c0);
console.log(which, rate, 'cpu µs/req', ((c.user + c.system) / (rate * 3)).toFixed(1));
target.kill();
