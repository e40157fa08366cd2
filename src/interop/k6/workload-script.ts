/** What a workload's k6 script writer contributes to the exported script. */
export interface WorkloadScript {
  /** Import lines of the k6 modules the workload needs (k6/execution is always imported). */
  imports: string[];
  /** drill SLIs the script measures, under drill's names. */
  produced: string[];
  /** Environment variables the runner must set: how it reaches the stack (name → what it is). */
  env: Record<string, string>;
  /** What of the workload the script does not reproduce, one line each. */
  limits: string[];
  /** k6 scenarios besides the arrival ones (a watcher), by name. */
  extraScenarios: Record<string, Record<string, unknown>>;
  /** Constants, metrics and the exported `arrival` function (and any other exec function). */
  body: string;
}
