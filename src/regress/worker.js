// Worker thread entry for `xenjit regress`. Worker threads do not inherit the main thread's
// module hooks, so this plain JavaScript file registers tsx before loading the TypeScript side.
import { register } from 'tsx/esm/api';
register();
await import('./worker-main.ts');
