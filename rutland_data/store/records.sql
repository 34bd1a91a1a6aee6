-- The records database: what officers write (the improvement plan, meetings, commentary).
-- Separate from the main database, which is an immutable snapshot rebuilt from official files.
-- Every row carries a revision (a write names the revision it read: a second session's stale edit is refused)
-- and who last changed it and when; every change is also a row of `audit`.

CREATE SEQUENCE IF NOT EXISTS record_ids START 1;

-- One improvement plan (the council's Education Improvement Plan for a year).
CREATE TABLE IF NOT EXISTS plans (
    plan_id        INTEGER PRIMARY KEY DEFAULT nextval('record_ids'),
    title          TEXT NOT NULL,
    baseline_year  INTEGER NOT NULL,      -- end year of the results the plan was written on (2017 for 2016/17)
    source         TEXT NOT NULL,         -- where the plan's text comes from
    revision       INTEGER NOT NULL DEFAULT 1,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL
);

-- Priorities -> issues -> actions -> milestones, one row each; `ref` is the item's place (P1, P1.I2, P1.I2.A1,
-- P1.I2.A1.M1), stable across imports so indicators and commentary can name it.
CREATE TABLE IF NOT EXISTS plan_items (
    item_id        INTEGER PRIMARY KEY DEFAULT nextval('record_ids'),
    plan_id        INTEGER NOT NULL,
    ref            TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('priority', 'issue', 'action', 'milestone')),
    parent_ref     TEXT,                  -- NULL for a priority
    position       INTEGER NOT NULL,      -- order within its parent, from 1
    text           TEXT NOT NULL,         -- as written in the plan
    dates_text     TEXT,                  -- milestones: the dates as written ('Oct 17- Oct 18')
    start_date     DATE,                  -- milestones: first day of the first month written
    due_date       DATE,                  -- milestones: last day of the last month written
    lead           TEXT,                  -- milestones: initials as written ('SuH/SaH')
    status         TEXT CHECK (status IN ('not recorded', 'not started', 'in progress', 'done', 'dropped')),
    revision       INTEGER NOT NULL DEFAULT 1,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL,
    UNIQUE (plan_id, ref),
    CHECK ((level = 'milestone') = (status IS NOT NULL))
);

-- The indicators that show whether a plan item is working: a dictionary measure, what is counted, and the target.
CREATE TABLE IF NOT EXISTS plan_indicators (
    indicator_id   INTEGER PRIMARY KEY DEFAULT nextval('record_ids'),
    plan_id        INTEGER NOT NULL,
    item_ref       TEXT NOT NULL,         -- the plan item it evidences (plan_items.ref)
    position       INTEGER NOT NULL,
    measure_id     TEXT NOT NULL,         -- rutland_data/reference/measures.csv
    basis          TEXT NOT NULL CHECK (basis IN ('la', 'schools significantly below')),
    comparison     TEXT NOT NULL CHECK (comparison IN ('at or above', 'above', 'at or below', 'below', 'fewer than')),
    comparator     TEXT NOT NULL CHECK (comparator IN ('England', 'Region', 'Statistical neighbours',
                                                       'last year', 'target value')),
    target_value   DOUBLE,                -- only with comparator 'target value'
    revision       INTEGER NOT NULL DEFAULT 1,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL,
    CHECK ((comparator = 'target value') = (target_value IS NOT NULL))
);

-- A meeting: which body, when, and the data version (main database content sha256) its papers used.
CREATE TABLE IF NOT EXISTS meetings (
    meeting_id     INTEGER PRIMARY KEY DEFAULT nextval('record_ids'),
    body           TEXT NOT NULL CHECK (body IN ('Portfolio Holder', 'Education Performance Board', 'Scrutiny')),
    meeting_date   DATE NOT NULL,
    end_year       INTEGER NOT NULL,      -- the year its papers report (2017 for 2016/17)
    content_sha256 TEXT NOT NULL,         -- of the main database; its copy is <meetings dir>/<sha>.duckdb
    revision       INTEGER NOT NULL DEFAULT 1,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL
);

-- Commentary for one meeting on a figure (measure, optionally one year) or a plan item: what is being done about it.
CREATE TABLE IF NOT EXISTS commentary (
    comment_id     INTEGER PRIMARY KEY DEFAULT nextval('record_ids'),
    meeting_id     INTEGER NOT NULL,
    measure_id     TEXT,
    end_year       INTEGER,
    item_ref       TEXT,                  -- plan_items.ref of the meeting's plan
    text           TEXT NOT NULL CHECK (length(trim(text)) > 0),
    revision       INTEGER NOT NULL DEFAULT 1,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL,
    CHECK ((measure_id IS NULL) <> (item_ref IS NULL)),
    CHECK (end_year IS NULL OR measure_id IS NOT NULL)
);

-- Every change to the tables above: who, when, which row, and the row before and after (JSON).
CREATE TABLE IF NOT EXISTS audit (
    change_id      INTEGER PRIMARY KEY DEFAULT nextval('record_ids'),
    changed_at     TIMESTAMP NOT NULL,
    changed_by     TEXT NOT NULL,
    table_name     TEXT NOT NULL,
    row_id         INTEGER NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before_json    TEXT,
    after_json     TEXT
);
