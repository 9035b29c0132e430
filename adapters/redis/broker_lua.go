package redis

import (
	_ "embed"

	goredis "github.com/redis/go-redis/v9"
)

// The broker's keys, under the prefix P (BrokerConfig.Prefix), a room's
// in one hash slot (its name as the hash tag, for Redis Cluster):
//
//	P{room}:m   hash    e the room's epoch (random, made on first use),
//	                    s its last sequence number, r its last revision
//	P{room}:x   stream  the room's history: entry "<seq>-0" per durable
//	                    message, m its JSON (with seq and epoch), t when
//	                    it was appended (ms, Redis's clock); it expires
//	                    MaxAge after its last append
//	P{room}:p   hash    the room's presence: node → JSON of its
//	                    connections there (see presenceEntry)
//	Pnode:<n>   string  node n's heartbeat, with Alive's time to live
//
// and the channel P{room}:c, on which each durable batch (from the
// publish script) and each signal is published as "<origin>\n[<JSON
// messages>]", origin being the signalling broker's id (empty for a
// durable batch).

var (
	//go:embed broker_publish.lua
	publishLua    string
	publishScript = goredis.NewScript(publishLua)

	//go:embed broker_read.lua
	readLua    string
	readScript = goredis.NewScript(readLua)

	// dropPresenceScript removes a dead node's entry from a room's
	// presence (KEYS[1]) if it is still the one read: ARGV[1] the node,
	// ARGV[2] its entry.
	dropPresenceScript = goredis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`)
)

// The read script's answers.
const (
	readOK       = 1
	readEpoch    = -1 // not the room's epoch
	readPast     = -2 // after the room's last
	readTrimmed  = -3 // the history no longer holds after+1
	publishDup   = 0  // a redelivered revision
	publishGap   = -1 // a revision past a gap
	publishAdded = 1
)

func (b *Broker) metaKey(room string) string     { return b.cfg.Prefix + "{" + room + "}:m" }
func (b *Broker) streamKey(room string) string   { return b.cfg.Prefix + "{" + room + "}:x" }
func (b *Broker) presenceKey(room string) string { return b.cfg.Prefix + "{" + room + "}:p" }
func (b *Broker) channel(room string) string     { return b.cfg.Prefix + "{" + room + "}:c" }
func (b *Broker) nodeKey(node string) string     { return b.cfg.Prefix + "node:" + node }
