-- 0002: package notify's storage — the ledger of attempts and how each
-- message ended, the in-app inbox, the items waiting for digests. Times
-- are two integers as in 0001; a zero time.Time (an attempt's Done while
-- it is pending, an item's ReadAt while it is unread) is NULL.

-- notify_attempts: each message's attempts, n their order within it.
CREATE TABLE notify_attempts (
	key                TEXT NOT NULL,
	n                  INTEGER NOT NULL,
	provider           TEXT NOT NULL,
	try                INTEGER NOT NULL,
	at_s               INTEGER NOT NULL,
	at_ns              INTEGER NOT NULL,
	done_s             INTEGER,
	done_ns            INTEGER,
	accepted           INTEGER NOT NULL,
	receipt            TEXT NOT NULL,
	class              INTEGER NOT NULL,
	error              TEXT NOT NULL,
	retry_after_ns     INTEGER NOT NULL,
	duplicate_possible INTEGER NOT NULL,
	PRIMARY KEY (key, n)
);

-- notify_deliveries: how each message ended, the first settlement; seq
-- the order they were settled in.
CREATE TABLE notify_deliveries (
	seq                INTEGER PRIMARY KEY AUTOINCREMENT,
	key                TEXT NOT NULL UNIQUE,
	user_id            TEXT NOT NULL,
	project            TEXT NOT NULL,
	kind               TEXT NOT NULL,
	severity           INTEGER NOT NULL,
	channel            TEXT NOT NULL,
	to_address         TEXT NOT NULL,
	state              INTEGER NOT NULL,
	provider           TEXT NOT NULL,
	reason             TEXT NOT NULL,
	at_s               INTEGER NOT NULL,
	at_ns              INTEGER NOT NULL,
	tries              INTEGER NOT NULL,
	duplicate_possible INTEGER NOT NULL
);
CREATE INDEX notify_deliveries_state ON notify_deliveries (state, seq);

-- notify_inbox: each person's in-app items; seq the order they were
-- added, the inbox's cursor. data is a JSON object.
CREATE TABLE notify_inbox (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id    TEXT NOT NULL,
	id         TEXT NOT NULL,
	title      TEXT NOT NULL,
	body       TEXT NOT NULL,
	data       TEXT NOT NULL,
	created_s  INTEGER NOT NULL,
	created_ns INTEGER NOT NULL,
	read_s     INTEGER,
	read_ns    INTEGER,
	UNIQUE (user_id, id)
);
CREATE INDEX notify_inbox_user ON notify_inbox (user_id, seq);
CREATE INDEX notify_inbox_unread ON notify_inbox (user_id, seq) WHERE read_s IS NULL;

-- notify_digests: the items waiting for each person's digest of a
-- project; seq the order they were added.
CREATE TABLE notify_digests (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	project      TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	key          TEXT NOT NULL,
	project_name TEXT NOT NULL,
	kind         TEXT NOT NULL,
	line         TEXT NOT NULL,
	at_s         INTEGER NOT NULL,
	at_ns        INTEGER NOT NULL,
	UNIQUE (project, user_id, key)
);
CREATE INDEX notify_digests_pending ON notify_digests (project, user_id, seq);
