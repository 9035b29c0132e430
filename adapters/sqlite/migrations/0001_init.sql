-- 0001: the event log, each project's latest snapshot, the answers to
-- recent commands and the outbox. Times are kept as two integers, Unix
-- seconds and nanoseconds, so that every time.Time round-trips exactly
-- and compares in SQL.

-- projects: one row per project; revision is the Seq of its last event,
-- changed that event's time, touched a counter over all projects (the
-- larger, the more recently changed) that orders Projects.
CREATE TABLE projects (
	id         TEXT PRIMARY KEY NOT NULL,
	revision   INTEGER NOT NULL,
	changed_s  INTEGER NOT NULL,
	changed_ns INTEGER NOT NULL,
	touched    INTEGER NOT NULL
);
CREATE UNIQUE INDEX projects_touched ON projects (touched);

CREATE TABLE events (
	project TEXT NOT NULL REFERENCES projects (id),
	seq     INTEGER NOT NULL,
	time_s  INTEGER NOT NULL,
	time_ns INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	command TEXT NOT NULL,
	kind    TEXT NOT NULL,
	body    BLOB NOT NULL,
	prev    TEXT NOT NULL,
	hash    TEXT NOT NULL,
	PRIMARY KEY (project, seq)
);

CREATE TABLE snapshots (
	project  TEXT PRIMARY KEY NOT NULL REFERENCES projects (id),
	revision INTEGER NOT NULL,
	data     BLOB NOT NULL
);

-- answers: the latest answer per (project, command); an older one under
-- the same command id, past the idempotency window, is replaced.
CREATE TABLE answers (
	project TEXT NOT NULL,
	command TEXT NOT NULL,
	seq     INTEGER NOT NULL,
	time_s  INTEGER NOT NULL,
	time_ns INTEGER NOT NULL,
	body    BLOB NOT NULL,
	PRIMARY KEY (project, command)
);
CREATE INDEX answers_time ON answers (time_s, time_ns);

-- outbox: the events not yet delivered, id in the order appended.
CREATE TABLE outbox (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	project TEXT NOT NULL,
	seq     INTEGER NOT NULL,
	UNIQUE (project, seq),
	FOREIGN KEY (project, seq) REFERENCES events (project, seq)
);
