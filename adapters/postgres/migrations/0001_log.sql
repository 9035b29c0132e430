-- The event log: projects, their events, snapshots, the answers to
-- commands and the outbox. Times are kept to the microsecond in a
-- timestamptz and the nanoseconds past it in *_ns, so that an event reads
-- back exactly as it was hashed.

CREATE TABLE projects (
    id         text PRIMARY KEY,
    revision   bigint NOT NULL,   -- the Seq of its last event
    changed    timestamptz NOT NULL,
    changed_ns smallint NOT NULL
);
CREATE INDEX projects_changed ON projects (changed DESC, changed_ns DESC, id);

CREATE TABLE events (
    project text NOT NULL REFERENCES projects (id),
    seq     bigint NOT NULL,
    at      timestamptz NOT NULL,
    at_ns   smallint NOT NULL,
    actor   text NOT NULL,
    command text NOT NULL,
    kind    text NOT NULL,
    body    bytea,             -- NULL: nil
    prev    text NOT NULL,
    hash    text NOT NULL,
    PRIMARY KEY (project, seq)
);

CREATE TABLE snapshots (
    project  text PRIMARY KEY REFERENCES projects (id),
    revision bigint NOT NULL,
    data     bytea
);

CREATE TABLE answers (
    project text NOT NULL REFERENCES projects (id),
    command text NOT NULL,
    seq     bigint NOT NULL,
    at      timestamptz NOT NULL,
    at_ns   smallint NOT NULL,
    body    bytea,             -- NULL: nil
    PRIMARY KEY (project, command, seq)
);
CREATE INDEX answers_at ON answers (at);

-- The outbox: events not yet handed to the publisher, in the order they
-- were appended (id).
CREATE TABLE outbox (
    id      bigserial PRIMARY KEY,
    project text NOT NULL,
    seq     bigint NOT NULL,
    UNIQUE (project, seq),
    FOREIGN KEY (project, seq) REFERENCES events (project, seq)
);
