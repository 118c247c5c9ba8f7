export * from './hresult';
export * from './enums';
export * from './errors';
export * from './interfaces';
export * from './events';
export * from './spi';
export * from './tokens';
export * from './typelib';
