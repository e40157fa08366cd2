// Entry point of a drill fixture image: runs dist/fixtures/$DRILL_FIXTURE/main.js. The base image may have no
// shell, so the fixture named by the image's environment is chosen here rather than in a shell-form CMD.
const fixture = process.env.DRILL_FIXTURE ?? '';
if (!/^[a-z][a-z0-9-]*$/.test(fixture)) {
  process.stderr.write(`fixture-main: DRILL_FIXTURE must name a fixture, got "${fixture}"\n`);
  process.exit(2);
}
await import(`./dist/fixtures/${fixture}/main.js`);
