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
    year_type      TEXT NOT NULL CHECK (year_type IN ('academic', 'calendar', 'financial')),
    description    TEXT NOT NULL,
    series_breaks  TEXT,                  -- 'new YEAR: reason; gap YEAR-YEAR: reason' (end years; see measures.py)
    lait_code      TEXT,                  -- LAIT 'Short Desc' that feeds it, if any
    sort_order     INTEGER NOT NULL,
    appears_in     TEXT,                  -- places it appears, ';'-separated (measures.PLACES)
    school_phase   TEXT,                  -- primary / secondary / special / all, for measures of one school phase
    comparators    TEXT,                  -- ';'-separated (measures.COMPARATOR_KINDS)
    ranked         BOOLEAN NOT NULL,      -- ranked among LAs
    chart_title    TEXT NOT NULL,
    axis_label     TEXT NOT NULL,
    breakdown_label TEXT,                 -- its label beside sibling measures ('First preference', 'Autumn term')
    polarity_noun  TEXT,                  -- what 'lower' refers to in a sentence, for lower-is-better measures
    possible_range TEXT,                  -- 'LOW to HIGH: why', for scores (checked at intake)
    release_calendar TEXT,                -- 'VERSION MONTH[-MONTH][ +N]; ...': when its figures are published
    significance_reference DOUBLE         -- a school's interval is judged against this (0 for a progress score), not national
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
-- Filled through ingest/importers/__init__.py insert_la_results (one precedence rule) by the importers
-- lait.py, ees_eyfsp.py, ees_absence.py, ees_admissions.py, neet_participation.py, school_places_scorecard.py,
-- and by ingest/demo/la_level.py for the demo; each row's source_id names its file and importer in `sources`.
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

-- ==== Geography and deprivation (wards, LSOAs, English Indices of Deprivation) ====

-- Boundaries of small areas. Codes are ONS GSS codes (a boundary change gives a new code),
-- except in the demo, where generated cells carry 'SIM' codes and is_approximate = true.
CREATE TABLE geographies (
    code             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('lsoa', 'ward')),
    vintage          TEXT NOT NULL,       -- boundary year: LSOA '2011'/'2021'; wards as the file's WDyy, e.g. '2013', '2025'
    name             TEXT NOT NULL,
    geometry         TEXT NOT NULL,       -- GeoJSON geometry (WGS84 lon/lat) exactly as published
    display_geometry TEXT NOT NULL,       -- simplified copy for the browser (the stored original is kept above)
    label_lon        DOUBLE NOT NULL,     -- ONS label point where given, else a point inside the shape
    label_lat        DOUBLE NOT NULL,
    la_code          TEXT,                -- ONS local authority code (E06000017) where the file states it
    is_approximate   BOOLEAN NOT NULL,    -- true for generated demo cells
    source_id        INTEGER NOT NULL,
    source_row       INTEGER NOT NULL,    -- 1-based feature number in the file
    PRIMARY KEY (kind, vintage, code)
);

-- Which area an area belongs to (LSOA -> ward, LSOA 2011 -> LSOA 2021, area -> LA).
CREATE TABLE lookups (
    from_code     TEXT NOT NULL,
    from_kind     TEXT NOT NULL CHECK (from_kind IN ('lsoa', 'ward')),
    from_vintage  TEXT NOT NULL,          -- '2011' / '2021' for LSOAs
    to_code       TEXT NOT NULL,
    to_kind       TEXT NOT NULL CHECK (to_kind IN ('lsoa', 'ward', 'lad')),
    to_vintage    TEXT NOT NULL,          -- the lookup's vintage, e.g. '2017' for LSOA11 -> WD17, '2021' for LSOA21
    method        TEXT NOT NULL,          -- 'best fit', 'unchanged', 'split', 'merged', 'stated in file', 'contains (generated)'
    source_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,
    PRIMARY KEY (from_code, from_kind, from_vintage, to_kind, to_vintage, to_code)
);

-- English Indices of Deprivation by LSOA, every LSOA in England (national ranks and deciles need them).
-- An edition stays on the LSOAs it was published for: IoD2015/2019 on 2011 LSOAs, IoD2025 on 2021 LSOAs.
CREATE TABLE deprivation (
    edition       INTEGER NOT NULL,       -- 2015, 2019, 2025
    lsoa_code     TEXT NOT NULL,
    lsoa_vintage  TEXT NOT NULL,          -- '2011' or '2021'
    indicator     TEXT NOT NULL,          -- 'imd', 'income', ..., 'idaci', or 'population_total' etc. for denominators
    score         DOUBLE,
    rank          INTEGER,                -- national, 1 = most deprived
    decile        INTEGER CHECK (decile BETWEEN 1 AND 10),  -- national, 1 = most deprived 10%
    population    INTEGER,                -- denominator rows only
    source_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,
    -- Unique on (edition, lsoa_code, indicator): the loader inserts only keys not yet present (first file
    -- wins) instead of a PRIMARY KEY index, whose upkeep was most of the time loading 730,000 rows took.
    CHECK (score IS NOT NULL OR rank IS NOT NULL OR decile IS NOT NULL OR population IS NOT NULL)
);

-- Census population counts by small area (Census 2021 usual residents by age band).
CREATE TABLE area_population (
    code          TEXT NOT NULL,
    kind          TEXT NOT NULL,          -- 'lsoa'
    vintage       TEXT NOT NULL,          -- '2021'
    reference     TEXT NOT NULL,          -- 'Census 2021 usual residents'
    age_group     TEXT NOT NULL,
    persons       INTEGER NOT NULL,
    source_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,
    PRIMARY KEY (code, kind, vintage, reference, age_group)
);

-- ==== Schools (issue 3: masking view, school profiles, SQA prioritisation) ====
-- The register of schools, merged from every file that names them (GIAS first, then the
-- performance-table files); a later file only fills fields an earlier one left empty.
CREATE TABLE schools (
    urn             TEXT PRIMARY KEY,     -- DfE unique reference number (demo schools: 9xxxxx, clearly fake)
    name            TEXT NOT NULL,
    la_code         TEXT,                 -- DfE 3-digit LA number; NULL when no loaded file says
    estab           TEXT,                 -- DfE establishment number (LAESTAB = la_code || estab)
    phase           TEXT,                 -- 'Primary', 'Secondary', '16 plus', 'All-through', 'Special', ...
    school_type     TEXT,                 -- e.g. 'Academy converter', 'Voluntary aided school', 'Free schools 16 to 19'
    trust           TEXT,                 -- multi- or single-academy trust, if any
    trust_type      TEXT,                 -- 'Multi-academy trust', 'Single-academy trust', 'Federation', ...
    conversion_date DATE,                 -- academies: date opened as an academy / joined the trust
    ward_code       TEXT,                 -- ONS ward code, where a register gives it
    easting         INTEGER,
    northing        INTEGER,
    lat             DOUBLE,
    lon             DOUBLE,
    is_open         BOOLEAN NOT NULL,     -- false when a register says closed or GIAS links name a successor
    source_id       INTEGER NOT NULL,     -- the file that first named the school
    -- school_types.py, from RECTYPE/NFTYPE, GIAS type or census SCHOOLTYPE; NULL when no file settles it.
    -- Only 'state-funded mainstream' schools are compared with the state-funded national figure.
    comparison_group TEXT CHECK (comparison_group IN ('state-funded mainstream', 'state-funded special',
                                 'alternative provision', 'non-maintained special', 'independent special',
                                 'independent')),
    successor_urn   TEXT,                 -- the school that carries on this one (end of GIAS 'Successor' links)
    replaced_on     DATE,                 -- GIAS link date of the first successor link
    -- Register details as the files word them (GIAS, the performance-table spine, EES school files):
    postcode        TEXT,                 -- 'LE15 6RP' (upper case, one space)
    religious_character TEXT,             -- GIAS ReligiousCharacter / spine RELDENOM / EES reldenom
    admission_policy TEXT,               -- GIAS AdmissionsPolicy / spine ADMPOL / EES admpol_pt
    gender          TEXT,                 -- 'Mixed', 'Boys', 'Girls'
    age_low         INTEGER,              -- statutory age range
    age_high        INTEGER
);

-- School-level results, one row per school x measure x pupil group x year x version (tidy long form), as
-- published. Only a published interval is stored; where there is none, the queries compute one from the
-- cohort when the data allow (Wilson for percentages, score +/- 1.96 SD/sqrt(n) for progress scores: see
-- rutland_data/analysis/intervals.py) and say how.
CREATE TABLE school_results (
    urn            TEXT NOT NULL,
    end_year       INTEGER NOT NULL,      -- calendar year the academic year ends (2019 for 2018/19)
    year_label     TEXT NOT NULL,         -- '2018/19'
    measure_id     TEXT NOT NULL,
    pupil_group    TEXT NOT NULL,         -- 'all', 'disadvantaged', 'not_disadvantaged', 'boys', 'girls', 'low_prior', ...
    cohort_n       INTEGER,               -- pupils the figure covers, where the file publishes it
    value          DOUBLE,                -- NULL when a marker stands instead
    value_code     TEXT,                  -- published marker (SUPP, NE, NP, NA, LOWCOV, NEW, SP, ...); never 0
    ci_low         DOUBLE,
    ci_high        DOUBLE,
    ci_method      TEXT,                  -- 'published' where the file gives the interval; NULL otherwise
    published_band INTEGER,               -- DfE progress band where published: 1 well above average .. 5 well below
    version        TEXT NOT NULL CHECK (version IN ('provisional', 'revised', 'final', 'unstated')),
    source_id      INTEGER NOT NULL,
    source_row     INTEGER NOT NULL,
    cohort_from    TEXT,                  -- the columns cohort_n comes from ('TELIG × READCOV %') when it counts exactly
                                          -- the pupils the figure is computed on; NULL when not (then no interval is computed)
    -- Unique on (urn, measure_id, pupil_group, end_year, version): the loader inserts only keys not yet
    -- present (first file wins) instead of a PRIMARY KEY index, which costs ~1 s per 100,000 rows loaded.
    CHECK (value IS NOT NULL OR value_code IS NOT NULL)
);

-- The LA and national rows of the same school-level files: comparators with exactly the
-- school measures' definitions and pupil groups (national = state-funded schools).
CREATE TABLE school_benchmarks (
    area_code      TEXT NOT NULL,         -- LA number ('857') or 'E92000001'
    school_phase   TEXT NOT NULL,         -- 'all' for results files; 'primary'/'secondary'/'special' for census/absence rows
    end_year       INTEGER NOT NULL,
    year_label     TEXT NOT NULL,
    measure_id     TEXT NOT NULL,
    pupil_group    TEXT NOT NULL,
    cohort_n       INTEGER,
    value          DOUBLE,
    value_code     TEXT,
    ci_low         DOUBLE,
    ci_high        DOUBLE,
    version        TEXT NOT NULL CHECK (version IN ('provisional', 'revised', 'final', 'unstated')),
    source_id      INTEGER NOT NULL,
    source_row     INTEGER NOT NULL,
    -- Unique on (area_code, school_phase, measure_id, pupil_group, end_year, version), kept by the loader.
    CHECK (value IS NOT NULL OR value_code IS NOT NULL)
);

-- Predecessor/successor links between URNs (e.g. a maintained school and the academy that replaced it).
CREATE TABLE school_links (
    urn          TEXT NOT NULL,
    linked_urn   TEXT NOT NULL,
    link_type    TEXT NOT NULL,           -- as GIAS words it: 'Successor', 'Predecessor', ...
    link_date    DATE,
    linked_name  TEXT,                    -- GIAS LinkName: the linked school's name, even if no file registers it
    source_id    INTEGER NOT NULL,
    PRIMARY KEY (urn, linked_urn, link_type)
);

-- ==== Council review figures (reference data) ====
-- Figures the council's own published review quoted, with their citation (rutland_data/review_figures.csv),
-- loaded into every build: where a quoted provisional figure differs from the final one, pages say so.
CREATE TABLE review_figures (
    publisher_la  TEXT NOT NULL,          -- the council whose review it is ('857')
    measure_id    TEXT NOT NULL,
    end_year      INTEGER NOT NULL,
    area_code     TEXT NOT NULL,
    quoted        TEXT NOT NULL,          -- as printed, e.g. '61.0%'
    value         DOUBLE NOT NULL,
    version       TEXT CHECK (version IN ('provisional', 'revised', 'final')),  -- NULL where the review does not say
    document      TEXT NOT NULL,          -- short name, e.g. 'LaSSAR 2016-17'
    citation      TEXT NOT NULL,          -- document, section and the quoted words
    PRIMARY KEY (publisher_la, measure_id, end_year, area_code)
);

-- ==== Ofsted inspections (issue 14) ====
-- Ofsted's management information 'State-funded schools inspections and outcomes as at ...' (latest
-- inspections): one row per school x inspection x judgement area, as published. Up to August 2025 the
-- framework gave an overall effectiveness grade (1 Outstanding .. 4 Inadequate; none for graded
-- inspections from September 2024); report cards from November 2025 grade each evaluation area on a
-- five-point scale (1 Exceptional .. 5 Urgent improvement) and give no overall grade.
CREATE TABLE inspections (
    urn              TEXT NOT NULL,
    inspection_start DATE NOT NULL,
    publication_date DATE,
    framework        TEXT NOT NULL CHECK (framework IN ('graded', 'report card')),
    area             TEXT NOT NULL,       -- 'Overall effectiveness', 'Quality of education', 'Inclusion', ...
    grade            INTEGER,             -- graded: 1-4; report card: 1-5; NULL when the file gives words only
    grade_text       TEXT NOT NULL,       -- as published ('Good', 'Expected standard', 'Met', 'Not judged')
    inspection_type  TEXT,                -- as published, e.g. 'Section 5', 'Section 8'
    pupils           INTEGER,             -- the file's 'Total number of pupils' for the school, where given
    source_id        INTEGER NOT NULL,
    source_row       INTEGER NOT NULL,
    PRIMARY KEY (urn, inspection_start, area)
);

-- ==== Postcode lookups (issue 14: schools on the map) ====
-- ONS postcode directories (ONSPD / NSPL, or ONS's postcode to OA to LSOA best-fit lookup): the small areas a
-- school's postcode lies in, kept only for postcodes the register holds (a national file has 2.7 million).
CREATE TABLE postcode_areas (
    postcode      TEXT PRIMARY KEY,       -- 'LE15 6RP' (upper case, one space)
    lsoa11_code   TEXT,                   -- 2011 LSOA, where the file gives it
    lsoa21_code   TEXT,                   -- 2021 LSOA, where the file gives it
    ward_code     TEXT,                   -- the ward the file gives (ONSPD osward / NSPL ward)
    source_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL
);

-- ==== LA-level pupil groups ====
-- LA, region and England results of one pupil group (tidy long form): the base measure's dictionary row
-- (unit, decimals, polarity, series breaks) holds for every group; the series loaded are those listed in
-- rutland_data/reference/group_measures.csv. The all-pupils figure stays in la_results.
CREATE TABLE la_group_results (
    measure_id    TEXT NOT NULL,          -- the base measure, e.g. 'ks2_rwm_exp'
    pupil_group   TEXT NOT NULL,          -- reference/codes.py PUPIL_GROUP_LABELS: 'disadvantaged', 'fsm', 'girls', ...
    year_label    TEXT NOT NULL,          -- as published
    end_year      INTEGER NOT NULL,
    area_code     TEXT NOT NULL,
    value         DOUBLE,                 -- NULL when the publisher gave a marker instead
    value_code    TEXT,                   -- the published marker; never turned into 0
    cohort        INTEGER,                -- pupils in the group the figure covers, where a file publishes it (filled in
                                          -- from another file that gives the same value with its cohort)
    version       TEXT CHECK (version IN ('provisional', 'revised', 'final')),  -- NULL where the file does not say
    source_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,
    PRIMARY KEY (measure_id, pupil_group, end_year, area_code),
    CHECK (value IS NOT NULL OR value_code IS NOT NULL),
    CHECK (cohort IS NULL OR cohort >= 0)
);
