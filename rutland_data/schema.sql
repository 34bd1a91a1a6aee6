-- Every table of the dashboard database, typed and commented.
-- Tables are grouped by feature; each feature appends its own section at the end.
-- Every result row carries source_id (and the row in that file) so any figure on
-- screen can be traced to the file, its checksum and when it was loaded.

-- One row per file loaded (or per generated dataset for the demo).
CREATE TABLE sources (
    source_id     INTEGER PRIMARY KEY,
    file_name     TEXT NOT NULL,          -- path as given, relative to the build folder
    sha256        TEXT NOT NULL,          -- of the file's bytes (of the generator's output for demo data)
    importer      TEXT NOT NULL,          -- which format module read it
    publisher     TEXT NOT NULL,
    licence       TEXT NOT NULL,
    rows_loaded   INTEGER NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    is_simulated  BOOLEAN NOT NULL,       -- true only for invented demo figures
    release_note  TEXT,                   -- e.g. 'KS2 revised 2 Nov 2017'; provisional/revised status of the release
    notes         TEXT                    -- what the load decided, e.g. rows already given by an earlier file
);

-- The indicator dictionary: charts and tables are driven from it.
CREATE TABLE measures (
    measure_id     TEXT PRIMARY KEY,
    phase          TEXT NOT NULL,         -- Early years, Phonics, KS1, KS2, KS4, KS5, Absence, ...
    name           TEXT NOT NULL,
    short_label    TEXT NOT NULL,
    unit           TEXT NOT NULL CHECK (unit IN ('%', 'score', 'count', 'rate')),
    polarity       TEXT NOT NULL CHECK (polarity IN ('higher', 'lower', 'neutral')),
    decimals       INTEGER NOT NULL,
    description    TEXT NOT NULL,
    series_breaks  TEXT NOT NULL,         -- 'YEAR: reason; YEAR: reason' - a new series starts in YEAR (end year)
    lait_code      TEXT,                  -- LAIT 'Short Desc' that feeds it, if any
    headline       BOOLEAN NOT NULL,      -- shown on the Headlines page
    sort_order     INTEGER NOT NULL
);

-- Every geography a result can belong to.
CREATE TABLE areas (
    area_code     TEXT PRIMARY KEY,       -- DfE 3-digit LA code ('857'), ONS code for regions/England, URN for schools
    name          TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('school', 'la', 'region', 'england')),
    old_la_code   INTEGER,                -- DfE LA number (also LAIT's numbers for regions/England)
    new_la_code   TEXT,                   -- ONS code, e.g. E06000017
    region_code   TEXT,                   -- for LAs and schools
    is_current    BOOLEAN NOT NULL DEFAULT TRUE  -- false for LAs since abolished (e.g. 928 Northamptonshire)
);

-- LA, region and England results, one row per measure, year and area (tidy long form).
CREATE TABLE la_results (
    measure_id    TEXT NOT NULL,
    year_label    TEXT NOT NULL,          -- as published, e.g. '2016/17' or '2018 (Rev)'
    end_year      INTEGER NOT NULL,       -- calendar year the academic year ends, e.g. 2017 for 2016/17
    area_code     TEXT NOT NULL,
    value         DOUBLE,                 -- NULL when the publisher gave a marker instead
    value_code    TEXT,                   -- the published marker ('-', 'c', 'x', 'z', 'SUPP', ...); never turned into 0
    version       TEXT CHECK (version IN ('provisional', 'revised', 'final')),  -- NULL where the file does not say
    source_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,       -- 1-based data row in the source file
    PRIMARY KEY (measure_id, end_year, area_code),
    CHECK (value IS NOT NULL OR value_code IS NOT NULL)
);

-- DfE children's services statistical neighbour models.
CREATE TABLE stat_neighbours (
    set_version   TEXT NOT NULL,          -- '2021-04' or '2025-05'
    la_code       TEXT NOT NULL,
    neighbour_code TEXT NOT NULL,
    rank          INTEGER NOT NULL,       -- 1 = closest
    closeness     TEXT,                   -- 'Very Close', 'Close', ...
    source_id     INTEGER NOT NULL,
    PRIMARY KEY (set_version, la_code, rank)
);

-- Destinations of a cohort (LA, England or school), by category.
CREATE TABLE destinations (
    cohort_label    TEXT NOT NULL,        -- e.g. 'Year 11 leavers 2016'
    cohort_end_year INTEGER NOT NULL,
    stage           TEXT NOT NULL,        -- 'KS4' or '16-18'
    area_code       TEXT NOT NULL,
    category        TEXT NOT NULL,
    category_group  TEXT,                 -- e.g. 'In county' / 'Out of county'
    pupils          INTEGER,
    percent         DOUBLE,
    value_code      TEXT,
    source_id       INTEGER NOT NULL,
    source_row      INTEGER NOT NULL
);

-- Facts about the build itself (LA setting, mode, time).
CREATE TABLE build_info (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
