-- The officers' database (settings.local_db_path, default data/local_returns.duckdb; git-ignored): the
-- council's own school-level returns, kept apart from the main database, which a build replaces whole.
-- Written only by store/local_db.py, a new file swapped in for every upload (like a build).
-- A figure's status (unvalidated / superseded) is not stored: it is worked out when read, against the
-- main database of the moment (queries/local_returns.py), so it is never stale.

-- One row per accepted upload.
CREATE TABLE uploads (
    upload_id     INTEGER PRIMARY KEY,
    file_name     TEXT NOT NULL,          -- as uploaded
    sha256        TEXT NOT NULL UNIQUE,   -- of the file's bytes: the same file is not loaded twice
    uploaded_by   TEXT NOT NULL,          -- the officer's e-mail or name (--by for the command)
    uploaded_at   TIMESTAMP NOT NULL,     -- UTC
    rows_loaded   INTEGER NOT NULL,
    la_code       TEXT NOT NULL           -- the LA the file was checked against
);

-- One row per school x measure x year of an upload (tidy long form, as the main school_results).
CREATE TABLE local_results (
    upload_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,       -- the file's row (header = 1)
    urn           TEXT NOT NULL,          -- laestab in the file is turned into the URN of the register
    measure_id    TEXT NOT NULL,          -- a dictionary measure that appears in 'local_returns'
    end_year      INTEGER NOT NULL,
    year_label    TEXT NOT NULL,
    cohort_n      INTEGER,                -- pupils in the measure
    met_n         INTEGER,                -- pupils meeting it (percentage measures)
    value         DOUBLE,                 -- percentage or score; NULL when a code stands instead
    value_code    TEXT,                   -- a published marker (reference/markers.py); never 0
    PRIMARY KEY (upload_id, urn, measure_id, end_year),
    CHECK (value IS NOT NULL OR value_code IS NOT NULL)
);

CREATE TABLE build_info (
    key   TEXT PRIMARY KEY,
    value TEXT
);
