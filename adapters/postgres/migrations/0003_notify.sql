-- Package notify's storage: the ledger of attempts and how each message
-- ended, the in-app inbox, the items waiting for digests. Times are a
-- timestamptz and the nanoseconds past its microseconds, as in 0001; a
-- zero time.Time (an attempt's done while it is pending, an item's
-- read_at while it is unread) is NULL.

-- notify_attempts: each message's attempts, id their order.
CREATE TABLE notify_attempts (
    id                 bigserial PRIMARY KEY,
    key                text NOT NULL,
    provider           text NOT NULL,
    try                integer NOT NULL,
    at                 timestamptz NOT NULL,
    at_ns              smallint NOT NULL,
    done               timestamptz,
    done_ns            smallint,
    accepted           boolean NOT NULL,
    receipt            text NOT NULL,
    class              smallint NOT NULL,
    error              text NOT NULL,
    retry_after_ns     bigint NOT NULL,
    duplicate_possible boolean NOT NULL
);
CREATE INDEX notify_attempts_key ON notify_attempts (key, id);

-- notify_deliveries: how each message ended, the first settlement; seq
-- the order they were settled in.
CREATE TABLE notify_deliveries (
    seq                bigserial PRIMARY KEY,
    key                text NOT NULL UNIQUE,
    user_id            text NOT NULL,
    project            text NOT NULL,
    kind               text NOT NULL,
    severity           smallint NOT NULL,
    channel            text NOT NULL,
    to_address         text NOT NULL,
    state              smallint NOT NULL,
    provider           text NOT NULL,
    reason             text NOT NULL,
    at                 timestamptz NOT NULL,
    at_ns              smallint NOT NULL,
    tries              integer NOT NULL,
    duplicate_possible boolean NOT NULL
);
CREATE INDEX notify_deliveries_state ON notify_deliveries (state, seq);

-- notify_inbox: each person's in-app items; seq the order they were
-- added, the inbox's cursor.
CREATE TABLE notify_inbox (
    seq        bigserial PRIMARY KEY,
    user_id    text NOT NULL,
    id         text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    data       jsonb,              -- NULL: no data
    created    timestamptz NOT NULL,
    created_ns smallint NOT NULL,
    read_at    timestamptz,
    read_ns    smallint,
    UNIQUE (user_id, id)
);
CREATE INDEX notify_inbox_user ON notify_inbox (user_id, seq);
CREATE INDEX notify_inbox_unread ON notify_inbox (user_id, seq) WHERE read_at IS NULL;

-- notify_digests: the items waiting for each person's digest of a
-- project; seq the order they were added.
CREATE TABLE notify_digests (
    seq          bigserial PRIMARY KEY,
    project      text NOT NULL,
    user_id      text NOT NULL,
    key          text NOT NULL,
    project_name text NOT NULL,
    kind         text NOT NULL,
    line         text NOT NULL,
    at           timestamptz NOT NULL,
    at_ns        smallint NOT NULL,
    UNIQUE (project, user_id, key)
);
CREATE INDEX notify_digests_pending ON notify_digests (project, user_id, seq);
