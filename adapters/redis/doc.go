// Package redis keeps critpath's computed results in Redis, for services
// that run on more than one machine: Cache implements store.Cache with a
// time to live on every entry, so that results of old revisions expire
// by themselves. It speaks to Redis through github.com/redis/go-redis/v9;
// the caller makes the client (a single server, Sentinel or Cluster) and
// closes it.
//
// A Cache is safe for concurrent use. It passes the conformance suite of
// store/storetest, which its tests run against a real redis-server.
package redis
