// Package redis keeps critpath's computed results in Redis, for services
// that run on more than one machine: Cache implements store.Cache with a
// time to live on every entry, so that results of old revisions expire
// by themselves. It speaks to Redis through github.com/redis/go-redis/v9;
// the caller makes the client (a single server, Sentinel or Cluster) and
// closes it.
//
// A Cache is safe for concurrent use. It passes the conformance suite of
// store/storetest, which its tests run against a real redis-server.
//
// Broker implements realtime.Broker for hubs on many nodes: each room's
// durable messages numbered and kept in a stream by one Lua call per
// publish and fanned out over pub/sub, gaps repaired from the stream,
// presence with node heartbeats, an outbox while Redis is unreachable
// (see Broker). It is safe for concurrent use and passes the conformance
// suite of realtime/realtimetest, on one broker and on two sharing a
// redis-server.
package redis
