/** mxlab's public library surface. Everything else is internal. */
export { VERSION as version } from './version.js';

// scenarios
export { loadScenario, parseScenario, type LoadedScenario, type LoadOptions } from './scenario/load.js';
export { ScenarioError, formatDiagnostic, type Diagnostic } from './scenario/diagnostics.js';
export { scenarioSchema, scenarioJsonSchema, type Scenario, type ScenarioInput, type Expectation } from './scenario/schema.js';
export { planCells, type CellPlan, type MessagePlan } from './run/plan.js';

// running
export { runScenarios, type RunOptions } from './run/runner.js';
export { runScenario, type RunScenarioOptions } from './run/run-scenario.js';
export { evaluate, checks } from './assertions/index.js';
export type { Runtime, StartedCell, RunContext } from './runtime/types.js';
export { MxlabError, HarnessError, UsageError, ERRORS, EXIT, exitOf, type ErrorCode, type ExitCode } from './errors.js';

// actors, usable on their own
export type { StartedServer } from './actors/started-server.js';
export { startReceiver, personas, type ReceiverOptions, type StartedReceiver, type PersonaName } from './actors/receiver/index.js';
export { startFirewall, resolveDevice, knownDevices, type StartedFirewall, type StartFirewallOptions } from './actors/firewall/index.js';
export { deliver, createDkimKey, type SenderOptions, type MessageSpec, type DeliveryResult, type DkimKey } from './actors/sender/index.js';
export { generateRunCertificates, type RunCertificates } from './tls/certs.js';
export { monotonicClock, type Clock } from './model/clock.js';

// results and reports
export type * from './model/result.js';
export { reporters, multiplex, type Reporter, type ReporterOptions } from './report/index.js';
export { toJunit } from './report/reporters/junit.js';
