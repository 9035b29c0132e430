// BullMQ's side of benchmarks/jobs: the same scenarios as the Go command
// (add, bulk, worker, latency) against the same redis-server, one line
// of JSON each. Usage: REDIS_SOCKET=… node bench.js MODE [n]
const { Queue, Worker } = require('bullmq');
const IORedis = require('ioredis');

const socket = process.env.REDIS_SOCKET;
const mode = process.argv[2] || 'worker';
const n = +(process.argv[3] || 100000);
const concurrency = +(process.env.CONCURRENCY || 100);
const inflight = +(process.env.INFLIGHT || 100);
const batch = +(process.env.BATCH || 50);
const rate = +(process.env.RATE || 5000);
const seconds = +(process.env.DURATION || 10);
const connection = { path: socket, maxRetriesPerRequest: null };
const name = 'bench';
// Completed and failed jobs are removed, as critpath's queue removes them.
const jobOpts = { removeOnComplete: true, removeOnFail: true };

// admin reads INFO and flushes the database, beside BullMQ's own
// connections.
const admin = new IORedis({ path: socket });

async function redisCPU() {
  const info = await admin.info('cpu');
  let sum = 0;
  for (const line of info.split('\n')) {
    const [k, v] = line.trim().split(':');
    if (k === 'used_cpu_sys' || k === 'used_cpu_user') sum += parseFloat(v);
  }
  return sum;
}

function print(o) {
  console.log(JSON.stringify({ ...o, mode, system: 'bullmq' }));
}

async function fresh() {
  await admin.flushall();
}

async function add() {
  const q = new Queue(name, { connection });
  await fresh();
  let next = 0;
  const cpu0 = await redisCPU();
  const t0 = process.hrtime.bigint();
  async function lane() {
    while (next++ < n) await q.add('noop', {}, jobOpts);
  }
  await Promise.all(Array.from({ length: inflight }, lane));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (await redisCPU()) - cpu0;
  print({ jobs: n, seconds: s, jobs_per_s: n / s, redis_cpu_s: cpu, redis_cpu_us_per_job: (cpu / n) * 1e6 });
  await q.close();
}

async function bulk() {
  const q = new Queue(name, { connection });
  await fresh();
  const cpu0 = await redisCPU();
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < n; done += batch) {
    const jobs = [];
    for (let i = 0; i < Math.min(batch, n - done); i++) jobs.push({ name: 'noop', data: {}, opts: jobOpts });
    await q.addBulk(jobs);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (await redisCPU()) - cpu0;
  print({ jobs: n, batch, seconds: s, jobs_per_s: n / s, redis_cpu_s: cpu, redis_cpu_us_per_job: (cpu / n) * 1e6 });
  await q.close();
}

async function fill(q, count) {
  for (let done = 0; done < count; done += 1000) {
    const jobs = [];
    for (let i = 0; i < Math.min(1000, count - done); i++) jobs.push({ name: 'noop', data: {}, opts: jobOpts });
    await q.addBulk(jobs);
  }
}

async function worker() {
  const q = new Queue(name, { connection });
  await fresh();
  await fill(q, n);
  let done = 0;
  let finish;
  const all = new Promise((r) => (finish = r));
  const cpu0 = await redisCPU();
  const t0 = process.hrtime.bigint();
  const w = new Worker(name, async () => {}, { connection, concurrency });
  w.on('completed', () => {
    if (++done === n) finish();
  });
  await all;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (await redisCPU()) - cpu0;
  print({ jobs: n, concurrency, seconds: s, jobs_per_s: n / s, redis_cpu_s: cpu, redis_cpu_us_per_job: (cpu / n) * 1e6 });
  await w.close();
  await q.close();
}

async function latency() {
  const q = new Queue(name, { connection });
  await fresh();
  const total = Math.floor(rate * seconds);
  const lat = [];
  let finish;
  const all = new Promise((r) => (finish = r));
  const now = () => performance.timeOrigin + performance.now();
  const w = new Worker(
    name,
    async (job) => {
      lat.push(now() - job.data.at);
      if (lat.length === total) finish();
    },
    { connection, concurrency },
  );
  await w.waitUntilReady();
  const t0 = now();
  const producers = 64;
  async function producer(p) {
    for (let k = p; k < total; k += producers) {
      const due = t0 + (k / rate) * 1000;
      const wait = due - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await q.add('noop', { at: now() }, jobOpts);
    }
  }
  await Promise.all(Array.from({ length: producers }, (_, p) => producer(p)));
  await all;
  lat.sort((a, b) => a - b);
  const pct = (p) => lat[Math.floor(p * (lat.length - 1))];
  print({ jobs: total, rate, concurrency, p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: pct(1) });
  await w.close();
  await q.close();
}

({ add, bulk, worker, latency })[mode]().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
