/**
 * drill's public API: load and validate scenarios, start stacks on a runtime, drive load, inject faults,
 * and read or write reports. The CLI (`drill`) is a thin layer over these.
 */
export * from './common/errors.ts';
export { systemClock, ManualClock, type Clock } from './common/clock.ts';
export { seededRandom, type Random } from './common/random.ts';
export { createLogger, Logger, silentLogger } from './common/logger.ts';

export { loadScenarioFile, parseScenario, type LoadedScenario } from './scenario/scenario-loader.ts';
export { scenarioSchema, type Scenario, type ScenarioInput } from './scenario/scenario-schema.ts';
export { scenarioJsonSchema, reportJsonSchema, writeJsonSchemas } from './scenario/json-schema.ts';

export type * from './runtime/runtime.ts';
export { ProcessRuntime } from './runtime/process-runtime.ts';
export { RunningStack, type StackEvent } from './runtime/stack.ts';
export { planStack, startOrder, directLinks, type LinkRouter } from './runtime/stack-plan.ts';
export { RunRegistry, reapDeadRuns } from './runtime/run-registry.ts';

export { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from './faults/embedded-toxiproxy.ts';
export { ToxiproxyControl, type ToxicDefinition, type ProxyDefinition } from './faults/toxiproxy-control.ts';
export { runToxiproxyServer } from './faults/run-toxiproxy-server.ts';

export { ArrivalScheduler } from './load/arrival-scheduler.ts';
export { arrivalSchedule } from './load/arrival-schedule.ts';
export { LatencyHistogram } from './load/latency-histogram.ts';
export { LatencyRecorder } from './load/latency-recorder.ts';
export { HttpDriver } from './load/http-driver.ts';
export { HttpWorkloadDriver } from './load/http-workload-driver.ts';
export type { WorkloadDriver, Arrival as WorkloadArrival } from './load/workload-driver.ts';

export { sliCatalog, type SliDefinition } from './sli/catalog.ts';
export { reportSchema, REPORT_SCHEMA_VERSION, type Report } from './report/report-schema.ts';
export type { Reporter } from './report/reporter.ts';
export { JsonReporter } from './report/json-reporter.ts';
export { MarkdownReporter, renderMarkdown } from './report/markdown-reporter.ts';
export { HtmlReporter } from './report/html-reporter.ts';
export { renderRunPage } from './report/html/run-page.ts';
export { renderHtmlPage, tableSection, type PageSpec } from './report/html/html-page.ts';
export { chartSection } from './report/html/chart-section.ts';
export type { ChartSpec, ChartSeries, ChartBand, ChartMark } from './report/html/chart-spec.ts';
export { ProgressReporter } from './report/progress-reporter.ts';

export { runScenario, type RunOptions, type RunOutcome } from './run/scenario-run.ts';

export { methodActionSchema, type MethodAction } from './scenario/method-schema.ts';
export { probeSchema, type ProbeSpec } from './scenario/probe-schema.ts';
export { Probe, type ProbeContext } from './drills/probes.ts';
export { performAction, type ActionContext, type ActionOutcome } from './drills/method-actions.ts';
export { MethodRunner } from './drills/method-runner.ts';
export { Playbook, type PlaybookOutcome } from './drills/playbook.ts';
export { runMonthlySuite, type SuiteOptions } from './run/monthly-suite.ts';
export { suiteReportSchema, SUITE_SCHEMA_VERSION, type SuiteReport } from './report/suite-report.ts';

export { runCapacity, type CapacityOptions, type CapacityOutcome } from './capacity/capacity-run.ts';
export { capacityReportSchema, type CapacityReport, type CapacitySweep, type CapacityStep } from './capacity/capacity-report-schema.ts';
export { capacitySchema, type CapacitySpec } from './scenario/capacity-schema.ts';
export { RateSearch } from './capacity/rate-search.ts';
export { kneeOf } from './capacity/knee.ts';
