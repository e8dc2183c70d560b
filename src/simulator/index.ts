export { createSimulator } from './simulator.js';
export { createState } from './store.js';
export { DEFAULT_PRIVILEGES } from './privileges.js';
export type {
  AddUserSpec,
  ConcurrentWrites,
  DeviceAssignment,
  DeviceAssignmentResult,
  Fault,
  SimCall,
  SimCallListener,
  FaultConfig,
  SimCriterion,
  SimDevice,
  SimDeviceKind,
  SimExtensionAttribute,
  SimExtensionAttributeDefinition,
  SimExtensionAttributeType,
  SimGroup,
  SimRef,
  SimUser,
  Simulator,
  SimulatorOptions,
  SimulatorState,
  TargetedFault,
  Trap,
  TrapSpec,
  UnknownReferences,
} from './types.js';
