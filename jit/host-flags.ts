// V8 settings the generated code depends on for its speed, set once for the process when the
// JIT is loaded.
import { setFlagsFromString } from 'node:v8';

// No on-stack replacement. A region function (region.ts) runs most of a dispatch slice in one
// call, so V8 first optimizes it on stack (OSR) while it loops, and again after every
// deoptimization of its normal code (a member that had not run before it was optimized). OSR
// code takes the loop's locals from the interpreter frame as arbitrary numbers and keeps the
// guest registers and the flag record as doubles: statemach's region compiled to ~50 floating
// point operations in OSR code against 2 in its normal code, and ran at ~600 million guest
// instructions per second against ~1 000. Without OSR a function's next call enters its
// optimized code, and no call runs long (jit.ts: CALL_BUDGET, DISPATCH_BATCH).
setFlagsFromString('--no-use-osr');
