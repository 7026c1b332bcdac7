// The configuration model is the engine's (src/engine/model/config.ts): the app and the
// surfaces name it through this module, the engine and the adapters import it from there.
export * from '../../engine/model/config';
