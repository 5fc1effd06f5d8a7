// Preloaded (`node --import`) into every process the harness starts: when the harness dies, even by
// SIGKILL, the process is re-parented and stops itself with SIGTERM instead of holding its port.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1000).unref();
