export { createSimulator } from './simulator.js';
export { createState } from './store.js';
export { DEFAULT_PRIVILEGES } from './privileges.js';
export type {
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
} from './types.js';
