// The bench prices the Cosmos DB flows on the same server, so it lives with the stand-ins.
export { startCosmosServer } from '../../stand-ins/cosmos-server.js';
