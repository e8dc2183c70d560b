export { createSimulator } from './simulator.js';
export { createState } from './store.js';
export { DEFAULT_PRIVILEGES } from './privileges.js';
export type {
  ConcurrentWrites,
  Fault,
  SimCall,
  SimCallListener,
  FaultConfig,
  SimCriterion,
  SimExtensionAttribute,
  SimGroup,
  SimRef,
  SimUser,
  Simulator,
  SimulatorOptions,
  SimulatorState,
  TargetedFault,
  Trap,
  TrapSpec,
} from './types.js';
