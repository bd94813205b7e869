// Types of local-env.mjs, for the test that proves a fresh .env holds no published secret.
export declare const GENERATED_SECRETS: Record<string, (bytes: Buffer) => string>;
export declare function localEnvFrom(exampleText: string, randomBytes?: (size: number) => Buffer): string;
