-- panel-tui database, schema version 1.
-- One file per assessor; a merged file (the secretariat's) has the same schema.
-- PRAGMA application_id = 1346458185 ('PARI') marks the file as ours and PRAGMA user_version
-- holds the schema version; both are set by the application after the migrations ran.
-- See db/README.md for what every table means and how the audit chain is computed.

-- The round this file belongs to: one row. `snapshot` is the whole round (panel, categories,
-- rubrics, nominees, claims) as canonical JSON and is what the application reads; the tables
-- below repeat it in relational form for sqlite-utils, Datasette and spreadsheets.
CREATE TABLE round (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    province TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL,
    stage TEXT NOT NULL,
    venue TEXT NOT NULL DEFAULT '',
    dates TEXT NOT NULL DEFAULT '[]',
    number_format TEXT NOT NULL,
    advance INTEGER,
    presentation_minutes INTEGER,
    snapshot TEXT NOT NULL,
    round_fingerprint TEXT NOT NULL,
    rubric_fingerprint TEXT NOT NULL
);

-- What this file is: one row.
CREATE TABLE database_info (
    kind TEXT NOT NULL CHECK (kind IN ('assessor', 'merged')),
    assessor TEXT,              -- the assessor who scores in this file (assessor files only)
    origin TEXT,                -- id of this file's audit chain (assessor files only)
    created_at TEXT NOT NULL,   -- UTC, ISO 8601
    created_by TEXT NOT NULL    -- panel-tui version
);

CREATE TABLE assessors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    affiliation TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    rubric TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE rubrics (
    id TEXT PRIMARY KEY,
    min REAL NOT NULL,
    max REAL NOT NULL,
    step REAL NOT NULL
);

CREATE TABLE criteria (
    rubric TEXT NOT NULL REFERENCES rubrics(id),
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    weight REAL NOT NULL,
    guidance TEXT NOT NULL DEFAULT '',
    claims TEXT NOT NULL DEFAULT '[]',   -- JSON list of claim key patterns
    levels TEXT NOT NULL DEFAULT '[]',   -- JSON list of [score, descriptor]
    PRIMARY KEY (rubric, id)
);

CREATE TABLE nominees (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL REFERENCES categories(id),
    presenter TEXT NOT NULL DEFAULT '',
    slot TEXT,                  -- 'YYYY-MM-DD HH:MM'
    "order" INTEGER,
    position INTEGER NOT NULL
);

CREATE TABLE claims (
    nominee TEXT NOT NULL REFERENCES nominees(id),
    key TEXT NOT NULL,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    value REAL,                 -- the number, when the claim is one
    text TEXT NOT NULL,         -- the value as submitted
    unit TEXT NOT NULL DEFAULT '',
    denominator REAL,
    denominator_label TEXT NOT NULL DEFAULT '',
    percent REAL,
    part_of TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '[]',  -- JSON list of consistency warnings
    PRIMARY KEY (nominee, key)
);

-- The audit log: every change an assessor makes, appended, never updated.
-- Each `origin` is one chain (one assessor database); `seq` counts from 1 inside it and
-- `hash` = sha256(prev_hash || '\n' || canonical JSON of the event), so an edit, deletion,
-- insertion or reordering made outside panel-tui breaks the chain.
CREATE TABLE score_events (
    origin TEXT NOT NULL,
    seq INTEGER NOT NULL,
    assessor TEXT NOT NULL,
    kind TEXT NOT NULL,         -- score | note | comment | recuse | unrecuse | finalise | reopen
    nominee TEXT NOT NULL,
    criterion TEXT,             -- score and note events
    value REAL,                 -- score events; NULL clears the score
    note TEXT,                  -- note and comment events
    reason TEXT,                -- recusal, reopening, or changing a finalised score
    at TEXT NOT NULL,           -- UTC, ISO 8601 with milliseconds; informative only
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (origin, seq)
);
CREATE INDEX score_events_by_cell ON score_events (assessor, nominee, kind, criterion);

-- The secretariat's ledger: one row per chain taken in by `merge`.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    origin TEXT NOT NULL,
    assessor TEXT NOT NULL,
    events_added INTEGER NOT NULL,
    events_known INTEGER NOT NULL,
    chain_length INTEGER NOT NULL,
    chain_head TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- Where the assessor was in the app (not audited: it is not a score).
CREATE TABLE ui_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The latest event of a kind per chain and cell; across chains of the same assessor (two
-- laptops) merge has refused disagreements, so any agreeing row may stand for the cell.
CREATE VIEW scores AS
WITH latest AS (
    SELECT assessor, nominee, criterion, value, at, origin, seq,
           ROW_NUMBER() OVER (PARTITION BY origin, assessor, nominee, criterion
                              ORDER BY seq DESC) AS newest
    FROM score_events WHERE kind = 'score'
), current AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY assessor, nominee, criterion
                                 ORDER BY origin) AS pick
    FROM latest WHERE newest = 1 AND value IS NOT NULL
)
SELECT assessor, nominee, criterion, value AS score, value, at AS scored_at
FROM current WHERE pick = 1;

CREATE VIEW notes AS
WITH latest AS (
    SELECT assessor, nominee, criterion, note, at, origin,
           ROW_NUMBER() OVER (PARTITION BY origin, assessor, nominee, criterion
                              ORDER BY seq DESC) AS newest
    FROM score_events WHERE kind IN ('note', 'comment')
), current AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY assessor, nominee, criterion
                                 ORDER BY origin) AS pick
    FROM latest WHERE newest = 1 AND note IS NOT NULL AND note != ''
)
SELECT assessor, nominee, criterion, note, at AS noted_at FROM current WHERE pick = 1;

CREATE VIEW recusals AS
WITH latest AS (
    SELECT assessor, nominee, kind, reason, at, origin,
           ROW_NUMBER() OVER (PARTITION BY origin, assessor, nominee ORDER BY seq DESC) AS newest
    FROM score_events WHERE kind IN ('recuse', 'unrecuse')
)
SELECT assessor, nominee, MIN(reason) AS reason, MIN(at) AS recused_at
FROM latest WHERE newest = 1 AND kind = 'recuse'
GROUP BY assessor, nominee;

CREATE VIEW finalised AS
WITH latest AS (
    SELECT assessor, nominee, kind, at, origin,
           ROW_NUMBER() OVER (PARTITION BY origin, assessor, nominee ORDER BY seq DESC) AS newest
    FROM score_events WHERE kind IN ('finalise', 'reopen')
)
SELECT assessor, nominee, MIN(at) AS finalised_at
FROM latest WHERE newest = 1 AND kind = 'finalise'
GROUP BY assessor, nominee;
